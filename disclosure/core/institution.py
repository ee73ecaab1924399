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
