"""The site settings (网站设置): one row the office edits; the guide, footer, letters and form read it."""

import io
import os
import re
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from disclosure.core.cache import bump_generation
from disclosure.core.institution import institution
from disclosure.site import services as site_services
from disclosure.site.models import SiteSettings

pytestmark = pytest.mark.django_db

FACTS = {
    "university_name": "示范大学", "university_code": "4133000001", "office_name": "党政办公室",
    "office_address": "示范市学府路 1 号行政楼 205 室", "postal_address": "示范市学府路 1 号（邮编 450001）",
    "phone": "0371-66660000", "email": "xxgk@example.edu.cn",
    "office_hours": "工作日 8:30—11:30，14:30—17:00", "icp_number": "豫ICP备05000000号",
    "police_number": "豫公网安备 41010502000000号", "wechat_account": "示范大学",
}
REMEMBERED = override_settings(PUBLIC_PAGE_CACHE_SECONDS=300, PUBLIC_PAGE_CACHE_MEMO_SECONDS=0)


def save(user, **changes):
    row = SiteSettings.objects.filter(pk=1).first() or SiteSettings.defaults()
    for name, value in {**FACTS, **changes}.items():
        setattr(row, name, value)
    return site_services.save_site_settings(row, by=user)


def test_defaults_come_from_the_environment_until_the_office_saves():
    facts = institution()
    assert (facts.university_name, facts.university_code) == ("示范大学", "4100000000")
    assert not SiteSettings.objects.exists()


def test_only_the_office_saves_and_the_history_says_who(office_user, editor, supervisor):
    for user in (editor, supervisor):
        with pytest.raises(PermissionDenied):
            save(user)
    save(office_user)
    row = SiteSettings.objects.get()
    assert row.modified_by == office_user
    assert row.history.get().history_user == office_user
    # Saving again keeps one row.
    save(office_user, phone="0371-66661111")
    assert SiteSettings.objects.count() == 1
    assert institution().phone == "0371-66661111"


