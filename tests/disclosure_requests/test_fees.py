"""Fees: a request records a fee charged (amount, basis, notice, payment) or waived; 逾期未缴费 rests on
an unpaid notice; part three of the yearly report states the fees charged."""

import datetime as dt

import pytest

from disclosure.annual_reports import actions as report_services
from disclosure.annual_reports.figures import compute_figures, report_parts
from disclosure.core.errors import TransitionNotAllowed
from disclosure.disclosure_requests import actions as rs
from disclosure.disclosure_requests.models import ReplyReason, ReplyType

D = dt.date
APPLICANT = {"applicant_type": "citizen", "applicant_name": "张三", "description": "学校预算",
             "email": "", "phone": "13800138000"}


def _receive(office_user, on):
    return rs.receive_request(by=office_user, channel="letter", received_on=on, **APPLICANT)


def test_fee_charged_paid_waived_and_unpaid(db, office_user, editor):
    req = _receive(office_user, D(2025, 9, 3))
    with pytest.raises(TransitionNotAllowed, match="金额"):
        rs.record_fee(req, by=office_user, status="charged", basis="收费标准", amount="0",
                      notified_on=D(2025, 9, 5))
    with pytest.raises(TransitionNotAllowed, match="依据"):
        rs.record_fee(req, by=office_user, status="waived", basis=" ")
    with pytest.raises(Exception, match="只有信息公开办公室"):
        rs.record_fee(req, by=editor, status="waived", basis="困难群众")
    # 逾期未缴费 needs an unpaid notice first.
    with pytest.raises(TransitionNotAllowed, match="收费通知"):
        rs.answer_request(req, by=office_user, reply_type=ReplyType.OTHER, reason=ReplyReason.FEE_UNPAID,
                          on=D(2025, 9, 30))
    req = rs.record_fee(req, by=office_user, status="charged", basis="按省物价局收费标准",
                        amount="12.5", notified_on=D(2025, 9, 5))
    req = rs.answer_request(req, by=office_user, reply_type=ReplyType.OTHER,
                            reason=ReplyReason.FEE_UNPAID, on=D(2025, 9, 30))
    assert req.fee_amount == pytest.approx(12.5) and req.events.filter(action="fee_recorded").exists()

    paid = _receive(office_user, D(2025, 10, 9))
    rs.record_fee(paid, by=office_user, status="charged", basis="按省物价局收费标准", amount="30",
                  notified_on=D(2025, 10, 10), paid_on=D(2025, 10, 13))
    rs.answer_request(paid, by=office_user, reply_type=ReplyType.DISCLOSED, on=D(2025, 10, 20))
    waived = _receive(office_user, D(2025, 11, 3))
    rs.record_fee(waived, by=office_user, status="waived", basis="申请人为低保对象")
    rs.answer_request(waived, by=office_user, reply_type=ReplyType.DISCLOSED, on=D(2025, 11, 10))

    fees = compute_figures(2025)["fees"]
    assert fees["charged"]["value"] == 1 and fees["amount"] == "30.00" and fees["waived"]["value"] == 1
    report = report_services.create_report(by=office_user, year=2025)
    part = next(p for p in report_parts(report, compute_figures(2025)) if p["key"] == "requests")
    assert "本学年收取信息处理费用1件，共计30.00元，减免1件。" in part["paragraphs"]
    empty = next(p for p in report_parts(report, compute_figures(2024)) if p["key"] == "requests")
    assert "本学年未收取信息处理费用。" in empty["paragraphs"]
