"""The portal's URLs, plus the framework floor the benchmark measures every page against."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def floor(request):
    """The framework floor: a trivial view behind the whole middleware stack (no query, no template)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *portal_urlpatterns]
