from django.conf import settings

from disclosure.core.institution import institution


def site(request):
    """The university's and the site's names and the office's facts, for every template."""
    facts = institution()
    return {
        "university_name": facts.university_name,
        "site_name": settings.DISCLOSURE["SITE_NAME"],
        "site_settings": facts,
    }
