"""The API's views: thin. Reads start from the selectors, writes go through the services."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import batched
from pathlib import PurePosixPath

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.views.generic import TemplateView
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from disclosure.annual_reports.models import AnnualReport
from disclosure.annual_reports.years import is_report_year
from disclosure.catalogue.models import Channel, ChecklistCategory, ChecklistEntry, Department
from disclosure.core import ratelimit
from disclosure.core.hygiene import clean_text
from disclosure.core.spamguard import HONEYPOT_FIELD, TIMESTAMP_FIELD
from disclosure.disclosure_requests import actions as request_services
from disclosure.disclosure_requests import views as request_views
from disclosure.disclosure_requests.forms import DisclosureRequestForm
from disclosure.disclosure_requests.models import DisclosureRequest, RequestEvent
from disclosure.items import actions as item_actions
from disclosure.items import selectors
from disclosure.items.models import Attachment, DisclosureItem, Publication

from . import serializers as s
from .exceptions import Unprocessable
from .filters import (
    ITEM_FILTER_PARAMETERS,
    MAX_ID,
    STAFF_ITEM_FILTER_PARAMETERS,
    PublicItemFilter,
    StaffItemFilter,
)
from .pagination import ItemCursorPagination, StaffItemCursorPagination
from .permissions import IsDisclosureOffice, IsDisclosureStaff

EXPORT_CHUNK = 500


def _with_related(queryset, *, staff: bool = False):
    """What an item's representation needs, in a fixed number of queries per page.

    The public sees reviewed attachments and records only; staff also those of a pending revision.
    """
    attachments = (Attachment.objects.all() if staff else Attachment.objects.live()).without_text()
    publications = Publication.objects.all() if staff else Publication.objects.live()
    # The segmented search columns (the attachments' words run to 400,000 characters) are never shown.
    queryset = queryset.defer("search_title", "search_body", "search_attachments", "search_vector")
    return queryset.select_related("department").prefetch_related(
        Prefetch("entries", queryset=ChecklistEntry.objects.select_related("category")
                 .only("id", "number", "title", "category__number")),
        Prefetch("attachments", queryset=attachments),
        Prefetch("publications", queryset=publications.select_related("channel", "section")),
    )


def _lookup_id(raw) -> int:
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        pk = 0
    if not 1 <= pk <= MAX_ID:
        raise Http404
    return pk


class PublicAPIMixin:
    authentication_classes: list = []
    permission_classes = [AllowAny]


# ---- Public ----


@extend_schema_view(
    list=extend_schema(
        summary="主动公开信息列表",
        description=(
            "已发布的主动公开信息，按发布时间从新到旧，游标分页（使用响应中的 next / previous 链接翻页）。"
            "可按清单类别、清单事项、发布部门、发布年份、公开渠道、发布日期范围筛选；`q` 为全文检索，"
            "与门户检索相同（中文分词，所有词都须出现）。"
        ),
        parameters=ITEM_FILTER_PARAMETERS,
    ),
    retrieve=extend_schema(summary="主动公开信息详情"),
)
class ItemViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ItemSerializer
    filterset_class = PublicItemFilter
    pagination_class = ItemCursorPagination
    lookup_value_regex = "[^/]+"
    schema_tags = ["公开信息"]

    def get_queryset(self):
        return _with_related(selectors.list_public_items())

    def get_object(self):
        pk = _lookup_id(self.kwargs["pk"])
        obj = self.get_queryset().filter(pk=pk).first()
        if obj is None:
            raise Http404
        return obj


@extend_schema(
    summary="信息公开事项清单",
    description="10 个类别、50 个清单事项，每个事项附已公开信息条数、本学年条数和最近发布时间。",
    responses=s.ChecklistCategorySerializer(many=True),
)
class ChecklistView(PublicAPIMixin, APIView):
    def get(self, request):
        categories = _checklist()
        data = s.ChecklistCategorySerializer(categories, many=True, context={"request": request}).data
        return Response(data)


def _checklist() -> list[ChecklistCategory]:
    """The checklist with every column the open-data table shows, in three queries.

    `selectors.list_checklist` loads only what the portal's index shows; the table also needs the
    cadence, legal basis and not-applicable note, which would otherwise be read entry by entry.
    """
    stats = selectors.checklist_stats()
    categories = list(ChecklistCategory.objects.order_by("number"))
    by_category: dict[int, list[ChecklistEntry]] = {c.pk: [] for c in categories}
    for entry in ChecklistEntry.objects.order_by("number"):
        entry.stats = stats.get(entry.pk, selectors.EntryStats())
        by_category.setdefault(entry.category_id, []).append(entry)
    for category in categories:
        category.entry_list = by_category.get(category.pk, [])
    return categories


def _public_count_by_department():
    counts = (
        DisclosureItem.objects.public().filter(department=OuterRef("pk"))
        .order_by().values("department").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


@extend_schema(summary="部门列表", description="启用的部门及其已公开的主动公开信息条数。")
class DepartmentListView(PublicAPIMixin, ListAPIView):
    serializer_class = s.DepartmentSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return Department.objects.filter(active=True).annotate(
            item_count=_public_count_by_department()
        )


@extend_schema(summary="公开渠道列表", description="启用的公开渠道（办法第十二条）及其栏目。")
class ChannelListView(PublicAPIMixin, ListAPIView):
    serializer_class = s.ChannelSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return Channel.objects.filter(active=True).prefetch_related("sections")


# ---- Open-data downloads ----


def _csv_cell(value) -> str:
    # Stored text may hold control characters written past save(): spreadsheets choke on them.
    text = "" if value is None else clean_text(str(value))
    # A cell starting like a formula would run in Excel: keep it text.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _csv_stream(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    # The BOM makes Excel read the file as UTF-8 instead of the local code page.
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        if buffer.tell() > 16384:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _download(content: Iterator[str], filename: str, content_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # As short as any public page's: a withdrawn item must leave shared caches as fast from an export.
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
    return response


class ExportView(PublicAPIMixin, APIView):
    def perform_content_negotiation(self, request, force=False):
        # Downloads are CSV or JSON whatever the client accepts; errors are JSON.
        return super().perform_content_negotiation(request, force=True)


ITEM_CSV_HEADER = [
    "编号", "标题", "摘要", "发布部门", "清单事项", "文号", "公文类型", "信息制作完成或获取之日",
    "发布时间", "变更之日", "更新发布时间", "网址", "附件", "发布渠道",
]


class _ItemExport(ExportView):
    # For the schema: the same query parameters as the list.
    queryset = DisclosureItem.objects.none()
    filterset_class = PublicItemFilter
    filter_backends = [DjangoFilterBackend]

    def items(self, request) -> Iterator[dict]:
        filterset = PublicItemFilter(request.query_params, queryset=selectors.list_public_items(),
                                     request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        # Validated before streaming starts, so a bad query is a 400, not a broken download.
        queryset = _with_related(filterset.qs)
        context = {"request": request}

        def generate():
            for chunk in batched(queryset.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
                yield from s.ItemSerializer(chunk, many=True, context=context).data
        return generate()

    def stamp(self) -> str:
        return timezone.localtime().strftime("%Y%m%d")


@extend_schema(
    summary="下载主动公开信息（CSV）",
    description="与列表接口相同的筛选参数；中文表头，UTF-8（带 BOM，Excel 可直接打开）。",
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV 文件")},
    filters=True,
    parameters=ITEM_FILTER_PARAMETERS,
)
class ItemCSVExportView(_ItemExport):

    def get(self, request):
        items = self.items(request)

        def rows():
            for item in items:
                yield [
                    item["id"], item["title"], item["summary"], item["department"]["name"],
                    "；".join(f"{e['number']}. {e['title']}" for e in item["entries"]),
                    item["document_number"], item["document_kind_display"] if item["document_kind"]
                    else "", item["produced_on"], item["published_at"], item["changed_on"],
                    item["updated_at"], item["url"],
                    "；".join(f"{a['title']} {a['url']}" for a in item["attachments"]),
                    "；".join(p["channel"] for p in item["publications"]),
                ]

        rows_iter = rows()
        return _download(_csv_stream(ITEM_CSV_HEADER, rows_iter), f"items-{self.stamp()}.csv",
                         "text/csv")


@extend_schema(
    summary="下载主动公开信息（JSON）",
    description="与列表接口相同的筛选参数，不分页；`items` 中每条与列表接口相同。",
    responses={(200, "application/json"): OpenApiResponse(
        OpenApiTypes.OBJECT, description="{generated_at, items: [...]}")},
    filters=True,
    parameters=ITEM_FILTER_PARAMETERS,
)
class ItemJSONExportView(_ItemExport):

    def get(self, request):
        items = self.items(request)

        def generate():
            yield '{"generated_at": ' + json.dumps(timezone.now().isoformat()) + ', "items": ['
            for index, item in enumerate(items):
                yield ("," if index else "") + json.dumps(item, ensure_ascii=False, default=str)
            yield "]}"

        return _download(generate(), f"items-{self.stamp()}.json", "application/json")


CHECKLIST_CSV_HEADER = [
    "类别序号", "类别", "事项序号", "事项", "更新频率", "有关文件", "不适用说明", "已公开条数",
    "本学年公开条数", "最近发布时间", "网址",
]


def _checklist_rows(request) -> list[dict]:
    return s.ChecklistCategorySerializer(_checklist(), many=True, context={"request": request}).data


@extend_schema(
    summary="下载信息公开事项清单表（CSV）",
    description="50 个清单事项各一行，附公开情况；中文表头，UTF-8（带 BOM）。",
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV 文件")},
)
class ChecklistCSVExportView(ExportView):
    def get(self, request):
        rows = [
            [
                c["number"], c["name"], e["number"], e["title"], e["update_cadence_display"],
                e["legal_basis"], e["not_applicable_note"], e["item_count"], e["items_this_year"],
                e["latest_published_at"], e["url"],
            ]
            for c in _checklist_rows(request) for e in c["entries"]
        ]
        stamp = timezone.localtime().strftime("%Y%m%d")
        return _download(_csv_stream(CHECKLIST_CSV_HEADER, rows), f"checklist-{stamp}.csv",
                         "text/csv")


@extend_schema(
    summary="下载信息公开事项清单表（JSON）",
    responses={(200, "application/json"): s.ChecklistCategorySerializer(many=True)},
)
class ChecklistJSONExportView(ExportView):
    def get(self, request):
        data = json.dumps(_checklist_rows(request), ensure_ascii=False, default=str)
        stamp = timezone.localtime().strftime("%Y%m%d")
        return _download(iter([data]), f"checklist-{stamp}.json", "application/json")


# ---- Yearly reports ----


@extend_schema_view(
    list=extend_schema(summary="信息公开年度报告列表", description="已发布的年度报告，学年从新到旧。"),
    retrieve=extend_schema(
        summary="信息公开年度报告",
        description="报告正文各部分和发布时冻结的统计数据（主动公开、依申请公开、清单事项公开情况表等）。",
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH,
                                     description="学年开始的年份：2025 表示 2025-2026 学年。")],
    ),
)
class ReportViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "year"
    lookup_value_regex = "[^/]+"
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return AnnualReport.objects.published().order_by("-year")

    def get_serializer_class(self):
        return s.ReportDetailSerializer if self.action == "retrieve" else s.ReportSerializer

    def list(self, request, *args, **kwargs):
        reports = self.get_queryset().defer("figures")
        return Response(self.get_serializer(reports, many=True).data)

    def get_object(self):
        year = self.kwargs["year"]
        if not is_report_year(year):
            raise Http404
        obj = self.get_queryset().filter(year=int(year)).first()
        if obj is None:
            raise Http404
        return obj


# ---- Requests (依申请公开) ----


class ApiRequestForm(DisclosureRequestForm):
    """The portal's request form, without its bot guard.

    The honeypot and the minimum fill time tell people from scripts on an HTML page; an API client
    is a program by definition. The rate limit, shared with the form, is what protects this door.
    """

    min_fill_seconds = 0

    def __init__(self, data: dict):
        data = {name: value for name, value in data.items() if name != HONEYPOT_FIELD}
        data[TIMESTAMP_FIELD] = DisclosureRequestForm().initial[TIMESTAMP_FIELD]
        super().__init__(data)


def _request_form_fields(data: dict) -> dict:
    """The portal form's rules over a request as a whole (check digits, a contact for
    organisations, …): the fields the service takes, or Unprocessable (422)."""
    form = ApiRequestForm(data)
    if not form.is_valid():
        raise Unprocessable(_form_errors(form))
    return form.request_fields()


def _form_errors(form) -> dict[str, list[str]]:
    return {
        ("non_field_errors" if name == "__all__" else name): list(messages)
        for name, messages in form.errors.items()
    }


@extend_schema(
    summary="提交信息公开申请",
    description=(
        "与门户申请表相同的校验和频率限制。成功时返回申请编号和查询码，请妥善保存："
        "凭二者（或申请时填写的联系电话）查询办理进度。答复期限自收到申请之日起算。"
    ),
    request=s.RequestSubmitSerializer,
    responses={201: s.RequestReceiptSerializer},
)
class RequestSubmitView(PublicAPIMixin, APIView):
    def post(self, request):
        if not isinstance(request.data, dict):
            raise ValidationError("请以 JSON 对象提交申请。")
        # Types and formats first, as the schema states them; then the form's rules as a whole.
        s.RequestSubmitSerializer(data=request.data).is_valid(raise_exception=True)
        fields = _request_form_fields(request.data)
        if not ratelimit.hit("request_submit", request, limit=request_views.SUBMIT_LIMIT,
                             window_seconds=request_views.SUBMIT_WINDOW):
            raise Throttled(detail="提交次数过多，请一小时后再试；如有急事请致电信息公开办公室。")
        created = request_services.receive_request(by=None, **fields)
        return Response(s.RequestReceiptSerializer(created).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="查询申请办理进度",
    description=(
        "凭申请编号和查询码（或申请时填写的联系电话）查询。使用 POST，查询码不出现在网址和日志中。"
        "编号或查询码不对时一律返回 404，不透露编号是否存在。"
    ),
    request=s.RequestLookupSerializer,
    responses={200: s.RequestStatusSerializer},
)
class RequestStatusView(PublicAPIMixin, APIView):
    def post(self, request):
        if not ratelimit.hit("request_status", request, limit=request_views.STATUS_LIMIT,
                             window_seconds=request_views.STATUS_WINDOW):
            raise Throttled(detail="查询次数过多，请一小时后再试。")
        lookup = s.RequestLookupSerializer(data=request.data)
        lookup.is_valid(raise_exception=True)
        found = request_services.get_request_for_applicant(
            lookup.validated_data["tracking_number"], lookup.validated_data["secret"]
        )
        if found is None:
            raise NotFound(request_views.NOT_FOUND_MESSAGE)
        found.public_steps = found.events.filter(
            action__in=request_views.PUBLIC_EVENT_ACTIONS
        ).order_by("at", "id")
        return Response(s.RequestStatusSerializer(found).data)


# ---- Staff ----

STAFF_AUTH = [TokenAuthentication, SessionAuthentication]


def _staff_action(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary, description=description, request=request,
        responses={200: s.StaffItemDetailSerializer},
    )


@extend_schema_view(
    list=extend_schema(summary="（工作人员）可见的公开事项",
                       description="信息公开办公室和监督部门看到全部事项，部门信息员只看到本部门的。",
                       parameters=STAFF_ITEM_FILTER_PARAMETERS),
    retrieve=extend_schema(summary="（工作人员）公开事项详情", responses=s.StaffItemDetailSerializer),
    create=extend_schema(summary="（工作人员）新建公开事项", description="以草稿创建，只能建在本人负责的部门。",
                         request=s.ItemWriteSerializer, responses={201: s.StaffItemDetailSerializer}),
    update=extend_schema(summary="（工作人员）修改公开事项",
                         request=s.ItemWriteSerializer, responses={200: s.StaffItemDetailSerializer}),
    partial_update=extend_schema(summary="（工作人员）修改公开事项的部分字段",
                                 request=s.ItemWriteSerializer, responses={200: s.StaffItemDetailSerializer}),
)
class StaffItemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    """Items as the back office sees them; every change goes through the item services."""

    authentication_classes = STAFF_AUTH
    permission_classes = [IsDisclosureStaff]
    serializer_class = s.StaffItemSerializer
    filterset_class = StaffItemFilter
    pagination_class = StaffItemCursorPagination
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return _with_related(DisclosureItem.objects.visible_to(self.request.user), staff=True)

    def get_serializer_class(self):
        return s.StaffItemSerializer if self.action == "list" else s.StaffItemDetailSerializer

    def get_object(self):
        pk = _lookup_id(self.kwargs["pk"])
        obj = self.get_queryset().filter(pk=pk).first()
        if obj is None:
            raise Http404
        return obj

    def _respond(self, item, status_code=status.HTTP_200_OK) -> Response:
        item = self.get_queryset().get(pk=item.pk)
        return Response(self.get_serializer(item).data, status=status_code)

    def _input(self, serializer_class, partial=False) -> dict:
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def create(self, request, *args, **kwargs):
        data = self._input(s.ItemWriteSerializer)
        data["department"] = s.department_for(data["department"])
        data.pop("version", None)
        entries = s.entries_for(data.pop("entries", []))
        item = item_actions.create_item(by=request.user, entries=entries, **data)
        return self._respond(item, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        item = self.get_object()
        data = self._input(s.ItemWriteSerializer, partial=kwargs.get("partial", False))
        if "department" in data:
            data["department"] = s.department_for(data["department"])
        version = data.pop("version", None)
        entries = data.pop("entries", None)
        if entries is not None:
            entries = s.entries_for(entries)
        item = item_actions.edit_item(item, by=request.user, changes=data, entries=entries,
                                  expected_version=version)
        return self._respond(item)

    @extend_schema(
        summary="（工作人员）上传附件",
        description="为事项添加一个附件（multipart/form-data）。规则同管理后台：已发布事项由部门添加的附件"
                    "进入待审修订，经信息公开办公室发布后才公开。附件文字由任务进程提取后可被检索，"
                    "事项数据中的 searchable 表示是否已可检索。",
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.StaffItemDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="attachments",
            parser_classes=[MultiPartParser, FormParser])
    def upload_attachment(self, request, pk=None):
        item = self.get_object()
        serializer = s.AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, upload = serializer.validated_data, serializer.checked_file()
        title = (data.get("title") or "").strip() or PurePosixPath(upload.name).name[:200]
        row = Attachment(item=item, title=title, file=upload, sort_order=data.get("sort_order", 0))
        item_actions.save_item_row(row, by=request.user)
        return self._respond(item, status.HTTP_201_CREATED)


def _item_step(name: str, input_serializer, url_path: str, summary: str, description: str):
    """One verb of ITEM_ACTIONS as a POST action: validate the input, run the verb, show the item."""

    def step(self, request, pk=None):
        data = self._input(input_serializer) if input_serializer else {}
        return self._respond(item_actions.run_item_action(name, self.get_object(), by=request.user, data=data))

    # DRF routes an action by its function's name: the attribute name it will have on the class.
    step.__name__ = step.__qualname__ = url_path.replace("-", "_")
    step = action(detail=True, methods=["post"], url_path=url_path, url_name=url_path)(step)
    return _staff_action(summary, description, input_serializer)(step)


# The input of each verb; the verbs, their paths, labels and who may run them come from ITEM_ACTIONS.
ITEM_STEP_INPUTS = {
    "submit": None,
    "take_back": s.NoteSerializer,
    "refer": s.ReferSerializer,
    "decide": s.DecideSerializer,
    "review": s.NoteSerializer,
    "publish": s.PublishSerializer,
    "return": s.CommentSerializer,
    "publish_revision": s.NoteSerializer,
    "reject_revision": s.CommentSerializer,
    "record_change": s.RecordChangeSerializer,
    "publish_update": s.NoteSerializer,
    "withdraw": s.WithdrawSerializer,
}
assert set(ITEM_STEP_INPUTS) == set(item_actions.ITEM_ACTIONS.actions)

for _verb in item_actions.ITEM_ACTIONS.actions.values():
    _step = _item_step(_verb.name, ITEM_STEP_INPUTS[_verb.name], _verb.extra["api"], _verb.label,
                       _verb.extra["basis"])
    setattr(StaffItemViewSet, _step.__name__, _step)


# ---- Documentation ----


class DocsView(TemplateView):
    """The API's documentation page, rendered from the schema on the server (no script, no CDN)."""

    template_name = "api/docs.html"
    methods = ("get", "post", "put", "patch", "delete")

    def get_context_data(self, **kwargs):
        # Without the request: the page lists every public endpoint whoever looks.
        schema = SchemaGenerator().get_schema(request=None, public=True)
        operations = []
        for path, item in schema["paths"].items():
            for method in self.methods:
                op = item.get(method)
                if op is None:
                    continue
                operations.append({
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "staff": bool(op.get("security")) and {} not in op.get("security", []),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": {"query": "查询参数", "path": "路径参数"}.get(p["in"], p["in"]),
                            "type": p.get("schema", {}).get("type", ""),
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                })
        return super().get_context_data(
            info=schema["info"], operations=operations, **kwargs
        )


