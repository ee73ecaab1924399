"""Search inside attachments: a task reads each file after the upload; the worker drains the queue."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bench.attachment_files import (
    MALFORMED_PDF,
    cjk_pdf,
    docx_bomb,
    docx_with_text,
    pdf_with_text,
    pdf_without_text,
    xlsx_with_rows,
)
from disclosure.items import actions as item_actions
from disclosure.items import extract, search
from disclosure.items.models import Attachment, DisclosureItem
from disclosure.items.tasks import refresh_item_attachment_text

TextStatus = Attachment.TextStatus


@pytest.fixture
def item(make_item):
    return make_item("published", title="学校收费事项", body="<p>详见附件。</p>")


@pytest.fixture
def attach(office_user, django_capture_on_commit_callbacks):
    """Add an attachment through the service, as the admin and the API do; tasks go to the queue."""

    def add(item, name: str, data: bytes, *, by=None, title: str | None = None) -> Attachment:
        row = Attachment(item=item, title=title or name, file=SimpleUploadedFile(name, data))
        with django_capture_on_commit_callbacks(execute=True):
            item_actions.save_item_row(row, by=by or office_user)
        row.refresh_from_db()
        return row

    return add


@pytest.fixture
def drain(run_worker, django_capture_on_commit_callbacks):
    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return run_worker()

    return run


def found(query: str) -> list[str]:
    ids = search.rank_items(DisclosureItem.objects.public(), query, reach=20)
    return list(DisclosureItem.objects.filter(pk__in=ids).values_list("title", flat=True))


def test_pdf_and_docx_words_are_found_after_the_worker_drains_the_queue(item, attach, drain, client):
    pdf = attach(item, "预算说明.pdf", cjk_pdf(["二〇二六年部门决算说明", "Tuition xuefei2026 schedule"] * 30))
    docx = attach(item, "评定细则.docx", docx_with_text("本校奖学金评定细则如下。",
                                                   table=[["等级", "勤工俭学补贴"]]))
    assert pdf.text_status == docx.text_status == TextStatus.PENDING
    # The upload did not read the file: nothing is found before the worker ran.
    assert found("xuefei2026") == [] and found("勤工俭学") == []
    assert DBTaskResult.objects.filter(status="READY").count() == 2

    assert drain() == 2
    pdf.refresh_from_db()
    docx.refresh_from_db()
    assert pdf.text_status == docx.text_status == TextStatus.EXTRACTED
    assert "xuefei2026" in pdf.text and "勤工俭学补贴" in docx.text
    assert found("xuefei2026") == ["学校收费事项"]
    assert found("部门决算") == ["学校收费事项"]  # Chinese text from the PDF's second page as well
    assert found("勤工俭学") == ["学校收费事项"]
    assert found("奖学金 xuefei2026") == ["学校收费事项"]  # words from two files of one item

    html = client.get(reverse("disclosure:search"), {"q": "勤工俭学"}).content.decode()
    assert f"附件《<a href=\"{docx.get_absolute_url()}\">评定细则.docx</a>》中" in html
    assert "<mark>勤工俭学</mark>" in html


def test_attachment_words_rank_below_title_and_body(make_item, attach, drain):
    in_title = make_item("published", title="勤工俭学管理办法", body="<p>办法全文。</p>")
    in_body = make_item("published", title="学生资助说明", body="<p>设立勤工俭学岗位。</p>")
    in_file = make_item("published", title="资助附件", body="<p>详见附件。</p>")
    attach(in_file, "a.docx", docx_with_text("勤工俭学岗位一览"))
    drain()
    ids = search.rank_items(DisclosureItem.objects.public(), "勤工俭学", reach=20)
    if connection.vendor == "postgresql":
        # ts_rank's weights: title A 1.0, body B 0.4, attachments C 0.2.
        assert ids == [in_title.pk, in_body.pk, in_file.pk]
    else:
        # SQLite ranks only title matches first, then the newest.
        assert ids[0] == in_title.pk and set(ids) == {in_title.pk, in_body.pk, in_file.pk}


def test_xlsx_txt_and_a_pdf_without_text_layer(item, attach, drain, client, office_user, supervisor):
    sheet = attach(item, "收费表.xlsx", xlsx_with_rows([["项目", "金额"], ["住宿费标准", 1200]]))
    note = attach(item, "说明.txt", "本说明适用于研究生新生。".encode("gb18030"))
    scan = attach(item, "扫描件.pdf", pdf_without_text())
    drain()
    for row in (sheet, note, scan):
        row.refresh_from_db()
    assert sheet.text_status == note.text_status == TextStatus.EXTRACTED
    assert "住宿费标准" in sheet.text and "研究生新生" in note.text
    assert scan.text_status == TextStatus.NO_TEXT and scan.text_error == ""
    assert found("住宿费") == ["学校收费事项"]
    # The office sees on the item page which file search cannot read.
    client.force_login(office_user)
    page = client.get(reverse("admin:items_disclosureitem_change", args=[item.pk])).content.decode()
    assert "无可检索文本" in page


def test_hostile_and_broken_files_fail_their_own_task_and_never_the_upload_or_the_worker(
    item, attach, drain, settings
):
    settings.DISCLOSURE = {**settings.DISCLOSURE, "ATTACHMENT_UNPACKED_MAX_BYTES": 10 * 1024 * 1024}
    bomb = attach(item, "炸弹.docx", docx_bomb(unpacked_mb=50))
    broken = attach(item, "损坏.pdf", MALFORMED_PDF)
    good = attach(item, "正常.docx", docx_with_text("校园开放日安排"))
    assert Attachment.objects.filter(item=item).count() == 3  # every upload stood

    assert drain() == 3  # the worker went on after each failure
    bomb.refresh_from_db()
    broken.refresh_from_db()
    good.refresh_from_db()
    assert bomb.text_status == TextStatus.FAILED and "压缩炸弹" in bomb.text_error
    assert broken.text_status == TextStatus.FAILED and "损坏" in broken.text_error
    assert good.text_status == TextStatus.EXTRACTED
    assert found("开放日") == ["学校收费事项"]
    failed = DBTaskResult.objects.filter(status="FAILED")
    assert failed.count() == 2
    assert all("ExtractionError" in row.exception_class_path for row in failed)


def test_size_and_time_limits(item, attach, drain, settings):
    settings.DISCLOSURE = {**settings.DISCLOSURE, "ATTACHMENT_TEXT_MAX_BYTES": 1000}
    big = attach(item, "大文件.docx", docx_with_text("大文件内容" * 50))
    drain()
    big.refresh_from_db()
    assert big.text_status == TextStatus.FAILED and "超过全文检索的上限" in big.text_error
    # A file that takes about half a second to read on a fast machine, against a limit ten times
    # shorter: a one-line file under a millisecond's limit raced the warm fork server and sometimes won.
    slow = cjk_pdf([f"招生章程第{number}条 内容" for number in range(3000)])
    with pytest.raises(extract.ExtractionError, match="时间限制"):
        extract.extract_in_subprocess(slow, "pdf", seconds=0.05)


def test_a_zip_bomb_is_refused_by_its_declared_size_before_unpacking():
    with pytest.raises(extract.ExtractionError, match="压缩"):
        extract.extract_text(docx_bomb(unpacked_mb=30), "docx",
                             extract.Limits(max_unpacked=10 * 1024 * 1024))


def test_images_are_not_read_and_html_is(item, attach, drain):
    png = attach(item, "照片.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert png.text_status == TextStatus.UNSUPPORTED
    assert drain() == 0  # no task for a file without text
    text = extract.extract_text("<p>招生<b>章程</b></p><script>alert(1)</script>".encode(), "html")
    assert "招生" in text and "alert" not in text


def test_pending_revision_files_are_searched_only_once_published(
    make_item, attach, drain, editor, office_user, django_capture_on_commit_callbacks
):
    item = make_item("published", title="部门事项", body="<p>正文。</p>")
    attach(item, "补充.docx", docx_with_text("新增实验室安全守则"), by=editor)
    drain()
    assert found("安全守则") == []  # waiting in the department's revision
    with django_capture_on_commit_callbacks(execute=True):
        item_actions.publish_revision(item, by=office_user)
    assert found("安全守则") == ["部门事项"]


def test_removing_an_attachment_removes_its_words(item, attach, drain, office_user,
                                                   django_capture_on_commit_callbacks):
    row = attach(item, "a.docx", docx_with_text("临时通知内容"))
    drain()
    assert found("临时通知") == ["学校收费事项"]
    with django_capture_on_commit_callbacks(execute=True):
        item_actions.save_item_row(row, by=office_user, removed=True)
    assert found("临时通知") == []


def test_reindex_attachments_reads_existing_files(item, attach, drain, capsys,
                                                  django_capture_on_commit_callbacks):
    row = attach(item, "旧文件.docx", docx_with_text("历年招生计划"))
    DBTaskResult.objects.all().delete()
    # As after the migration: the file is there, its text was never read.
    Attachment.objects.filter(pk=row.pk).update(text_status=TextStatus.PENDING)
    call_command("reindex_attachments", "--dry-run")
    assert "1 个附件" in capsys.readouterr().out
    assert not DBTaskResult.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reindex_attachments")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    drain()
    assert found("招生计划") == ["学校收费事项"]
    call_command("reindex_attachments")  # nothing left to do
    assert "0 个附件" in capsys.readouterr().out.splitlines()[-1]


def test_item_text_refresh_changes_no_version_and_no_history(item, attach, drain):
    attach(item, "a.docx", docx_with_text("不改变版本"))
    item.refresh_from_db()
    version, history, modified = item.version, item.history.count(), item.modified_at
    drain()
    refresh_item_attachment_text(item.pk)
    item.refresh_from_db()
    assert "改变" in item.search_attachments.split()
    # Reading a file is not an editor's change: no new version, history row or modification time.
    assert (item.version, item.history.count(), item.modified_at) == (version, history, modified)


def test_open_data_says_which_attachments_are_searchable(item, attach, drain, client):
    attach(item, "a.docx", docx_with_text("可检索"))
    attach(item, "扫描.pdf", pdf_without_text())
    drain()
    data = client.get(f"/api/v1/items/{item.pk}/").json()
    assert {a["title"]: a["searchable"] for a in data["attachments"]} == {"a.docx": True,
                                                                           "扫描.pdf": False}


def test_attachment_snippets_cost_one_query_per_page(item, attach, drain, django_assert_num_queries):
    attach(item, "a.docx", docx_with_text("图书馆开放时间"))
    attach(item, "b.docx", docx_with_text("图书馆借阅规则与开放时间"))
    drain()
    with django_assert_num_queries(1):
        matches = search.attachment_matches([item.pk], ["图书馆", "借阅"])
    attachment, snippet = matches[item.pk]
    assert attachment.title == "b.docx" and "<mark>借阅</mark>" in snippet


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_command_drains_the_queue(make_item, office_user):
    """`python manage.py db_worker --batch`, as cron or CI would run it, outside any test transaction."""
    item = make_item("published", title="真实进程事项", body="<p>详见附件。</p>")
    item_actions.save_item_row(
        Attachment(item=item, title="x.pdf",
                   file=SimpleUploadedFile("x.pdf", pdf_with_text("zhenshi2026 worker"))),
        by=office_user)
    assert found("zhenshi2026") == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert found("zhenshi2026") == ["真实进程事项"]
    assert not DBTaskResult.objects.filter(status="READY").exists()


# ---- The staff API uploads attachments ----


def _api_as(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def test_staff_api_uploads_an_attachment_that_search_then_reads(make_item, office_user, editor,
                                                                other_editor, supervisor, drain,
                                                                django_capture_on_commit_callbacks):
    item = make_item("published", title="接口上传事项", body="<p>详见附件。</p>")
    url = f"/api/v1/staff/items/{item.pk}/attachments/"
    upload = {"file": SimpleUploadedFile("经费.docx", docx_with_text("科研经费管理细则")),
              "title": "经费管理"}
    with django_capture_on_commit_callbacks(execute=True):
        response = _api_as(office_user).post(url, upload, format="multipart")
    assert response.status_code == 201, response.content
    assert [(a["title"], a["searchable"]) for a in response.json()["attachments"]] == [
        ("经费管理", False)]
    event = item.events.latest("id")
    assert event.action == "attachment_added" and event.actor == office_user
    drain()
    assert found("科研经费") == ["接口上传事项"]
    public = _api_as(office_user).get(f"/api/v1/items/{item.pk}/").json()
    assert public["attachments"][0]["searchable"] is True

    # A department's upload to a published item waits for review; another department's is refused;
    # the supervisor changes nothing; a file the upload rules refuse is well-formed input the rules
    # refuse (422, as every such refusal), a request without a file breaks the schema (400).
    with django_capture_on_commit_callbacks(execute=True):
        response = _api_as(editor).post(
            url, {"file": SimpleUploadedFile("补充.docx", docx_with_text("补充说明"))}, format="multipart")
    assert response.status_code == 201
    assert Attachment.objects.get(title="补充.docx").pending_revision_id is not None
    for user in (other_editor, supervisor):
        response = _api_as(user).post(
            url, {"file": SimpleUploadedFile("x.docx", docx_with_text("x"))}, format="multipart")
        assert response.status_code in (403, 404)
    refused = [
        ({"file": SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")}, 422, "不允许上传该类型的文件"),
        ({"file": SimpleUploadedFile("假的.pdf", b"not a pdf at all")}, 422, "不符"),
        ({"file": SimpleUploadedFile("空的.pdf", b"")}, 422, "文件为空"),
        ({"file": SimpleUploadedFile("排序.docx", docx_with_text("x")), "sort_order": 2**31}, 400, ""),
        ({"title": "没有文件"}, 400, ""),
    ]
    for data, status, message in refused:
        response = _api_as(office_user).post(url, data, format="multipart")
        body = response.json()
        assert response.status_code == status, (data, body)
        assert body["code"] == ("unprocessable" if status == 422 else "invalid")
        field = "sort_order" if "sort_order" in data else "file"
        assert field in body["errors"] and message in body["errors"][field][0], body
    assert Attachment.objects.filter(item=item).count() == 2  # nothing refused was kept


def test_the_demo_attachment_is_a_pdf_whose_text_is_read():
    # The demo's ~250 attachments are extracted by the worker of `make run`: none may fail.
    from disclosure.items.extract import extract_text
    from disclosure.site.management.commands.load_demo import DEMO_PDF

    assert extract_text(DEMO_PDF, "pdf") == "Demonstration attachment: full text of the document."