def test_admin_is_one_form_for_the_office_and_shut_for_others(client, office_user, editor):
    client.force_login(editor)
    assert client.get("/admin/site/sitesettings/").status_code == 403
    client.force_login(office_user)
    response = client.get("/admin/site/sitesettings/")
    assert response.status_code == 302 and response["Location"].endswith("/add/")
    data = {**FACTS, "university_name": "示范理工大学"}
    response = client.post("/admin/site/sitesettings/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert institution().university_name == "示范理工大学"
    assert client.get("/admin/site/sitesettings/")["Location"].endswith("/1/change/")
    assert client.get("/admin/site/sitesettings/1/delete/").status_code == 403


def test_bad_email_is_refused_with_a_message(client, office_user):
    client.force_login(office_user)
    response = client.post("/admin/site/sitesettings/add/", {**FACTS, "email": "不是邮箱"})
    assert response.status_code == 200
    assert "有效的电子邮件地址" in response.content.decode() or "邮箱" in response.content.decode()
    assert not SiteSettings.objects.exists()


def test_guide_footer_and_request_page_show_the_facts(client, office_user):
    save(office_user)
    guide = client.get(reverse("disclosure:guide")).content.decode()
    for value in ("示范市学府路 1 号行政楼 205 室", "0371-66660000", "xxgk@example.edu.cn",
                  "工作日 8:30—11:30，14:30—17:00", "示范市学府路 1 号（邮编 450001）",
                  reverse("disclosure:request_form_pdf"), reverse("disclosure:request_form_docx")):
        assert value in guide, value
    home = client.get("/").content.decode()
    for value in ("豫ICP备05000000号", "豫公网安备 41010502000000号", "示范市学府路 1 号行政楼 205 室"):
        assert value in home, value
    request_page = client.get(reverse("disclosure:request_create")).content.decode()
    assert reverse("disclosure:request_form_pdf") in request_page
    assert "微信中搜索公众号“示范大学”" in client.get(reverse("disclosure:subscribe")).content.decode()


@REMEMBERED
def test_a_change_reaches_cached_pages_through_the_one_purge(client, office_user,
                                                            django_capture_on_commit_callbacks):
    bump_generation()
    with django_capture_on_commit_callbacks(execute=True):
        save(office_user)
    assert "0371-66660000" in client.get("/").content.decode()
    assert client.get("/").get("X-Page-Cache") == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        save(office_user, phone="0371-66662222")
    page = client.get("/")
    assert page.get("X-Page-Cache") is None
    assert "0371-66662222" in page.content.decode()


@REMEMBERED
def test_settings_are_read_once_per_generation(office_user, django_assert_num_queries,
                                               django_capture_on_commit_callbacks):
    bump_generation()
    with django_capture_on_commit_callbacks(execute=True):
        save(office_user)
    institution()
    with django_assert_num_queries(0):
        assert institution().phone == FACTS["phone"]


def test_letters_and_the_yearly_report_title_use_the_saved_name(office_user):
    from disclosure.annual_reports.models import AnnualReport
    from disclosure.disclosure_requests import actions as request_actions
    from disclosure.disclosure_requests import letters
    from tests.disclosure_requests.test_requests import APPLICANT, MARCH_2

    save(office_user, university_name="示范理工大学", office_name="校长办公室")
    assert AnnualReport(year=2025).display_title.startswith("示范理工大学")
    request = request_actions.receive_request(by=office_user, channel="letter", received_on=MARCH_2,
                                              **APPLICANT)
    values = letters.values_for(request)
    assert (values["学校名称"], values["办公室名称"]) == ("示范理工大学", "校长办公室")


def _streams(pdf: bytes):
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            yield zlib.decompress(match.group(1))
        except zlib.error:
            yield match.group(1)


def test_application_form_downloads(client, office_user):
    save(office_user)
    pdf = client.get(reverse("disclosure:request_form_pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF-")
    # The Chinese text is set in an embedded CJK font, not in boxes of a missing glyph.
    assert b"CJK" in b"".join(_streams(pdf.content))
    if os.environ.get("SITE_FORM_PDF"):
        Path(os.environ["SITE_FORM_PDF"]).write_bytes(pdf.content)
    docx = client.get(reverse("disclosure:request_form_docx"))
    assert docx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        xml = archive.read("word/document.xml").decode()
    for text in ("示范大学信息公开申请表", "所需信息的名称、文号或便于查询的其他特征性描述", "□邮寄",
                 "□纸质文本", "□自然人", "示范市学府路 1 号行政楼 205 室", "0371-66660000"):
        assert text in xml, text


def test_request_form_fields_name_their_input_purpose(client):
    html = client.get(reverse("disclosure:request_create")).content.decode()
    for name, purpose in (("applicant_name", "name"), ("phone", "tel"), ("email", "email"),
                          ("postal_address", "street-address"), ("postal_code", "postal-code")):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*autocomplete="{purpose}"|'
                         rf'<input[^>]*autocomplete="{purpose}"[^>]*name="{name}"', html), name


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_wechat_qr_is_uploaded_in_the_admin_and_served_as_an_image(client, office_user, settings,
                                                                   tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    assert client.get(reverse("disclosure:wechat_qr")).status_code == 404
    client.force_login(office_user)
    refused = client.post("/admin/site/sitesettings/add/", {
        **FACTS, "wechat_qr": SimpleUploadedFile("qr.svg", b"<svg onload=alert(1)>", "image/svg+xml")})
    assert refused.status_code == 200 and not SiteSettings.objects.exists()
    response = client.post("/admin/site/sitesettings/add/", {
        **FACTS, "wechat_qr": SimpleUploadedFile("../../qr.png", _png(), "image/png")})
    assert response.status_code == 302
    stored = SiteSettings.objects.get().wechat_qr.name
    assert stored.startswith("site/wechat-qr-") and ".." not in stored
    client.logout()
    image = client.get(reverse("disclosure:wechat_qr"))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png" and image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    page = client.get(reverse("disclosure:subscribe")).content.decode()
    assert reverse("disclosure:wechat_qr") in page and "二维码" in page


def test_the_feed_is_titled_with_the_name_the_office_set(client, office_user):
    from django.urls import reverse

    save(office_user, university_name="呼伦贝尔学院")
    feed = client.get(reverse("disclosure:feed")).content.decode()
    assert "<title>呼伦贝尔学院" in feed and "示范大学" not in feed
