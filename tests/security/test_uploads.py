"""Uploads: an allow-list of extensions and contents, a size limit, safe names, safe downloads."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from disclosure.core.validators import content_type_for, validate_attachment_file
from disclosure.items.models import Attachment

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize("name, content", [
    ("通知.pdf", PDF), ("照片.PNG", PNG), ("表格.docx", _docx()), ("说明.txt", "学校章程".encode()),
    ("图.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16), ("压缩包.zip", _docx()),
])
def test_allowed_files_pass(name, content):
    validate_attachment_file(_file(name, content))


@pytest.mark.parametrize("name, content, code", [
    ("page.html", HTML, "extension"),
    ("page.htm", HTML, "extension"),
    ("image.svg", SVG, "extension"),
    ("page.xhtml", HTML, "extension"),
    ("script.js", b"alert(1)", "extension"),
    ("run.exe", b"MZ\x90\x00", "extension"),
    ("noextension", PDF, "extension"),
    ("double.pdf.html", HTML, "extension"),
    ("disguised.pdf", HTML, "content"),
    ("disguised.png", SVG, "content"),
    ("disguised.docx", PDF, "content"),
    ("binary.txt", b"abc\x00def", "content"),
    ("empty.pdf", b"", "empty"),
])
def test_dangerous_or_disguised_files_are_refused(name, content, code):
    with pytest.raises(ValidationError) as raised:
        validate_attachment_file(_file(name, content))
    assert raised.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in raised.value.messages[0])  # a Chinese message


def test_size_limit_comes_from_the_office_settings(settings):
    settings.DISCLOSURE = {**settings.DISCLOSURE, "ATTACHMENT_MAX_BYTES": 1024}
    with pytest.raises(ValidationError) as raised:
        validate_attachment_file(_file("big.pdf", PDF + b"0" * 2048))
    assert raised.value.code == "size"


def test_allow_list_is_configurable(settings):
    settings.DISCLOSURE = {**settings.DISCLOSURE, "ATTACHMENT_EXTENSIONS": ["pdf"]}
    with pytest.raises(ValidationError):
        validate_attachment_file(_file("照片.png", PNG))
    validate_attachment_file(_file("通知.pdf", PDF))


@pytest.mark.parametrize("name", ["a.html", "a.svg", "a.htm", "a.xml", "a.js", "unknown"])
def test_content_type_is_never_renderable_markup(name):
    assert content_type_for(name) == "application/octet-stream"


def _attach(item, name: str, content: bytes, *, validate=True) -> Attachment:
    attachment = Attachment(item=item, title="附件", file=_file(name, content))
    if validate:
        attachment.full_clean()
    attachment.save()
    return attachment


@pytest.mark.django_db
def test_stored_name_never_comes_from_the_uploader(make_item):
    item = make_item("published")
    attachment = _attach(item, "../../etc/passwd.pdf", PDF)
    stored = attachment.file.name
    assert ".." not in stored and "passwd" not in stored
    assert stored.startswith("attachments/") and stored.endswith(".pdf")


@pytest.mark.django_db
def test_downloads_are_attachments_with_the_right_type_and_nosniff(client, make_item):
    item = make_item("published")
    attachment = _attach(item, "通知.pdf", PDF)
    response = client.get(reverse("disclosure:attachment", kwargs={"pk": attachment.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
@pytest.mark.parametrize("name, content", [("evil.html", HTML), ("evil.svg", SVG), ("evil.txt", HTML)])
def test_html_or_svg_is_never_served_inline_even_if_it_slipped_past_validation(client, make_item, name, content):
    # Files stored before a rule changed, or put in by a script, still download safely.
    item = make_item("published")
    attachment = _attach(item, name, content, validate=False)
    response = client.get(reverse("disclosure:attachment", kwargs={"pk": attachment.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "html" not in response["Content-Type"] and "svg" not in response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ['a"b.pdf', "a\r\nSet-Cookie: x=1.pdf", "报告\x1b\x7f.pdf", "a;b=c.pdf"])
def test_odd_uploader_names_cannot_break_the_download_headers(client, make_item, name):
    item = make_item("published")
    attachment = _attach(item, "x.pdf", PDF)
    Attachment.objects.filter(pk=attachment.pk).update(original_name=name)
    response = client.get(reverse("disclosure:attachment", kwargs={"pk": attachment.pk}))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers or "x=1" not in response.headers.get("Set-Cookie", "")
    assert "\n" not in response["Content-Disposition"] and "\r" not in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "in_review", "withdrawn"])
def test_attachments_of_items_not_public_are_not_served(client, make_item, status):
    item = make_item(status)
    attachment = _attach(item, "通知.pdf", PDF)
    response = client.get(reverse("disclosure:attachment", kwargs={"pk": attachment.pk}))
    assert response.status_code == 404


@override_settings(MEDIA_URL="/media/")
def test_media_root_is_not_served_by_django(client):
    # Files go out only through the view that checks the item is public.
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve("/media/attachments/2026/01/x.pdf")
