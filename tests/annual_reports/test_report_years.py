"""Odd years: every report URL and the API answer 404 for a year outside the declared range."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from disclosure.annual_reports.models import AnnualReport
from disclosure.annual_reports.years import report_year_range

ODD_YEARS = ["0", "1", "1999", "99999", "2147483648", "99999999999999999999", "00000"]
REPORT_URLS = ["/reports/{}/", "/reports/{}/docx", "/reports/{}/compliance/", "/api/v1/reports/{}/"]


@pytest.mark.django_db
@pytest.mark.parametrize("year", ODD_YEARS)
@pytest.mark.parametrize("url", REPORT_URLS)
def test_a_year_outside_the_range_is_a_404_for_every_report_url(client, office_user, url, year):
    # The office reaches every view (compliance is staff only), so a 404 comes from the year.
    client.force_login(office_user)
    assert client.get(url.format(year)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", REPORT_URLS)
def test_the_ends_of_the_range_still_reach_the_views(client, office_user, url):
    client.force_login(office_user)
    years = report_year_range()
    assert years.start == 2000 and years.stop - 1 == timezone.localdate().year + 1
    for year in (years.start, years.stop - 1):
        status = client.get(url.format(year)).status_code
        # No report for those years: 404 from the view, except compliance, which computes.
        assert status == (200 if "compliance" in url else 404), (url, year)


@pytest.mark.django_db
def test_the_range_is_one_setting(client, office_user, settings):
    client.force_login(office_user)
    assert client.get("/reports/2005/compliance/").status_code == 200
    settings.DISCLOSURE = {**settings.DISCLOSURE, "REPORT_FIRST_YEAR": 2010}
    assert client.get("/reports/2005/compliance/").status_code == 404
    with pytest.raises(ValidationError, match="学年应在 2010 至"):
        AnnualReport(year=2005).full_clean()


@override_settings()
def test_the_model_refuses_a_year_outside_the_range():
    with pytest.raises(ValidationError) as raised:
        AnnualReport(year=99999).clean_fields(exclude=[f.name for f in AnnualReport._meta.fields
                                                       if f.name != "year"])
    assert "学年应在 2000 至" in str(raised.value)
