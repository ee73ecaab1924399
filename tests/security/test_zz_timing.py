import time
import pytest
from django.test import Client
from tests.security.urlmap import public_urls, with_values
from tests.security.test_hostile_input import QUERY_VALUES, PARAMS, content  # noqa

@pytest.mark.django_db
def test_timing(content):
    c = Client(raise_request_exception=False)
    rows = []
    for name, url in public_urls():
        u = with_values(url, pk=1, slug="jwc")
        t = time.perf_counter()
        for v in QUERY_VALUES:
            c.get(u, dict.fromkeys(PARAMS, v))
        rows.append((time.perf_counter() - t, name))
    for r in sorted(rows, reverse=True)[:15]:
        print(f"{r[0]:.2f} {r[1]}")