# ---- Office: requests and their steps ----


def _request_step(name: str, input_serializer, url_path: str, summary: str, description: str):
    """One step of a request as a POST action: validate the input, run the verb, show the result."""

    def step(self, request, pk=None):
        data = self._input(input_serializer)
        request_services.run_request_action(name, self.get_object(), by=request.user, data=data)
        return self._respond(self.get_object())

    # DRF routes an action by its function's name: the attribute name it will have on the class.
    step.__name__ = step.__qualname__ = url_path.replace("-", "_")
    step = action(detail=True, methods=["post"], url_path=url_path, url_name=url_path)(step)
    return extend_schema(summary=summary, description=description, request=input_serializer,
                         responses={200: s.StaffRequestSerializer})(step)


@extend_schema_view(
    list=extend_schema(summary="（信息公开办公室）依申请公开申请列表",
                       description="含申请人信息，只对信息公开办公室开放。按登记顺序从新到旧。"),
    retrieve=extend_schema(summary="（信息公开办公室）申请详情及办理记录"),
    create=extend_schema(
        summary="（信息公开办公室）登记收到的申请",
        description="登记以信函、当面、电子邮件、传真等方式收到的申请，规则同管理后台和网上申请表"
                    "（证件号码校验位、联系方式等不符合规则的返回 422）。",
        request=s.StaffRequestLogSerializer, responses={201: s.StaffRequestSerializer}),
)
class StaffRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Requests for the office; every step goes through the request services."""

    authentication_classes = STAFF_AUTH
    permission_classes = [IsDisclosureOffice]
    serializer_class = s.StaffRequestSerializer
    pagination_class = StaffItemCursorPagination
    filter_backends: list = []
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return DisclosureRequest.objects.prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.select_related("actor")
                     .order_by("at", "id"))
        )

    def get_object(self):
        obj = self.get_queryset().filter(pk=_lookup_id(self.kwargs["pk"])).first()
        if obj is None:
            raise Http404
        return obj

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _respond(self, obj, status_code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(obj).data, status=status_code)

    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, dict):
            raise ValidationError("请以 JSON 对象提交申请。")
        data = self._input(s.StaffRequestLogSerializer)
        fields = _request_form_fields({name: value for name, value in request.data.items()
                                       if name not in ("channel", "received_on")})
        created = request_services.receive_request(
            by=request.user, channel=data["channel"], received_on=data.get("received_on"), **fields)
        return self._respond(self.get_queryset().get(pk=created.pk), status.HTTP_201_CREATED)



# The input of each step; the steps themselves, their names, labels and who may run them come from
# the request action table. Letters are made and downloaded in the back office, not here.
REQUEST_STEP_INPUTS = {
    "confirm_receipt": s.ConfirmReceiptSerializer,
    "request_correction": s.RequestCorrectionSerializer,
    "receive_correction": s.DatedNoteSerializer,
    "lapse_request": s.DatedNoteSerializer,
    "start_consultation": s.StartConsultationSerializer,
    "end_consultation": s.EndConsultationSerializer,
    "extend_request": s.ExtendRequestSerializer,
    "answer_request": s.AnswerRequestSerializer,
    "mark_not_processed": s.NotProcessedSerializer,
    "withdraw_request": s.WithdrawRequestSerializer,
}
assert set(REQUEST_STEP_INPUTS) == set(request_services.STEP_NAMES)

for _verb in request_services.REQUEST_ACTIONS.actions.values():
    if _verb.name in REQUEST_STEP_INPUTS:
        _step = _request_step(_verb.name, REQUEST_STEP_INPUTS[_verb.name], _verb.extra["api"],
                              _verb.label, _verb.extra["basis"])
        setattr(StaffRequestViewSet, _step.__name__, _step)
