"""Departments, the official checklist and the publication channels."""

from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "disclosure.catalogue"
    label = "catalogue"
    verbose_name = "目录"
    default_auto_field = "django.db.models.BigAutoField"

