"""The public pages: the opinion box, the sender's answer lookup, the published opinions, a survey.

The sender's words and answer are shown only to whoever holds the number and its check code; the
public page shows only what `Opinion.objects.published()` gives: the office's summary and answer.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from disclosure.core import ratelimit
from disclosure.feedback import actions as feedback_services
from disclosure.feedback.forms import OpinionForm, OpinionLookupForm, SurveyForm
from disclosure.feedback.models import Opinion, OpinionEvent, Survey
from disclosure.feedback.selectors import list_published_opinions

# The same limits as disclosure requests (disclosure_requests/views.py).
from disclosure.disclosure_requests.views import (  # isort: skip
    STATUS_LIMIT, STATUS_WINDOW, SUBMIT_LIMIT, SUBMIT_WINDOW,
)

_CREATED_SESSION_KEY = "feedback_opinion_created"
NOT_FOUND_MESSAGE = "意见编号或查询码不正确，请核对后重试。"
TOO_BIG_MESSAGE = "提交的内容过大，未能保存，请精简后再提交。"
PAGE_SIZE = 20
SURVEY_COOKIE_SALT = "disclosure.feedback.survey"


def _context(**extra):
    return {"reply_workdays": feedback_services.reply_workdays(), **extra}


@never_cache
@require_http_methods(["GET", "POST"])
def opinion_create(request):
    """The opinion box (意见箱): kind, text, optional name and contact."""
    template = "disclosure/feedback/opinion_form.html"
    if request.method == "GET":
        return render(request, template, _context(form=OpinionForm()))
    try:
        data = request.POST
    except RequestDataTooBig:
        return render(request, template, _context(form=OpinionForm(), page_error=TOO_BIG_MESSAGE),
                      status=413)
    form = OpinionForm(data)
    context = _context(form=form)
    if not form.is_valid():
        return render(request, template, context, status=400)
    if not ratelimit.hit("opinion_submit", request, limit=SUBMIT_LIMIT, window_seconds=SUBMIT_WINDOW):
        form.add_error(None, "提交次数过多，请一小时后再试；如有急事请致电信息公开办公室。")
        return render(request, template, context, status=429)
    try:
        created = feedback_services.receive_opinion(**form.opinion_fields())
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return render(request, template, context, status=400)
    # Shown once after the redirect, so that a reload does not send the opinion again.
    request.session[_CREATED_SESSION_KEY] = created.pk
    return redirect("disclosure:opinion_created")


@never_cache
def opinion_created(request):
    pk = request.session.pop(_CREATED_SESSION_KEY, None)
    created = Opinion.objects.filter(pk=pk).first() if pk else None
    if created is None:
        return redirect("disclosure:opinion_status")
    return render(request, "disclosure/feedback/opinion_created.html", {"opinion": created})


# The steps a sender is told of; the office's internal ones are not listed.
PUBLIC_EVENTS = [OpinionEvent.Action.RECEIVED, OpinionEvent.Action.FORWARDED,
                 OpinionEvent.Action.ANSWERED]


@never_cache
@require_http_methods(["GET", "POST"])
def opinion_status(request):
    """Number plus check code: state, deadline and answer. POST only, so the code is in no URL."""
    template = "disclosure/feedback/opinion_status.html"
    if request.method == "GET":
        return render(request, template, {"form": OpinionLookupForm()})
    form = OpinionLookupForm(request.POST)
    context = {"form": form}
    if not ratelimit.hit("opinion_status", request, limit=STATUS_LIMIT, window_seconds=STATUS_WINDOW):
        form.add_error(None, "查询次数过多，请一小时后再试。")
        return render(request, template, context, status=429)
    if not form.is_valid():
        return render(request, template, context, status=400)
    found = feedback_services.get_opinion_for_sender(form.cleaned_data["number"],
                                                     form.cleaned_data["code"])
    if found is None:
        form.add_error(None, NOT_FOUND_MESSAGE)
        return render(request, template, context, status=404)
    context.update(opinion=found,
                   events=found.events.filter(action__in=PUBLIC_EVENTS).order_by("at", "id"))
    return render(request, template, context)


@require_GET
def published_opinions(request):
    """Selected opinions with their answers (公开选登), without personal data."""
    paginator = Paginator(list_published_opinions(), PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("没有这一页。") from error
    return render(request, "disclosure/feedback/published.html", {"page": page, "opinions": page})


# ---- The survey ----


def _cookie_name(survey: Survey) -> str:
    return f"survey_{survey.pk}"


def _answered_here(request, survey: Survey) -> bool:
    return request.get_signed_cookie(_cookie_name(survey), default=None,
                                     salt=SURVEY_COOKIE_SALT) == str(survey.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def survey_detail(request, slug: str):
    """A survey's answer sheet, through its share link; anonymous, one per browser (cookie)."""
    survey = get_object_or_404(Survey.objects.exclude(status=Survey.Status.DRAFT), slug=slug)
    template = "disclosure/feedback/survey.html"
    today = timezone.localdate()
    context = {"survey": survey, "accepting": survey.is_accepting(today),
               "ended": survey.status == Survey.Status.CLOSED or survey.closes_on < today}
    if _answered_here(request, survey):
        context["already"] = True
        return render(request, template, context, status=409 if request.method == "POST" else 200)
    if not context["accepting"]:
        return render(request, template, context, status=403 if request.method == "POST" else 200)
    if request.method == "GET":
        context["form"] = SurveyForm(survey=survey)
        return render(request, template, context)
    try:
        data = request.POST
    except RequestDataTooBig:
        context.update(form=SurveyForm(survey=survey), page_error=TOO_BIG_MESSAGE)
        return render(request, template, context, status=413)
    form = context["form"] = SurveyForm(data, survey=survey)
    if not form.is_valid():
        return render(request, template, context, status=400)
    limit = settings.DISCLOSURE.get("SURVEY_SUBMIT_LIMIT", 30)
    if not ratelimit.hit("survey_submit", request, limit=limit, window_seconds=3600):
        form.add_error(None, "提交次数过多，请一小时后再试。")
        return render(request, template, context, status=429)
    try:
        feedback_services.submit_survey_response(survey, form.raw_answers())
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return render(request, template, context, status=400)
    response = redirect("disclosure:survey_thanks", slug=survey.slug)
    # Until a while after the survey closes: the browser is told it has answered.
    expires = dt.datetime.combine(survey.closes_on + dt.timedelta(days=30), dt.time.min, tzinfo=dt.UTC)
    response.set_signed_cookie(_cookie_name(survey), str(survey.pk), salt=SURVEY_COOKIE_SALT,
                               expires=expires, httponly=True, samesite="Lax",
                               secure=settings.SESSION_COOKIE_SECURE)
    return response


@never_cache
@require_GET
def survey_thanks(request, slug: str):
    survey = get_object_or_404(Survey.objects.exclude(status=Survey.Status.DRAFT), slug=slug)
    return render(request, "disclosure/feedback/survey_thanks.html", {"survey": survey})
