"""The public site: pages, error reports, feeds, sitemaps."""

from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "disclosure.site"
    label = "site"
    verbose_name = "公开网站"
    default_auto_field = "django.db.models.BigAutoField"

