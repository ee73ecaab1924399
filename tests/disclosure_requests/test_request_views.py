"""The applicant's pages and the office's admin: what each door shows, refuses and hides."""

import datetime as dt
import re
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from disclosure.disclosure_requests import actions as request_actions
from disclosure.disclosure_requests import actions as rs
from disclosure.disclosure_requests.models import DisclosureRequest, ReplyType

D = dt.date
CREATE = "disclosure:request_create"
STATUS = "disclosure:request_status"
NAME, PHONE, ID_NUMBER = "张三丰", "13912345678", "11010519491231002X"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def form_data(**overrides):
    data = {
        "applicant_type": "citizen",
        "applicant_name": NAME,
        "id_number": ID_NUMBER,
        "contact_name": "",
        "phone": PHONE,
        "email": "zsf@example.com",
        "postal_address": "武当山",
        "postal_code": "442000",
        "description": "学校 2025 年度预算",
        "purpose": "研究",
        "preferred_form": "electronic",
        "delivery": "email",
        "website": "",
        # The spam guard's signed start time, a minute ago.
        "form_started": signing.dumps(time.time() - 60, salt="disclosure.core.spamguard"),
    }
    data.update(overrides)
    return data


@pytest.fixture
def submitted(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(CREATE), form_data(), follow=True)
    assert response.status_code == 200
    return DisclosureRequest.objects.get(), response


def test_form_page_is_in_chinese_with_csrf(client, db):
    response = client.get(reverse(CREATE))
    content = response.content.decode()
    assert response.status_code == 200
    assert "信息公开申请" in content and "csrfmiddlewaretoken" in content


def test_submission_shows_number_code_received_date_and_deadline(submitted):
    req, response = submitted
    content = response.content.decode()
    assert req.tracking_number in content and req.check_code in content
    assert f"{req.received_on.year}年{req.received_on.month}月{req.received_on.day}日" in content
    assert req.due_on is None or f"{req.due_on.year}年" in content
    assert req.applicant_name == NAME and req.channel == "online"


