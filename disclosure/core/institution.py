"""The university's facts (name, code, office, address…) as the office set them in 网站设置.

The model lives in the site app; the apps below it (items, requests, reports) ask here, by the
model's label, so that they never import the site app.
"""

from __future__ import annotations

from django.apps import apps


def institution():
    """The site settings in force (`disclosure.site.models.SiteSettings`), cached until a change."""
    return apps.get_model("site", "SiteSettings").current()
