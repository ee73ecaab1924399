"""The applicant's pages: the request form, its receipt, and the status lookup.

Personal data is shown only to whoever holds the tracking number and its check code; a lost code is
re-sent to the address on file, never shown.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from disclosure.core import ratelimit
from disclosure.disclosure_requests import actions as request_services
from disclosure.disclosure_requests import application_form as paper
from disclosure.disclosure_requests.clock import clock_for
from disclosure.disclosure_requests.forms import (
    DESCRIPTION_MAX_CHARS,
    CheckCodeResendForm,
    DisclosureRequestForm,
    RequestStatusForm,
)
from disclosure.disclosure_requests.models import (
    DisclosureRequest,
    ReplyLetter,
    RequestAttachment,
    RequestEvent,
)

SUBMIT_LIMIT, SUBMIT_WINDOW = 5, 3600
STATUS_LIMIT, STATUS_WINDOW = 20, 3600
RESEND_LIMIT, RESEND_WINDOW = 5, 3600
_CREATED_SESSION_KEY = "disclosure_request_created"
NOT_FOUND_MESSAGE = "申请编号或查询码不正确，请核对后重试。"
# One sentence whatever happened (number unknown, contact not on file, mail sent, post needed), so
# the form cannot be used to learn which numbers exist or whose contact is whose.
RESEND_MESSAGE = (
    "如果申请编号与登记的联系方式相符，查询码将发送至申请时登记的电子邮箱；"
    "未登记电子邮箱的，信息公开办公室将按登记的通信地址邮寄。查询码不会在页面上显示。"
)


def _rule(name, default):
    return settings.DISCLOSURE.get(name, default)


TOO_BIG_MESSAGE = (
    f"提交的内容过大，未能保存。所需信息的内容描述请不超过 {DESCRIPTION_MAX_CHARS} 字；"
    "如需提供大量材料，请写明材料名称后通过信函或当面提交。"
)


@never_cache
@require_http_methods(["GET", "POST"])
def request_create(request):
    """The public request form (依申请公开)."""
    context = {"office_closes": _rule("OFFICE_CLOSES_AT_HOUR", 17),
               "reply_workdays": _rule("REQUEST_REPLY_WORKDAYS", 15)}
    if request.method == "GET":
        context["form"] = DisclosureRequestForm()
        return render(request, "disclosure/requests/form.html", context)
    try:
        data = request.POST
    except RequestDataTooBig:
        context.update(form=DisclosureRequestForm(), page_error=TOO_BIG_MESSAGE)
        return render(request, "disclosure/requests/form.html", context, status=413)
    form = DisclosureRequestForm(data)
    context["form"] = form
    if not form.is_valid():
        return render(request, "disclosure/requests/form.html", context, status=400)
    if not ratelimit.hit("request_submit", request, limit=SUBMIT_LIMIT, window_seconds=SUBMIT_WINDOW):
        form.add_error(None, "提交次数过多，请一小时后再试；如有急事请致电信息公开办公室。")
        return render(request, "disclosure/requests/form.html", context, status=429)
    try:
        created = request_services.receive_request(by=None, **form.request_fields())
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return render(request, "disclosure/requests/form.html", context, status=400)
    # Shown once after the redirect, so that a reload does not submit the request again.
    request.session[_CREATED_SESSION_KEY] = created.pk
    return redirect("disclosure:request_created")


@never_cache
def request_created(request):
    pk = request.session.pop(_CREATED_SESSION_KEY, None)
    created = DisclosureRequest.objects.filter(pk=pk).first() if pk else None
    if created is None:
        return redirect("disclosure:request_status")
    return render(request, "disclosure/requests/created.html",
                  {"req": created, "clock": clock_for(created)})


@never_cache
@require_http_methods(["GET", "POST"])
def request_status(request):
    """Tracking number plus check code: state, deadline and reply. POST only, so that the code never
    lands in a URL or a log."""
    if request.method == "GET":
        return render(request, "disclosure/requests/status.html", {"form": RequestStatusForm()})
    form = RequestStatusForm(request.POST)
    context = {"form": form}
    if not ratelimit.hit("request_status", request, limit=STATUS_LIMIT, window_seconds=STATUS_WINDOW):
        form.add_error(None, "查询次数过多，请一小时后再试。")
        return render(request, "disclosure/requests/status.html", context, status=429)
    if not form.is_valid():
        return render(request, "disclosure/requests/status.html", context, status=400)
    found = request_services.get_request_for_applicant(
        form.cleaned_data["tracking_number"], form.cleaned_data["secret"]
    )
    if found is None:
        form.add_error(None, NOT_FOUND_MESSAGE)
        return render(request, "disclosure/requests/status.html", context, status=404)
    context.update(
        req=found,
        clock=clock_for(found),
        next_steps=request_services.public_next_steps(found),
        events=found.events.filter(action__in=PUBLIC_EVENT_ACTIONS).order_by("at", "id"),
        reply_attachments=found.attachments.filter(kind=RequestAttachment.Kind.REPLY),
        letters=found.letters.filter(delivered_via__in=APPLICANT_LETTER_DELIVERIES).order_by("number"),
        # Carried in the download forms of this page only, never in a URL.
        lookup=form.cleaned_data,
    )
    return render(request, "disclosure/requests/status.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def request_code_resend(request):
    """A lost check code re-sent to the applicant's address on file; the answer is the same sentence
    whether or not the number exists and the contact matches."""
    form = CheckCodeResendForm(request.POST if request.method == "POST" else None)
    context = {"form": form}
    if request.method == "GET":
        return render(request, "disclosure/requests/resend.html", context)
    if not ratelimit.hit("request_code_resend", request, limit=RESEND_LIMIT, window_seconds=RESEND_WINDOW):
        form.add_error(None, "请求次数过多，请一小时后再试；如有急事请致电信息公开办公室。")
        return render(request, "disclosure/requests/resend.html", context, status=429)
    if not form.is_valid():
        return render(request, "disclosure/requests/resend.html", context, status=400)
    request_services.resend_check_code(form.cleaned_data["tracking_number"], form.cleaned_data["contact"])
    context.update(form=CheckCodeResendForm(), done=RESEND_MESSAGE)
    return render(request, "disclosure/requests/resend.html", context)


@never_cache
@require_POST
def request_attachment(request, pk: int):
    """A reply attachment, for the applicant who proves the request again with number and code."""
    form = RequestStatusForm(request.POST)
    if not ratelimit.hit("request_status", request, limit=STATUS_LIMIT, window_seconds=STATUS_WINDOW):
        raise Http404(NOT_FOUND_MESSAGE)
    if not form.is_valid():
        raise Http404(NOT_FOUND_MESSAGE)
    found = request_services.get_request_for_applicant(
        form.cleaned_data["tracking_number"], form.cleaned_data["secret"]
    )
    # Information goes out with the reply, not before.
    attachment = (found.attachments.filter(pk=pk, kind=RequestAttachment.Kind.REPLY).first()
                  if found and found.reply_type else None)
    if attachment is None:
        raise Http404(NOT_FOUND_MESSAGE)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True,
        filename=attachment.original_name or attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type or "application/octet-stream",
    )


# Letters the applicant downloads from the status page: those delivered online or by e-mail. A
# letter sent by post or handed over is listed with its delivery date in the steps only.
APPLICANT_LETTER_DELIVERIES = (ReplyLetter.Delivery.ONLINE, ReplyLetter.Delivery.EMAIL)


@never_cache
@require_POST
def request_letter(request, pk: int):
    """A delivered reply letter (PDF), for the applicant who proves the request with number and code."""
    form = RequestStatusForm(request.POST)
    if not ratelimit.hit("request_status", request, limit=STATUS_LIMIT, window_seconds=STATUS_WINDOW):
        raise Http404(NOT_FOUND_MESSAGE)
    if not form.is_valid():
        raise Http404(NOT_FOUND_MESSAGE)
    found = request_services.get_request_for_applicant(
        form.cleaned_data["tracking_number"], form.cleaned_data["secret"]
    )
    letter = (found.letters.filter(pk=pk, delivered_via__in=APPLICANT_LETTER_DELIVERIES)
              .exclude(pdf="").first() if found else None)
    if letter is None:
        raise Http404(NOT_FOUND_MESSAGE)
    return FileResponse(letter.pdf.open("rb"), as_attachment=True, content_type="application/pdf",
                        filename=f"{found.tracking_number}-{letter.get_kind_display()}.pdf")


@never_cache
@require_POST
def request_receipt(request):
    """The acknowledgement of receipt (受理回执, PDF), for the applicant with number and code."""
    from disclosure.disclosure_requests.letters import render_receipt_pdf

    form = RequestStatusForm(request.POST)
    if not ratelimit.hit("request_status", request, limit=STATUS_LIMIT, window_seconds=STATUS_WINDOW):
        raise Http404(NOT_FOUND_MESSAGE)
    if not form.is_valid():
        raise Http404(NOT_FOUND_MESSAGE)
    found = request_services.get_request_for_applicant(
        form.cleaned_data["tracking_number"], form.cleaned_data["secret"]
    )
    if found is None:
        raise Http404(NOT_FOUND_MESSAGE)
    response = HttpResponse(render_receipt_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.tracking_number}-receipt.pdf"'
    return response


Action = RequestEvent.Action
# The steps an applicant is told of; internal ones (recomputation, letters) are not listed.
PUBLIC_EVENT_ACTIONS = [
    Action.RECEIVED, Action.RECEIPT_CONFIRMED, Action.CORRECTION_REQUESTED,
    Action.CORRECTION_RECEIVED, Action.LAPSED, Action.CONSULTATION_STARTED,
    Action.CONSULTATION_ENDED, Action.EXTENDED, Action.ANSWERED, Action.WITHDRAWN,
    Action.NOT_PROCESSED, Action.LETTER_DELIVERED,
]


@require_http_methods(["GET", "HEAD"])
def application_form(request, fmt: str):
    """The application form to print (PDF) or fill in on a computer (.docx), for a letter or a visit."""
    if fmt == "pdf":
        content, content_type = paper.render_pdf(), "application/pdf"
    else:
        content = paper.render_docx()
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"信息公开申请表.{fmt}")
    return response
