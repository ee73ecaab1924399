"""The public site. Every queryset comes from a selector that starts at `.public()`."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import DetailView, TemplateView

from disclosure.catalogue.models import ChecklistCategory, ChecklistEntry, Department
from disclosure.core import errors, ratelimit
from disclosure.core.sanitize import html_to_text
from disclosure.core.spamguard import SpamGuardMixin
from disclosure.items import search, selectors
from disclosure.items.filters import DisclosureItemFilter
from disclosure.items.models import Attachment, DisclosureItem
from disclosure.site import services as site_services
from disclosure.site.models import ErrorReport, Page, SiteSettings

PAGE_SIZE = 20
# Search results page by number over the bounded candidate set; beyond this, refine the query.
SEARCH_MAX_PAGES = selectors.COUNT_CAP // PAGE_SIZE
ERROR_REPORT_LIMIT = 5
ERROR_REPORT_WINDOW = 3600
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def capped_count(queryset) -> int:
    """How many rows, counted up to COUNT_CAP + 1 (so "more than 1000" stays cheap)."""
    return queryset.order_by()[: selectors.COUNT_CAP + 1].count()


class HomeView(TemplateView):
    template_name = "disclosure/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            categories=selectors.list_checklist(with_stats=False),
            items=selectors.list_public_items()[:10],
            **kwargs,
        )


class ChecklistView(TemplateView):
    template_name = "disclosure/checklist.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            categories=selectors.list_checklist(),
            year_start=selectors.academic_year_start(),
            **kwargs,
        )


def encode_cursor(item: DisclosureItem) -> str:
    delta = item.published_at - _EPOCH
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}.{item.pk}"


def decode_cursor(value: str | None) -> tuple[dt.datetime, int] | None:
    """The (published_at, id) of the last item on the previous page; None when absent or malformed."""
    try:
        micros, pk = (value or "").split(".")
        return _EPOCH + dt.timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


class _ItemListView(TemplateView):
    """Newest first, paged by a keyset cursor (`?before=`): page 500 costs what page 1 does."""

    template_name = "disclosure/item_list.html"

    def get_queryset(self):
        raise NotImplementedError

    def count_key(self) -> str:
        """Names the list for the remembered total (see selectors.count_public_items)."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        # The object (entry, category, department) is looked up before any context is built.
        self.object_list = self.get_queryset()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        queryset = self.object_list
        page = queryset
        cursor = decode_cursor(self.request.GET.get("before"))
        if cursor:
            at, pk = cursor
            # The plain `<=` lets the (…, published_at) index start the scan at the cursor.
            page = queryset.filter(published_at__lte=at).filter(
                Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk)
            )
        rows, total = selectors.page_of_public_items(
            self.count_key(), queryset, page, size=PAGE_SIZE + 1, first=not cursor
        )
        items = rows[:PAGE_SIZE]
        return super().get_context_data(
            heading=self.heading(),
            items=items,
            total=total,
            count_cap=selectors.COUNT_CAP,
            is_later_page=bool(cursor),
            next_cursor=encode_cursor(items[-1]) if len(rows) > PAGE_SIZE else None,
            **kwargs,
        )


class EntryView(_ItemListView):
    def get_queryset(self):
        try:
            self.entry = selectors.get_checklist_entry(self.kwargs["number"])
        except ChecklistEntry.DoesNotExist as exc:
            raise Http404("该清单事项不存在。") from exc
        return selectors.list_public_items_in_entry(self.entry)

    def heading(self):
        return f"{self.entry.number}. {self.entry.title}"

    def count_key(self):
        return f"entry:{self.entry.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.entry, category=self.entry.category, **kwargs)


class CategoryView(_ItemListView):
    def get_queryset(self):
        try:
            self.category = selectors.get_checklist_category(self.kwargs["number"])
        except ChecklistCategory.DoesNotExist as exc:
            raise Http404("该清单类别不存在。") from exc
        return selectors.list_public_items_in_category(self.category)

    def heading(self):
        return str(self.category)

    def count_key(self):
        return f"category:{self.category.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            category=self.category, category_entries=self.category.entry_list, **kwargs
        )


class DepartmentView(_ItemListView):
    def get_queryset(self):
        try:
            self.department = selectors.get_department(self.kwargs["code"])
        except Department.DoesNotExist as exc:
            raise Http404("该部门不存在。") from exc
        return selectors.list_public_items().filter(department=self.department)

    def heading(self):
        return self.department.name

    def count_key(self):
        return f"department:{self.department.pk}"


class DepartmentListView(TemplateView):
    template_name = "disclosure/department_list.html"

    def get_context_data(self, **kwargs):
        departments = Department.objects.filter(active=True).order_by("kind", "sort_order", "name")
        return super().get_context_data(departments=departments, **kwargs)


class ErrorReportForm(SpamGuardMixin):
    kind = forms.ChoiceField(
        label="类型", choices=ErrorReport.Kind.choices, initial=ErrorReport.Kind.ERROR,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label="内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="请说明哪里有误、正确的信息是什么，或您想咨询的问题。",
        error_messages={"required": "请填写纠错或咨询的内容。"},
    )
    name = forms.CharField(label="称呼（选填）", max_length=50, required=False)
    contact = forms.CharField(
        label="联系方式（选填）", max_length=100, required=False,
        help_text="电话或电子邮箱，便于我们回复；不会公开。",
    )


class ItemDetailView(DetailView):
    template_name = "disclosure/item_detail.html"
    context_object_name = "item"

    def get_object(self, queryset=None):
        try:
            return selectors.get_public_item(self.kwargs["pk"])
        except DisclosureItem.DoesNotExist as exc:
            raise Http404("该信息不存在或未公开。") from exc


