"""Reply letters fit to sign: the right letter for every reply type and reason, its legal basis, the
applicant's remedies, A4, the official layout, no doubled punctuation, hostile text kept as text."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from disclosure.disclosure_requests import actions as rs
from disclosure.disclosure_requests import letters
from disclosure.disclosure_requests.models import REPLY_REASONS, LetterKind, ReplyReason, ReplyType

D = dt.date
APPLICANT = {
    "applicant_type": "citizen", "applicant_name": "张三", "id_number": "11010519491231002X",
    "phone": "13800138000", "email": "zhangsan@example.com", "postal_address": "北京市海淀区某路 1 号",
    "description": "2025年学校预算执行情况。", "preferred_form": "electronic", "delivery": "email",
}

# Every reply type with every reason it takes (or none), and the letter each calls for.
EXPECTED_KIND = {
    (ReplyType.DISCLOSED, ""): LetterKind.DISCLOSED,
    (ReplyType.PARTLY_DISCLOSED, ""): LetterKind.PARTLY_DISCLOSED,
    **{(ReplyType.NOT_DISCLOSED, r): LetterKind.NOT_DISCLOSED for r in REPLY_REASONS[ReplyType.NOT_DISCLOSED]},
    (ReplyType.UNABLE, ReplyReason.NOT_HELD): LetterKind.NOT_EXIST,
    (ReplyType.UNABLE, ReplyReason.NEEDS_CREATION): LetterKind.NEEDS_CREATION,
    (ReplyType.UNABLE, ReplyReason.UNCLEAR_AFTER_CORRECTION): LetterKind.UNCLEAR,
    (ReplyType.NOT_PROCESSED, ReplyReason.REPEATED): LetterKind.REPEATED,
    **{(ReplyType.NOT_PROCESSED, r): LetterKind.NOT_PROCESSED
       for r in REPLY_REASONS[ReplyType.NOT_PROCESSED] if r != ReplyReason.REPEATED},
    **{(ReplyType.OTHER, r): LetterKind.OTHER for r in REPLY_REASONS[ReplyType.OTHER]},
}
# What each letter must say of its ground, in words a reader can check against the reply.
MUST_SAY = {
    LetterKind.NOT_EXIST: "该信息不存在",
    LetterKind.NEEDS_CREATION: "另行制作",
    LetterKind.UNCLEAR: "补正后的申请内容仍不明确",
    LetterKind.REPEATED: "重复申请",
}
BASIS = {
    LetterKind.DISCLOSED: "第十八条第（一）项",
    LetterKind.PARTLY_DISCLOSED: "第十八条第（四）项",
    LetterKind.NOT_DISCLOSED: "第十条、第十八条第（二）项",
    LetterKind.NOT_EXIST: "第十八条第（三）项",
    LetterKind.NEEDS_CREATION: "第三十八条",
    LetterKind.UNCLEAR: "第十八条第（五）项",
    LetterKind.REPEATED: "第十八条第（六）项",
}


def test_every_reply_type_and_reason_is_covered():
    pairs = {(t, "") for t in (ReplyType.DISCLOSED, ReplyType.PARTLY_DISCLOSED)}
    pairs |= {(t, r) for t, reasons in REPLY_REASONS.items() for r in reasons}
    assert set(EXPECTED_KIND) == pairs


@pytest.mark.parametrize(("reply_type", "reason"), list(EXPECTED_KIND))
def test_the_right_letter_for_every_reply(db, office_user, reply_type, reason):
    req = rs.receive_request(by=office_user, channel="letter", received_on=D(2026, 3, 2), **APPLICANT)
    if reason == ReplyReason.FEE_UNPAID:  # rests on a fee notice left unpaid
        req = rs.record_fee(req, by=office_user, status="charged", basis="收费标准", amount="10",
                            notified_on=D(2026, 3, 3))
    req = rs.answer_request(req, by=office_user, reply_type=reply_type, reason=reason,
                            text="详见附件。", on=D(2026, 3, 10))
    letter = rs.generate_reply_letter(req, by=office_user)
    kind = EXPECTED_KIND[(reply_type, reason)]
    assert letter.kind == kind
    doc = Document(io.BytesIO(letter.file.read()))
    paragraphs = [p.text for p in doc.paragraphs]
    text = "\n".join(paragraphs)
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert paragraphs[0] == letters.template_for(kind)[0]
    assert paragraphs[1] == f"告知书编号：{req.tracking_number}-01"
    assert paragraphs[2] == "张三："
    assert "申请获取：2025年学校预算执行情况。" in text and "。。" not in text and "{" not in text
    assert "《高等学校信息公开办法》" in text
    assert BASIS.get(kind, letters.legal_basis(kind, reason)) in text
    if kind in MUST_SAY:
        assert MUST_SAY[kind] in text
    if kind != LetterKind.NOT_EXIST:
        assert "该信息不存在" not in text  # 另行制作 / 仍不明确 are not "does not exist"
    if reason and kind in (LetterKind.NOT_PROCESSED, LetterKind.OTHER) and reason != ReplyReason.OTHER:
        assert letters.REASON_TEXT[reason] in text
    remedy = "可以依法申请行政复议或者提起行政诉讼"
    assert (remedy in text) == (kind != LetterKind.DISCLOSED)
    if kind != LetterKind.DISCLOSED:
        assert "省级教育行政部门" in text and "信息公开监督部门" in text
    assert paragraphs[-2].endswith("（盖章）") and paragraphs[-1] == "二〇二六年三月十日"


def test_chinese_date():
    assert letters.chinese_date(D(2026, 12, 3)) == "二〇二六年十二月三日"
    assert letters.chinese_date(D(2020, 10, 20)) == "二〇二〇年十月二十日"
    assert letters.chinese_date(D(2021, 1, 31)) == "二〇二一年一月三十一日"


def test_hostile_text_stays_text_in_docx_and_pdf(db, office_user):
    hostile = '<b>粗体</b>{申请人}&amp;<script>alert(1)</script>。'
    req = rs.receive_request(by=office_user, channel="letter", received_on=D(2026, 3, 2),
                             **{**APPLICANT, "applicant_name": "<i>李四</i>", "description": hostile})
    req = rs.answer_request(req, by=office_user, reply_type=ReplyType.DISCLOSED, on=D(2026, 3, 10))
    text = "\n".join(p.text for p in Document(io.BytesIO(letters.render_letter(req, LetterKind.DISCLOSED))).paragraphs)
    # Typed "{申请人}" is printed as typed (never filled), and the trailing "。" is not doubled.
    assert "申请获取：<b>粗体</b>{申请人}&amp;<script>alert(1)</script>。" in text
    assert "<i>李四</i>：" in text
    pdf = PdfReader(io.BytesIO(letters.render_letter_pdf(req, LetterKind.DISCLOSED)))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    pdf_text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "")
    assert "<script>alert(1)</script>" in pdf_text and "<i>李四</i>" in pdf_text
    assert "二〇二六年三月十日" in pdf_text and "信息公开申请答复告知书" in pdf_text


def test_delivery_is_recorded_and_an_online_letter_reaches_the_applicant(
        db, office_user, client, django_capture_on_commit_callbacks, run_worker):
    from django.core import mail
    from django.urls import reverse

    from disclosure.core.errors import TransitionNotAllowed

    with django_capture_on_commit_callbacks(execute=True):
        req = rs.receive_request(**APPLICANT)
    lookup = {"tracking_number": req.tracking_number, "secret": req.check_code}
    with pytest.raises(TransitionNotAllowed, match="没有待送达的告知书"):
        rs.deliver_letter(req, by=office_user, letter=0, via="online", on=req.arrived_on)
    req = rs.answer_request(req, by=office_user, reply_type=ReplyType.UNABLE,
                            reason=ReplyReason.NEEDS_CREATION, on=req.arrived_on)
    letter = rs.generate_reply_letter(req, by=office_user)
    assert letter.number == 1 and letter.pdf and not letter.is_delivered
    from disclosure.core.models import OutgoingMail

    assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.LETTER).exists()  # no mail yet
    # Not delivered yet: not on the status page, and not downloadable.
    page = client.post(reverse("disclosure:request_status"), lookup).content.decode()
    assert "无现成信息告知书（PDF）" not in page
    assert client.post(reverse("disclosure:request_letter", args=[letter.pk]), lookup).status_code == 404

    with pytest.raises(TransitionNotAllowed, match="邮件单号"):
        rs.deliver_letter(req, by=office_user, letter=letter.pk, via="post", on=req.arrived_on)
    run_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rs.deliver_letter(req, by=office_user, letter=letter.pk, via="online", on=req.arrived_on)
    run_worker()  # the mail goes through the outbox
    letter.refresh_from_db()
    assert letter.delivered_via == "online" and letter.delivered_on == req.arrived_on
    # One mail for the letter, on delivery (none when it was generated: it could not be read yet).
    assert len(mail.outbox) == 1 and "无现成信息告知书已送达" in mail.outbox[0].subject
    assert req.events.filter(action="letter_delivered", actor=office_user).exists()
    with pytest.raises(TransitionNotAllowed):
        rs.deliver_letter(req, by=office_user, letter=letter.pk, via="online", on=req.arrived_on)

    page = client.post(reverse("disclosure:request_status"), lookup).content.decode()
    day = f"{req.arrived_on.year}年{req.arrived_on.month}月{req.arrived_on.day}日"
    assert "无现成信息告知书（PDF）" in page and f"送达日期：{day}" in page
    download = client.post(reverse("disclosure:request_letter", args=[letter.pk]), lookup)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages)
    assert "另行制作" in text and "该信息不存在" not in text
    wrong = {**lookup, "secret": "000000" if req.check_code != "000000" else "111111"}
    assert client.post(reverse("disclosure:request_letter", args=[letter.pk]), wrong).status_code == 404


def test_posted_letter_keeps_its_tracking_number(db, office_user, client):
    from django.urls import reverse

    req = rs.receive_request(by=office_user, channel="letter", received_on=D(2026, 3, 2), **APPLICANT)
    req = rs.answer_request(req, by=office_user, reply_type=ReplyType.DISCLOSED, on=D(2026, 3, 10))
    letter = rs.generate_reply_letter(req, by=office_user)
    rs.deliver_letter(req, by=office_user, letter=letter.pk, via="post", on=letter.generated_at.date(),
                      postal_tracking="EMS1234567890CN")
    letter.refresh_from_db()
    assert letter.postal_tracking == "EMS1234567890CN"
    client.force_login(office_user)
    change = client.get(reverse("admin:disclosure_requests_disclosurerequest_change", args=[req.pk]))
    assert "EMS1234567890CN" in change.content.decode()
    pdf = client.get(reverse("admin:disclosure_requests_disclosurerequest_letter", args=[req.pk, letter.pk])
                     + "?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    step = reverse("admin:disclosure_requests_disclosurerequest_step", args=[req.pk, "deliver_letter"])
    # Every letter is delivered: the step is refused with its reason.
    assert client.get(step).status_code == 302


def test_receipt_pdf_for_the_applicant_and_the_office(db, office_user, editor, client):
    from django.urls import reverse

    req = rs.receive_request(**{**APPLICANT, "description": "<script>x</script>预算"})
    lookup = {"tracking_number": req.tracking_number, "secret": req.check_code}
    response = client.post(reverse("disclosure:request_receipt"), lookup)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "")
    day = f"{req.received_on.year}年{req.received_on.month}月{req.received_on.day}日"
    assert "信息公开申请受理回执" in text and req.tracking_number in text and day in text
    assert "<script>x</script>预算" in text
    if req.due_on:
        assert f"{req.due_on.year}年{req.due_on.month}月{req.due_on.day}日" in text
    bad = {**lookup, "secret": "000000" if req.check_code != "000000" else "111111"}
    assert client.post(reverse("disclosure:request_receipt"), bad).status_code == 404
    assert client.get(reverse("disclosure:request_receipt")).status_code == 405

    url = reverse("admin:disclosure_requests_disclosurerequest_receipt", args=[req.pk])
    client.force_login(editor)
    assert client.get(url).status_code == 403
    client.force_login(office_user)
    office = client.get(url)
    assert office.status_code == 200 and office.content.startswith(b"%PDF")
    change = client.get(reverse("admin:disclosure_requests_disclosurerequest_change", args=[req.pk]))
    assert "打印受理回执（PDF）" in change.content.decode()


def test_a_letter_sent_by_post_is_announced_once_with_its_tracking_number(db, office_user):
    from disclosure.core.models import OutgoingMail

    req = rs.receive_request(**APPLICANT)
    req = rs.answer_request(req, by=office_user, reply_type=ReplyType.UNABLE,
                            reason=ReplyReason.NEEDS_CREATION, on=req.arrived_on)
    letter = rs.generate_reply_letter(req, by=office_user)
    rs.deliver_letter(req, by=office_user, letter=letter.pk, via="post", postal_tracking="EMS1234567890CN",
                      on=timezone.localdate())
    mails = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.LETTER)
    assert [m.subject for m in mails] == [f"您的信息公开申请无现成信息告知书已邮寄（邮件单号 EMS1234567890CN）"
                                          f"（{req.tracking_number}）"]
