from django.conf import settings


def site(request):
    """The university's and the site's names, for every template."""
    return {
        "university_name": settings.DISCLOSURE["UNIVERSITY_NAME"],
        "site_name": settings.DISCLOSURE["SITE_NAME"],
    }