@require_http_methods(["GET", "POST"])
def report_error(request, pk: int):
    """The 纠错 form of an item, on its own page: spam guard, rate limit, then the service."""
    try:
        item = selectors.get_public_item_title(pk)
    except DisclosureItem.DoesNotExist as exc:
        raise Http404("该信息不存在或未公开。") from exc
    if request.method == "GET":
        return render(request, "disclosure/item_report.html", {
            "item": item, "report_form": ErrorReportForm(), "sent": "sent" in request.GET,
        })
    form = ErrorReportForm(request.POST)
    status = 400
    if form.is_valid():
        if not ratelimit.hit("error_report", request, limit=ERROR_REPORT_LIMIT,
                             window_seconds=ERROR_REPORT_WINDOW):
            form.add_error(None, "提交次数过多，请一小时后再试。")
            status = 429
        else:
            try:
                site_services.submit_error_report(
                    item, kind=form.cleaned_data["kind"], message=form.cleaned_data["message"],
                    name=form.cleaned_data["name"], contact=form.cleaned_data["contact"],
                )
            except errors.TransitionNotAllowed as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, "已收到您的意见，我们会尽快核实处理。谢谢！")
                return redirect(reverse("disclosure:item_report", args=[item.pk]) + "?sent=1")
    return render(
        request, "disclosure/item_report.html", {"item": item, "report_form": form}, status=status
    )


class SearchView(TemplateView):
    template_name = "disclosure/search.html"

    def get(self, request, *args, **kwargs):
        # A reader who types an index number (索引号) from a printed page goes straight to the item.
        found = selectors.find_public_item_by_index_number(request.GET.get("q", ""))
        if found is not None:
            return redirect(found.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        filterset = DisclosureItemFilter(
            self.request.GET or None, queryset=selectors.list_public_items_with_text()
        )
        context = super().get_context_data(filter=filterset, form=filterset.form, **kwargs)
        if not filterset.is_bound:
            return context
        if not filterset.is_valid():
            context["invalid"] = True
            return context
        query = filterset.form.cleaned_data.get("q") or ""
        if not any(v not in (None, "") for v in filterset.form.cleaned_data.values()):
            return context
        terms = search.query_terms(query)
        if query:
            # Longer than COUNT_CAP exactly when more items match: the count comes with the ranking.
            ranked = filterset.ranked_ids(reach=selectors.COUNT_CAP, shared=True)
            total = len(ranked)
        else:
            total = capped_count(filterset.qs)
        paginator = Paginator(range(min(total, selectors.COUNT_CAP)), PAGE_SIZE)
        try:
            number = min(int(self.request.GET.get("page", 1)), SEARCH_MAX_PAGES)
            page = paginator.page(number)
        except (ValueError, EmptyPage):
            page = paginator.page(1) if paginator.count else None
        results = []
        if page is not None and paginator.count:
            start, stop = page.start_index() - 1, page.end_index()
            if query:
                shown = search.items_in_order(filterset.queryset, ranked[start:stop])
            else:
                shown = filterset.qs[start:stop]
            # Snippets for the shown rows only; one query finds the attachments that matched.
            in_files = search.attachment_matches([item.pk for item in shown], terms) if query else {}
            for item in shown:
                text = " ".join(filter(None, [item.summary, html_to_text(item.body)]))
                attachment, attachment_snippet = in_files.get(item.pk, (None, ""))
                results.append({
                    "item": item,
                    "title": search.highlight(item.title, terms, width=300),
                    "snippet": search.highlight(text, terms),
                    "attachment": attachment,
                    "attachment_snippet": attachment_snippet,
                })
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            searched=True, query=query, terms=terms, results=results, total=total,
            count_cap=selectors.COUNT_CAP, page_obj=page, query_string=params.urlencode(),
        )
        return context


class SubscribeView(TemplateView):
    """订阅说明: how to follow the site, in plain words (Atom feeds, the WeChat account)."""

    template_name = "disclosure/subscribe.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(categories=ChecklistCategory.objects.order_by("number"), **kwargs)


def wechat_qr(request):
    """The WeChat account's QR image the office uploaded in 网站设置 (MEDIA_ROOT is never served)."""
    image = SiteSettings.current().wechat_qr
    if not image:
        raise Http404("未设置微信公众号二维码。")
    kind = "image/png" if image.name.lower().endswith(".png") else "image/jpeg"
    try:
        response = FileResponse(image.open("rb"), content_type=kind)
    except FileNotFoundError as exc:
        raise Http404("未设置微信公众号二维码。") from exc
    response["X-Content-Type-Options"] = "nosniff"
    return response


class PageView(TemplateView):
    template_name = "disclosure/page.html"
    slug = None

    def get_context_data(self, **kwargs):
        try:
            page = Page.objects.published().get(slug=self.slug or self.kwargs["slug"])
        except Page.DoesNotExist as exc:
            raise Http404("该页面不存在。") from exc
        return super().get_context_data(page=page, **kwargs)


def download_attachment(request, pk: int):
    try:
        attachment = selectors.get_public_attachment(pk)
    except Attachment.DoesNotExist as exc:
        raise Http404("该附件不存在或未公开。") from exc
    filename = attachment.original_name or attachment.file.name.rsplit("/", 1)[-1]
    content_type = attachment.content_type or "application/octet-stream"
    prefix = getattr(settings, "ATTACHMENT_X_ACCEL_PREFIX", "")
    if prefix:
        # Behind nginx: the permission check is ours, sending the bytes is nginx's (an internal
        # location that no one can request directly), so a download holds no web worker.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(attachment.file.name, safe="/")
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        response = FileResponse(
            attachment.file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("disclosure:sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /attachments/",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
