"""A self-hosted spam guard that costs people nothing: a hidden honeypot field and a minimum fill time.

No third-party captcha: a site hosted in mainland China cannot rely on one.
"""

from __future__ import annotations

import time

from django import forms
from django.core import signing

HONEYPOT_FIELD = "website"
TIMESTAMP_FIELD = "form_started"
_SALT = "disclosure.core.spamguard"


class SpamGuardMixin(forms.Form):
    """Add to a public form. Refuses bots that fill the hidden field or submit too fast."""

    min_fill_seconds = 3
    max_age_seconds = 24 * 3600

    website = forms.CharField(
        required=False, label="请勿填写此项",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    form_started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial[TIMESTAMP_FIELD] = signing.dumps(time.time(), salt=_SALT)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(HONEYPOT_FIELD):
            raise forms.ValidationError("提交未通过校验，请刷新页面后重新填写。", code="spam")
        try:
            started = signing.loads(
                cleaned.get(TIMESTAMP_FIELD) or "", salt=_SALT, max_age=self.max_age_seconds
            )
        except signing.BadSignature:
            raise forms.ValidationError("页面已过期，请刷新页面后重新提交。", code="expired") from None
        if time.time() - float(started) < self.min_fill_seconds:
            raise forms.ValidationError("提交过快，请确认填写内容后再提交。", code="too_fast")
        # A fresh stamp, so that a form shown again with errors can be resubmitted at once.
        self.data = self.data.copy()
        self.data[TIMESTAMP_FIELD] = signing.dumps(float(started), salt=_SALT)
        return cleaned
