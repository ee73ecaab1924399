"""Input hygiene in one place: control characters never reach the database, and the outputs that
cannot carry them (XML: Atom feeds, .xlsx, .docx) drop any that are already stored.

A title pasted from a PDF or a Word file often brings a vertical tab (\\x0b), a form feed (\\x0c) or
another C0/C1 control character along. They mean nothing to a reader, and XML 1.0 forbids them:
the feed, the Excel export, the reply letter and the report .docx answered 500 on them.

Why a `pre_save` receiver on every domain model, and not the forms, the serializers or the fields:
every way in ends in `Model.save()` (the admin's forms and inlines, the API's serializers, the public
request form, the Excel import, the services, `loaddata`), so one receiver catches them all, including
a door added later; a form- or serializer-level cleaner would have to be remembered at each door, and
a custom model field would touch every migration. What bypasses `save()` (`QuerySet.update()`,
`bulk_create`, raw SQL) is covered by the second half: every output passes text through
`clean_text` too, and `tests/core/test_hygiene.py` stores control characters with `update()` and
fetches each output.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.db.models.signals import pre_save

# C0 controls except tab and newline, DEL, C1 controls, UTF-16 surrogates (a JSON "\ud800" decodes
# to one; PostgreSQL refuses it) and the two non-characters XML forbids.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """`value` without control characters other than tab and newline; CR LF and CR become LF."""
    if not value:
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def clean_value(value: Any) -> Any:
    """Strings cleaned inside JSON-like values (dicts, lists), anything else unchanged."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clean_value(v) for v in value)
    return value


def _text_fields(model) -> list[models.Field]:
    return [
        field for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
    ]


def clean_instance_text(sender, instance, **kwargs) -> None:
    """Before any save of a domain model: clean every text field (and strings inside JSON fields)."""
    for field in _text_fields(sender):
        value = getattr(instance, field.attname)
        if value:
            cleaned = clean_value(value)
            if cleaned != value:
                setattr(instance, field.attname, cleaned)


def connect_hygiene(app_labels) -> None:
    """Connect the receiver to every model of `app_labels` (the domain apps), their histories too."""
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.app_label in app_labels and _text_fields(model):
            pre_save.connect(clean_instance_text, sender=model,
                             dispatch_uid=f"disclosure.hygiene.{model._meta.label_lower}")