def test_the_receipt_page_is_shown_once(submitted, client):
    response = client.get(reverse("disclosure:request_created"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"applicant_name": ""}, "applicant_name", "请填写此项"),
        ({"email": "not-an-email"}, "email", "电子邮箱格式不正确"),
        ({"id_number": "110105194912310021"}, "id_number", "身份证号码不正确"),
        ({"id_number": "123"}, "id_number", "证件号码应为 18 位"),
        ({"applicant_type": "business", "id_number": ID_NUMBER, "contact_name": "王五"},
         "id_number", "统一社会信用代码不正确"),
        ({"applicant_type": "business", "id_number": "91350100M000100Y43"}, "contact_name",
         "请填写联系人"),
        ({"phone": "12345"}, "phone", "联系电话格式不正确"),
        ({"description": "字" * 5001}, "description", "不能超过 5000 个字"),
        ({"delivery": "post", "postal_address": ""}, "postal_address", "请填写通信地址"),
        ({"website": "http://spam"}, None, "提交未通过校验"),
        ({"form_started": "just now"}, None, "提交过快"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_saves_nothing(client, db, overrides, field, message):
    if overrides.get("form_started") == "just now":
        overrides = {"form_started": signing.dumps(time.time(), salt="disclosure.core.spamguard")}
    response = client.post(reverse(CREATE), form_data(**overrides))
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    if field:
        assert message in " ".join(response.context["form"].errors[field])
    assert not DisclosureRequest.objects.exists()
    # Nothing typed is lost.
    assert "学校 2025 年度预算" in content or "description" in overrides


def test_valid_organisation_with_credit_code_is_accepted(client, db):
    response = client.post(reverse(CREATE), form_data(
        applicant_type="research", applicant_name="某研究所", id_number="91350100M000100Y43",
        contact_name="王五",
    ))
    assert response.status_code == 302
    assert DisclosureRequest.objects.get().applicant_type == "research"


def test_a_five_megabyte_description_is_refused_clearly(client, db):
    response = client.post(reverse(CREATE), form_data(description="字" * (5 * 1024 * 1024 // 3)))
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()
    assert not DisclosureRequest.objects.exists()
    # With CSRF checks on, the middleware meets the oversized body first: still a 4xx, no row.
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse(CREATE), form_data(description="字" * (5 * 1024 * 1024 // 3)))
    assert 400 <= response.status_code < 500
    assert not DisclosureRequest.objects.exists()


def test_submissions_are_rate_limited_per_address(client, db):
    for _ in range(5):
        assert client.post(reverse(CREATE), form_data()).status_code == 302
    response = client.post(reverse(CREATE), form_data())
    assert response.status_code == 429 and "提交次数过多" in response.content.decode()
    assert DisclosureRequest.objects.count() == 5


def test_csrf_is_enforced(db):
    response = Client(enforce_csrf_checks=True).post(reverse(CREATE), form_data())
    assert response.status_code == 403
    assert not DisclosureRequest.objects.exists()


# ---- the status page ----


def test_status_with_number_and_code_shows_state_deadline_and_reply(submitted, client, office_user):
    req, _ = submitted
    response = client.post(reverse(STATUS), {"tracking_number": req.tracking_number.lower(),
                                             "secret": req.check_code})
    content = response.content.decode()
    assert response.status_code == 200
    assert "办理中" in content and NAME in content
    request_actions.answer_request(req, by=office_user, reply_type=ReplyType.DISCLOSED,
                            text="预算表见学校信息公开网财务栏目。", on=req.arrived_on)
    response = client.post(reverse(STATUS), {"tracking_number": req.tracking_number,
                                             "secret": req.check_code})
    content = response.content.decode()
    assert "已答复" in content and "予以公开" in content and "预算表见学校信息公开网" in content


def test_wrong_number_and_wrong_code_get_the_same_answer(submitted, client):
    req, _ = submitted
    wrong_code = client.post(reverse(STATUS), {"tracking_number": req.tracking_number,
                                               "secret": "AAAAAA"})
    wrong_number = client.post(reverse(STATUS), {"tracking_number": "YSQ-2026-9999",
                                                 "secret": req.check_code})

    def main(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "",
                      response.content.decode().split('<main id="main"', 1)[1])

    assert wrong_code.status_code == wrong_number.status_code == 404
    assert "申请编号或查询码不正确" in wrong_code.content.decode()
    assert main(wrong_code).replace(req.tracking_number, "X") == \
        main(wrong_number).replace("YSQ-2026-9999", "X")
    assert NAME not in wrong_code.content.decode()


def test_status_lookups_are_rate_limited(submitted, client):
    req, _ = submitted
    for _ in range(20):
        client.post(reverse(STATUS), {"tracking_number": req.tracking_number, "secret": "AAAAAA"})
    response = client.post(reverse(STATUS), {"tracking_number": req.tracking_number,
                                             "secret": req.check_code})
    assert response.status_code == 429 and NAME not in response.content.decode()


def test_status_page_get_lists_nothing(submitted, client):
    req, _ = submitted
    content = client.get(reverse(STATUS)).content.decode()
    assert req.tracking_number not in content and NAME not in content


def test_no_public_page_shows_applicant_data(submitted, client):
    req, _ = submitted
    for url in ["/", reverse(STATUS), reverse(CREATE), "/search/?q=年度预算", "/feeds/latest/",
                "/sitemap.xml", "/api/", "/api/v1/"]:
        response = client.get(url)
        body = response.content.decode(errors="ignore")
        assert NAME not in body and PHONE not in body and ID_NUMBER not in body, url


# ---- the admin ----


def _change_url(req):
    return reverse("admin:disclosure_requests_disclosurerequest_change", args=[req.pk])


def test_office_sees_applicant_data_and_the_clock(submitted, client, office_user):
    req, _ = submitted
    client.force_login(office_user)
    content = client.get(_change_url(req)).content.decode()
    assert NAME in content and PHONE in content and "期限计算" in content
    assert "征求第三方意见" in content  # a step offered from the received state
    listing = client.get(reverse("admin:disclosure_requests_disclosurerequest_changelist")).content.decode()
    assert NAME in listing


def test_non_office_staff_never_see_applicant_data(submitted, client, supervisor, editor):
    req, _ = submitted
    client.force_login(supervisor)
    for url in [_change_url(req), reverse("admin:disclosure_requests_disclosurerequest_changelist")]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert NAME not in body and PHONE not in body and ID_NUMBER not in body, url
        assert req.check_code not in body
    # Searching by phone finds nothing for them (the query itself is echoed back, nothing else).
    assert client.get(reverse("admin:disclosure_requests_disclosurerequest_changelist") + "?q=" + PHONE
                      ).context["cl"].result_count == 0
    step = reverse("admin:disclosure_requests_disclosurerequest_step", args=[req.pk, "answer_request"])
    assert client.get(step).status_code == 403
    client.force_login(editor)
    assert client.get(_change_url(req)).status_code in (302, 403)
    assert client.get(reverse("admin:disclosure_requests_disclosurerequest_changelist")).status_code == 403


def test_office_answers_through_the_admin_and_the_applicant_sees_it(submitted, client, office_user):
    req, _ = submitted
    client.force_login(office_user)
    step = reverse("admin:disclosure_requests_disclosurerequest_step", args=[req.pk, "answer_request"])
    bad = client.post(step, {"reply_type": "not_disclosed", "reason": "", "on": req.arrived_on})
    assert bad.status_code == 400 and "须选择理由" in bad.content.decode()
    response = client.post(step, {"reply_type": "not_disclosed", "reason": "state_secret",
                                  "text": "", "refer_to": "", "on": req.arrived_on})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "answered" and req.reply_reason == "state_secret"
    # A step not valid from the new state is refused.
    again = client.get(reverse("admin:disclosure_requests_disclosurerequest_step",
                               args=[req.pk, "extend_request"]))
    assert again.status_code == 302
    letter = client.post(reverse("admin:disclosure_requests_disclosurerequest_step",
                                 args=[req.pk, "generate_letter"]), {"kind": "not_disclosed"})
    assert letter.status_code == 302
    archived = req.letters.get()
    download = client.get(reverse("admin:disclosure_requests_disclosurerequest_letter",
                                  args=[req.pk, archived.pk]))
    assert download.status_code == 200
    client.logout()
    status = client.post(reverse(STATUS), {"tracking_number": req.tracking_number,
                                           "secret": req.check_code}).content.decode()
    assert "不予公开" in status and "属于国家秘密" in status


def test_office_logs_a_letter_request_in_the_admin(client, office_user):
    client.force_login(office_user)
    data = {k: v for k, v in form_data().items() if k not in ("website", "form_started")}
    data.update({"channel": "letter", "received_on": "2026-03-02"})
    for prefix in ("pauses", "attachments", "letters", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(reverse("admin:disclosure_requests_disclosurerequest_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    req = DisclosureRequest.objects.get()
    assert req.channel == "letter" and req.due_on == D(2026, 3, 23) and req.created_by == office_user
    assert req.events.get().actor == office_user


def test_admin_list_query_count_is_bounded(client, office_user, django_assert_max_num_queries):
    for _ in range(15):
        rs.receive_request(by=office_user, channel="letter", received_on=D(2026, 3, 2),
                           **{k: v for k, v in form_data().items()
                              if k not in ("website", "form_started")})
    client.force_login(office_user)
    # 16: with the header naming the user with their department.
    with django_assert_max_num_queries(16):
        assert client.get(reverse("admin:disclosure_requests_disclosurerequest_changelist")).status_code == 200


def test_office_adds_a_reply_attachment_on_the_change_page(submitted, client, office_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    req, _ = submitted
    client.force_login(office_user)
    data = {"attachments-TOTAL_FORMS": 1, "attachments-INITIAL_FORMS": 0,
            "attachments-0-kind": "reply", "attachments-0-title": "预算表",
            "attachments-0-file": SimpleUploadedFile("budget.pdf", b"%PDF-1.4 test")}
    for prefix in ("pauses", "letters", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(_change_url(req), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    attachment = req.attachments.get()
    assert attachment.original_name == "budget.pdf" and attachment.file.name.startswith("requests/")
    req.refresh_from_db()
    assert req.applicant_name == NAME and req.status == "received"


def test_applicant_downloads_reply_attachments_with_number_and_code_only(submitted, client,
                                                                          office_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disclosure.disclosure_requests.models import RequestAttachment

    req, _ = submitted
    request_actions.answer_request(req, by=office_user, reply_type=ReplyType.DISCLOSED, on=req.arrived_on)
    reply = RequestAttachment.objects.create(
        request=req, kind="reply", title="预算表", file=SimpleUploadedFile("b.pdf", b"%PDF-1.4 x"))
    material = RequestAttachment.objects.create(
        request=req, kind="application", title="身份证复印件",
        file=SimpleUploadedFile("id.pdf", b"%PDF-1.4 y"))
    status = client.post(reverse(STATUS), {"tracking_number": req.tracking_number,
                                           "secret": req.check_code}).content.decode()
    assert "预算表" in status and "身份证复印件" not in status
    url = reverse("disclosure:request_attachment", args=[reply.pk])
    ok = client.post(url, {"tracking_number": req.tracking_number, "secret": req.check_code})
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == b"%PDF-1.4 x"
    assert client.post(url, {"tracking_number": req.tracking_number,
                             "secret": "WRONG1"}).status_code == 404
    assert client.get(url).status_code == 405
    other = reverse("disclosure:request_attachment", args=[material.pk])
    assert client.post(other, {"tracking_number": req.tracking_number,
                               "secret": req.check_code}).status_code == 404


def test_reply_attachments_are_downloaded_by_the_office_only(submitted, client, office_user,
                                                             supervisor, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disclosure.disclosure_requests.models import RequestAttachment

    req, _ = submitted
    attachment = RequestAttachment.objects.create(
        request=req, title="答复材料", file=SimpleUploadedFile("答复.pdf", b"%PDF-1.4 reply")
    )
    url = reverse("admin:disclosure_requests_disclosurerequest_attachment", args=[req.pk, attachment.pk])
    client.force_login(office_user)
    page = client.get(_change_url(req)).content.decode()
    assert url in page
    assert attachment.file.url not in page  # no direct media link on the page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 reply"
    for user in (supervisor, editor):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_status_page_lists_the_next_steps_from_the_action_table(submitted, client, office_user):
    req, _ = submitted
    lookup = {"tracking_number": req.tracking_number, "secret": req.check_code}
    content = client.post(reverse(STATUS), lookup).content.decode()
    expected = request_actions.public_next_steps(req)
    answer_label = request_actions.REQUEST_ACTIONS["answer_request"].extra["public_label"]
    assert answer_label in expected and all(step in content for step in expected)
    request_actions.answer_request(req, by=office_user, reply_type=ReplyType.DISCLOSED,
                                   text="预算表见学校信息公开网财务栏目。", on=req.arrived_on)
    content = client.post(reverse(STATUS), lookup).content.decode()
    assert "接下来可能的办理步骤" not in content and answer_label not in content
