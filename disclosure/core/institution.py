"""The university's facts (name, code, office, address…) as the office set them in 网站设置, read in one place.

The model lives in the site app; the apps below it (items, requests, reports) ask here, by the
model's label, so that they never import the site app. Letters, reports and pages ask these
functions, never `settings.DISCLOSURE` directly.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings


def institution():
    """The site settings in force (`disclosure.site.models.SiteSettings`), cached until a change."""
    return apps.get_model("site", "SiteSettings").current()


def absolute_url(path: str) -> str:
    """`path` (from `reverse`) as a full address, for mail, which is read far from the site."""
    return settings.SITE_URL + path


def university_name() -> str:
    """The university's name as it signs its documents."""
    return institution().university_name


def office_name() -> str:
    """The disclosure office (信息公开工作机构) that signs letters for the university."""
    return institution().office_name


# The two below are not in 网站设置 (they change with the law, not with the office's address): the
# deployment's settings name them, else the wording of the measures (办法) stands.
def supervisor_name() -> str:
    """Where an applicant complains inside the university (信息公开监督部门)."""
    return settings.DISCLOSURE.get("SUPERVISOR_NAME", "") or "学校信息公开监督部门"


def education_department() -> str:
    """The provincial education department the applicant may turn to next (办法: 省级教育行政部门)."""
    return settings.DISCLOSURE.get("EDUCATION_DEPARTMENT", "") or "省级教育行政部门"
