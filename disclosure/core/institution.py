"""Who the university is, read in one place.

Letters, reports and pages ask these functions, never `settings.DISCLOSURE` directly, so that the
source (today the settings, later the office's site settings) changes here only.
"""

from django.conf import settings


def university_name() -> str:
    """The university's name as it signs its documents."""
    return settings.DISCLOSURE.get("UNIVERSITY_NAME", "")


def office_name() -> str:
    """The disclosure office (信息公开工作机构) that signs letters for the university."""
    return settings.DISCLOSURE.get("OFFICE_NAME", "")


def supervisor_name() -> str:
    """Where an applicant complains inside the university (信息公开监督部门)."""
    return settings.DISCLOSURE.get("SUPERVISOR_NAME", "") or "学校信息公开监督部门"


def education_department() -> str:
    """The provincial education department the applicant may turn to next (办法: 省级教育行政部门)."""
    return settings.DISCLOSURE.get("EDUCATION_DEPARTMENT", "") or "省级教育行政部门"
