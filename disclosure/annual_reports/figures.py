"""Every figure of the yearly report, computed from the data of one academic year (1 Sep – 31 Aug).

The result is plain JSON (dicts, lists, strings, integers): it is what a published report freezes.
Each figure says where it comes from: `counted` from the portal's records, `entered` once by the
office (ChannelMetric, DocumentCount), or `mixed` when a total adds both. What the portal counts:

- items: public items (published, proactive) whose `published_at` falls in the year; an item that
  was withdrawn since is no longer counted, because its page no longer exists to link to;
- publications: `Publication` rows dated in the year, of public items;
- documents issued: items of that `document_kind` produced in the year, whatever their status
  (a document is issued even when it is not disclosed);
- requests: by `received_on`; complaints by `received_on`;
- opinions (意见箱) by `received_on`, surveys by the day they opened, meetings and visits by `held_on`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, F, Max, Window
from django.db.models.functions import RowNumber, TruncDate, TruncMonth
from django.urls import reverse
from django.utils import timezone

from disclosure.annual_reports.models import (
    AnnualReport,
    ChannelMetric,
    ChecklistStatement,
    Complaint,
    DocumentCount,
    academic_year_bounds,
    academic_year_label,
)
from disclosure.catalogue.models import Channel, ChecklistCategory, ChecklistEntry
from disclosure.disclosure_requests.models import (
    OPEN_STATUSES,
    REPLY_REASONS,
    ApplicantType,
    DisclosureRequest,
    ReplyReason,
    ReplyType,
)
from disclosure.feedback.models import EvaluationActivity, Opinion, Survey
from disclosure.feedback.selectors import survey_results
from disclosure.items.models import DisclosureItem, Publication

# The item–entry link table: counting through it keeps the figures in the database.
ItemEntry = DisclosureItem.entries.through

COUNTED, ENTERED, MIXED = "counted", "entered", "mixed"
SOURCE_LABELS = {COUNTED: "系统统计", ENTERED: "人工录入", MIXED: "部分录入"}
LINKS_PER_ENTRY = 20

# What one "item" is called on each kind of channel, in the report's sentences.
UNIT_BY_KIND = {
    Channel.Kind.WECHAT: "篇推文",
    Channel.Kind.DOUYIN: "个视频",
    Channel.Kind.TOUTIAO: "篇文章",
    Channel.Kind.NEWSPAPER: "条篇目",
}
DOCUMENT_KINDS = [k for k in DisclosureItem.DocumentKind if k]
METRIC_ORDER = {m.value: i for i, m in enumerate(ChannelMetric.Metric)}


def figure(value: int, source: str, note: str = "", wording: str = "") -> dict[str, Any]:
    """One figure and where it comes from; `wording` is the office's own way to write it (5000余条)."""
    fig = {"value": int(value), "source": source, "note": note}
    if wording:
        fig["wording"] = wording
    return fig


# The names and definitions of the report's figures: printed once in the report (统计口径), so that
# a reader can tell the portal's own items from what each channel published.
PORTAL_ITEMS = "本平台公开事项"
CHANNEL_ITEMS = "渠道发布条数"
TOTAL_ITEMS = "对外公布信息总数"
DEFINITIONS = [
    (TOTAL_ITEMS, "学校各渠道本学年对外公布信息的总条数：各渠道发布条数之和；系统数据不全的学年由信息公开办公室录入*。"),
    (PORTAL_ITEMS, "在本平台登记、经保密审查后于本学年发布且至今仍公开的公开事项条数，由系统统计；"
                   "一个事项在几个渠道发布只计一次，按月份、清单类别和部门的分布同此口径。"),
    (CHANNEL_ITEMS, "某一渠道（栏目）本学年的发布条数：由本平台的发布记录统计，或由信息公开办公室录入*；"
                    "“信息公开网”一行是该渠道的发布条数，不同于本平台公开事项。"),
    ("清单事项公开情况", "第七部分附表逐项列出：按本平台发布记录统计，或由信息公开办公室录入*（系统上线前的学年）。"),
]


def _bounds_aware(year: int) -> tuple[dt.datetime, dt.datetime]:
    start, end = academic_year_bounds(year)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def items_published_in(year: int):
    """Public items published in the academic year: the base of every item figure."""
    since, until = _bounds_aware(year)
    return DisclosureItem.objects.public().filter(published_at__gte=since, published_at__lt=until)


def months_of(year: int) -> list[str]:
    return [f"{year + (m < 9)}-{m:02d}" for m in (*range(9, 13), *range(1, 9))]


# --- part two: channels -------------------------------------------------------------------------

def channel_figures(year: int) -> list[dict[str, Any]]:
    """Per channel: items (per section), and the office's entered metrics."""
    start, end = academic_year_bounds(year)
    counted = Counter()
    rows = (
        Publication.objects.filter(
            published_on__gte=start, published_on__lte=end,
            item__in=DisclosureItem.objects.public().values("pk"),
        )
        .values("channel_id", "section_id")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counted[(row["channel_id"], row["section_id"])] = row["n"]
    metrics = list(ChannelMetric.objects.filter(year=year).select_related("section"))
    entered_items = {
        (m.channel_id, m.section_id): m for m in metrics if m.metric == ChannelMetric.Metric.ITEMS
    }
    other_metrics = defaultdict(list)
    for m in metrics:
        if m.metric != ChannelMetric.Metric.ITEMS:
            other_metrics[m.channel_id].append(m)

    channels = Channel.objects.prefetch_related("sections").order_by("sort_order", "name")
    result = []
    for channel in channels:
        has_data = any(cid == channel.pk for cid, _ in counted) or any(
            cid == channel.pk for cid, _ in entered_items) or other_metrics.get(channel.pk)
        if not channel.active and not has_data:
            continue
        sections, sources, total = [], set(), 0
        for section in channel.sections.all():
            metric = entered_items.get((channel.pk, section.pk))
            if metric is not None:
                fig = figure(metric.value, ENTERED, metric.note)
            else:
                fig = figure(counted[(channel.pk, section.pk)], COUNTED)
            sections.append({"section": section.name, "items": fig})
            sources.add(fig["source"])
            total += fig["value"]
        unsectioned = counted[(channel.pk, None)]
        if unsectioned or not sections:
            sources.add(COUNTED)
            total += unsectioned
        metric = entered_items.get((channel.pk, None))
        if metric is not None:
            items = figure(metric.value, ENTERED, metric.note)
        else:
            source = next(iter(sources)) if len(sources) == 1 else MIXED
            items = figure(total, source)
        result.append({
            "channel": channel.name,
            "kind": channel.kind,
            "url": channel.url,
            "unit": UNIT_BY_KIND.get(channel.kind, "条信息"),
            "items": items,
            "total_entered": metric is not None,
            "sections": sections,
            "metrics": [
                {
                    "metric": m.metric,
                    "label": m.get_metric_display(),
                    "section": m.section.name if m.section else "",
                    **figure(m.value, ENTERED, m.note),
                }
                for m in sorted(other_metrics.get(channel.pk, []),
                                key=lambda m: (METRIC_ORDER[m.metric], m.section is not None,
                                               m.section.sort_order if m.section else 0))
            ],
        })
    return result


def metric_value(channels: list[dict], channel: str, metric: str, section: str = "") -> int | None:
    """Look a figure up in computed (or frozen) channel figures, by names."""
    for row in channels:
        if row["channel"] != channel:
            continue
        if metric == ChannelMetric.Metric.ITEMS:
            if not section:
                return row["items"]["value"]
            for s in row["sections"]:
                if s["section"] == section:
                    return s["items"]["value"]
            return None
        for m in row["metrics"]:
            if m["metric"] == metric and m["section"] == section:
                return m["value"]
    return None


# --- part two: the portal's own items -----------------------------------------------------------

def item_figures(year: int) -> dict[str, Any]:
    """Items published on the portal in the year, per month, per category and per department."""
    items = items_published_in(year).order_by()
    months = months_of(year)
    # One pass over the year's items: per local month and department, summed below.
    by_month, by_department = Counter(), Counter()
    for month, department, n in (
        items.annotate(month=TruncMonth("published_at", tzinfo=timezone.get_current_timezone()))
        .values_list("month", "department__name")
        .annotate(n=Count("id"))
    ):
        by_month[f"{month:%Y-%m}"] += n
        by_department[department] += n
    # An item in two entries of one category counts once for that category.
    by_category = dict(
        items.filter(entries__isnull=False)
        .values_list("entries__category")
        .annotate(n=Count("id", distinct=True))
    )
    categories = ChecklistCategory.objects.order_by("number")
    return {
        "total": figure(by_month.total(), COUNTED),
        "by_month": [{"label": m, "value": by_month[m]} for m in months],
        "by_category": [
            {"label": f"{c.number}. {c.name}", "value": by_category.get(c.pk, 0)} for c in categories
        ],
        "by_department": [
            {"label": name, "value": n}
            for name, n in sorted(by_department.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def document_figures(year: int) -> list[dict[str, Any]]:
    """Documents issued per kind: the office's count when entered, else counted from items."""
    start, end = academic_year_bounds(year)
    counted = dict(
        DisclosureItem.objects.filter(
            document_kind__in=DOCUMENT_KINDS, produced_on__gte=start, produced_on__lte=end
        ).values_list("document_kind").annotate(n=Count("id"))
    )
    entered = {d.kind: d for d in DocumentCount.objects.filter(year=year)}
    rows = []
    for kind in DOCUMENT_KINDS:
        if kind in entered:
            fig = figure(entered[kind].value, ENTERED, entered[kind].note)
        else:
            fig = figure(counted.get(kind, 0), COUNTED)
        rows.append({"kind": kind, "label": kind.label, "counted": counted.get(kind, 0), **fig})
    return rows


# --- part seven: the checklist table ------------------------------------------------------------

def checklist_figures(year: int) -> list[dict[str, Any]]:
    """The 50 rows: disclosed in the year or not, where (links), or why not applicable."""
    since, _ = _bounds_aware(year)
    start, end = academic_year_bounds(year)
    # Every query starts from the year's items and joins outwards, reading each item once.
    in_year = items_published_in(year).order_by().filter(entries__isnull=False)
    channels_of = defaultdict(set)
    for entry_id, channel in (
        in_year.filter(publications__published_on__gte=start, publications__published_on__lte=end)
        .values_list("entries", "publications__channel__name")
        .distinct()
    ):
        channels_of[entry_id].add(channel)
    # Only the first links of each entry are shown; the database picks them, not Python.
    first = list(
        in_year.annotate(
            rank=Window(RowNumber(), partition_by=F("entries"),
                        order_by=[F("published_at").asc(), F("id").asc()]),
            entry_total=Window(Count("id"), partition_by=F("entries")),
        )
        .filter(rank__lte=LINKS_PER_ENTRY)
        .values_list("entries", "rank", "id", "title", "published_at", "entry_total")
    )
    counts = {row[0]: row[5] for row in first}
    publications = defaultdict(list)
    for item_id, channel, url in (
        Publication.objects.filter(item__in={row[2] for row in first}, published_on__gte=start,
                                   published_on__lte=end)
        .values_list("item", "channel__name", "url")
    ):
        publications[item_id].append({"channel": channel, "url": url})
    shown = defaultdict(list)
    for entry_id, _rank, item_id, title, published_at, _total in sorted(first, key=lambda r: (r[0], r[1])):
        shown[entry_id].append({
            "title": title,
            "url": reverse("disclosure:item", kwargs={"pk": item_id}),
            "published_on": timezone.localtime(published_at).date().isoformat(),
            "publications": publications[item_id],
        })
    entries = list(ChecklistEntry.objects.select_related("category").order_by("number"))
    # "Disclosed in earlier years" matters only for the entries with nothing in this year.
    earlier = dict(
        ItemEntry.objects.filter(
            checklistentry__in=[e.pk for e in entries if e.pk not in counts],
            disclosureitem__in=DisclosureItem.objects.public().filter(published_at__lt=since).values("pk"),
        )
        .order_by()
        .values_list("checklistentry")
        .annotate(last=Max("disclosureitem__published_at"))
    )
    statements = {s.entry_id: s for s in ChecklistStatement.objects.filter(year=year)}
    rows = []
    for entry in entries:
        count = counts.get(entry.pk, 0)
        statement = statements.get(entry.pk)
        if statement is not None:
            rows.append(_entered_row(entry, statement, count))
            continue
        if count:
            status, label = "disclosed", "已公开"
        elif entry.pk in earlier:
            status = "earlier"
            label = f"往年已公开（最近一次 {timezone.localtime(earlier[entry.pk]):%Y-%m-%d}），本学年无变化"
        elif entry.not_applicable_note:
            status, label = "not_applicable", f"不适用：{entry.not_applicable_note}"
        else:
            status, label = "none", "本学年未公开"
        rows.append({
            "number": entry.number,
            "category": entry.category.name,
            "title": entry.title,
            "url": entry.get_absolute_url(),
            "status": status,
            "status_label": label,
            "count": figure(count, COUNTED),
            "channels": list(dict.fromkeys(["信息公开网", *sorted(channels_of[entry.pk])]))
            if count else [],
            "items": shown[entry.pk],
            "not_applicable_note": entry.not_applicable_note,
            "source": COUNTED,
            "note": "",
        })
    return rows


def _entered_row(entry, statement: ChecklistStatement, count: int) -> dict[str, Any]:
    """A checklist row as the office stated it; the portal's own count is kept beside it."""
    label = statement.get_status_display() + ENTERED_MARK
    if statement.note:
        label += f"（{statement.note}）"
    return {
        "number": entry.number,
        "category": entry.category.name,
        "title": entry.title,
        "url": entry.get_absolute_url(),
        "status": statement.status,
        "status_label": label,
        "count": figure(count, COUNTED),
        "channels": [],
        "items": [{"title": link["title"], "url": link["url"], "published_on": "", "publications": []}
                  for link in statement.link_list()],
        "not_applicable_note": entry.not_applicable_note,
        "source": ENTERED,
        "note": statement.note,
    }


# --- part three: requests ----------------------------------------------------------------------

REQUEST_COLUMNS = [(t.value, t.label) for t in ApplicantType]


def _closed_on(request: DisclosureRequest) -> dt.date | None:
    if request.answered_on:
        return request.answered_on
    if request.status in OPEN_STATUSES:
        return None
    # Closed without a reply date (withdrawn, lapsed): the closing step is its receipt's year at worst.
    return request.received_on


def request_figures(year: int) -> dict[str, Any]:
    """The request table in the national layout (国办公开办函〔2021〕30号), columns by applicant kind.

    New: received in the year. Carried over: received before and not closed when the year began.
    Handled: closed in the year, by reply type and reason. Carried forward: not closed at its end.
    """
    start, end = academic_year_bounds(year)
    requests = list(
        DisclosureRequest.objects.filter(received_on__lte=end)
        .exclude(answered_on__lt=start)
        .only("id", "applicant_type", "received_on", "answered_on", "status", "reply_type",
              "reply_reason", "due_on")
    )
    counts: dict[str, Counter] = defaultdict(Counter)
    late = 0
    for r in requests:
        closed_on = _closed_on(r)
        if closed_on is not None and closed_on < start:
            continue
        column = r.applicant_type
        counts["new" if r.received_on >= start else "carried_over"][column] += 1
        if closed_on is None or closed_on > end:
            counts["carried_forward"][column] += 1
            continue
        reply_type = r.reply_type or ReplyType.OTHER
        # A reply without a listed reason counts in its type's row only; the gap shows in the table.
        reason = r.reply_reason if r.reply_reason in REPLY_REASONS[reply_type] else ""
        counts[f"type:{reply_type}"][column] += 1
        if reason:
            counts[f"reason:{reply_type}:{reason}"][column] += 1
        counts["handled"][column] += 1
        if r.answered_on and r.due_on and r.answered_on > r.due_on:
            late += 1

    def row(key: str, label: str, level: int = 0) -> dict[str, Any]:
        cells = [counts[key][c] for c, _ in REQUEST_COLUMNS]
        return {"key": key, "label": label, "level": level, "cells": cells, "total": sum(cells)}

    rows = [row("new", "一、本年新收信息公开申请数量"), row("carried_over", "二、上年结转信息公开申请数量")]
    rows.append({"key": "results", "label": "三、本年度办理结果", "level": 0, "cells": None, "total": None})
    for reply_type in ReplyType:
        rows.append(row(f"type:{reply_type}", reply_type.label, 1))
        for reason in REPLY_REASONS[reply_type]:
            rows.append(row(f"reason:{reply_type}:{reason}", ReplyReason(reason).label, 2))
    rows.append(row("handled", "四、总计", 0))
    rows.append(row("carried_forward", "五、结转下年度继续办理", 0))
    by_key = {r["key"]: r for r in rows}
    inflow = [a + b for a, b in zip(by_key["new"]["cells"], by_key["carried_over"]["cells"], strict=True)]
    outflow = [a + b for a, b in zip(by_key["handled"]["cells"], by_key["carried_forward"]["cells"], strict=True)]
    return {
        "columns": [label for _, label in REQUEST_COLUMNS],
        "organisation_columns": len(REQUEST_COLUMNS) - 1,
        "rows": rows,
        "new": figure(by_key["new"]["total"], COUNTED),
        "handled": figure(by_key["handled"]["total"], COUNTED),
        "answered_late": figure(late, COUNTED),
        "outcomes": [
            {"label": t.label, "value": by_key[f"type:{t}"]["total"]} for t in ReplyType
        ],
        "balance": {
            "ok": inflow == outflow,
            "message": (
                f"依申请公开：本年新收 {by_key['new']['total']} + 上年结转 {by_key['carried_over']['total']}"
                f" = 办结 {by_key['handled']['total']} + 结转下年度 {by_key['carried_forward']['total']}"
            ),
        },
    }


def fee_figures(year: int) -> dict[str, Any]:
    """Fees of part three: charged (paid in the year, with the total in yuan) and waived (answered in it)."""
    from decimal import Decimal

    from disclosure.disclosure_requests.models import FeeStatus

    start, end = academic_year_bounds(year)
    charged = list(DisclosureRequest.objects.filter(
        fee_status=FeeStatus.CHARGED, fee_paid_on__gte=start, fee_paid_on__lte=end,
    ).values_list("fee_amount", flat=True))
    waived = DisclosureRequest.objects.filter(
        fee_status=FeeStatus.WAIVED, answered_on__gte=start, answered_on__lte=end).count()
    amount = sum(charged, Decimal("0"))
    return {"charged": figure(len(charged), COUNTED), "waived": figure(waived, COUNTED),
            "amount": f"{amount:.2f}"}


# --- part four: evaluation (the opinion box, the survey, meetings and visits) -------------------

def evaluation_figures(year: int) -> dict[str, Any]:
    """Opinions received in the year by kind, answered on time or late; the surveys that opened in
    the year with their responses and satisfaction rate; the office's entered meetings and visits.

    An opinion counts in the year of its `received_on`; on time means answered on or before its
    due date. A survey counts in the year it opened.
    """
    start, end = academic_year_bounds(year)
    opinions = list(
        Opinion.objects.filter(received_on__gte=start, received_on__lte=end)
        .values_list("kind", "status", "answered_on", "due_on", "published_at")
    )
    by_kind = Counter(kind for kind, *_ in opinions)
    answered = [(a, d) for _k, status, a, d, _p in opinions if status == Opinion.Status.ANSWERED]
    late = sum(1 for a, d in answered if d and a > d)
    open_now = len(opinions) - len(answered)
    surveys = []
    for survey in Survey.objects.filter(opens_on__gte=start, opens_on__lte=end).exclude(
            status=Survey.Status.DRAFT).order_by("opens_on", "id"):
        results = survey_results(survey, with_texts=False)
        surveys.append({
            "title": survey.title,
            "opens_on": survey.opens_on.isoformat(),
            "closes_on": survey.closes_on.isoformat(),
            "responses": figure(results.responses, COUNTED),
            # Per mille, so that the frozen figures stay integers like every other figure.
            "satisfaction_permille": (None if results.satisfaction is None
                                      else round(results.satisfaction * 10)),
        })
        surveys[-1]["satisfaction_label"] = satisfaction_text(surveys[-1]["satisfaction_permille"])
    activities = Counter()
    participants = Counter()
    for kind, people in EvaluationActivity.objects.filter(held_on__gte=start, held_on__lte=end) \
            .values_list("kind", "participants"):
        activities[kind] += 1
        participants[kind] += people or 0
    return {
        "opinions": {
            "total": figure(len(opinions), COUNTED),
            "by_kind": [{"kind": k.value, "label": k.label, **figure(by_kind[k], COUNTED)}
                        for k in Opinion.Kind],
            "answered": figure(len(answered), COUNTED),
            "on_time": figure(len(answered) - late, COUNTED),
            "late": figure(late, COUNTED),
            "open": figure(open_now, COUNTED),
            "published": figure(sum(1 for *_r, p in opinions if p), COUNTED),
        },
        "surveys": surveys,
        "activities": [
            {"kind": k.value, "label": k.label, **figure(activities[k], ENTERED),
             "participants": participants[k]}
            for k in EvaluationActivity.Kind
        ],
    }


def has_evaluation_data(evaluation: dict[str, Any] | None) -> bool:
    if not evaluation:
        return False
    return bool(evaluation["opinions"]["total"]["value"] or evaluation["surveys"]
                or any(a["value"] for a in evaluation["activities"]))


def satisfaction_text(permille: int | None) -> str:
    return "—" if permille is None else f"{permille / 10:g}%"


def evaluation_sentences(label: str, evaluation: dict[str, Any]) -> list[str]:
    """Part four's sentences from the figures; empty when the year has no such data (the seed year)."""
    if not has_evaluation_data(evaluation):
        return []
    lines = []
    ops = evaluation["opinions"]
    if ops["total"]["value"]:
        kinds = "、".join(f"{k['label']}{k['value']}件" for k in ops["by_kind"] if k["value"])
        text = (f"（一）意见箱。{label}，学校信息公开网意见箱收到来信{fmt(ops['total'], '件')}（{kinds}），"
                f"已答复{fmt(ops['answered'], '件')}，其中按期答复{fmt(ops['on_time'], '件')}、"
                f"超过答复期限的{fmt(ops['late'], '件')}")
        if ops["open"]["value"]:
            text += f"，正在办理{fmt(ops['open'], '件')}"
        if ops["published"]["value"]:
            text += f"；经整理后公开选登{fmt(ops['published'], '件')}"
        lines.append(text + "。")
    else:
        lines.append(f"（一）意见箱。{label}，学校信息公开网意见箱未收到来信。")
    if evaluation["surveys"]:
        parts = []
        for survey in evaluation["surveys"]:
            text = f"“{survey['title']}”收到有效问卷{fmt(survey['responses'], '份')}"
            if survey["satisfaction_permille"] is not None:
                text += f"，满意度（“满意”和“非常满意”的比例）为{satisfaction_text(survey['satisfaction_permille'])}"
            parts.append(text)
        lines.append("（二）网络调查。学校开展信息公开工作满意度网络调查，" + "；".join(parts) + "。")
    held = [a for a in evaluation["activities"] if a["value"]]
    if held:
        lines.append("（三）座谈与调研。学校" + "，".join(
            f"开展{a['label']}{fmt(a, '次')}" + (f"（参加{a['participants']}人次）" if a["participants"] else "")
            for a in held) + "，听取师生和社会公众对信息公开工作的意见建议。")
    return lines


# --- part five: complaints ----------------------------------------------------------------------

def complaint_figures(year: int) -> list[dict[str, Any]]:
    start, end = academic_year_bounds(year)
    counts = Counter(
        Complaint.objects.filter(received_on__gte=start, received_on__lte=end)
        .values_list("kind", "outcome")
    )
    return [
        {
            "kind": kind,
            "label": kind.label,
            "total": figure(sum(n for (k, _), n in counts.items() if k == kind), COUNTED),
            "outcomes": [
                {"outcome": o, "label": o.label, **figure(counts[(kind, o)], COUNTED)}
                for o in Complaint.Outcome
            ],
        }
        for kind in Complaint.Kind
    ]


# --- the whole report ---------------------------------------------------------------------------

def total_figure(channels: list[dict[str, Any]], report: AnnualReport | None) -> dict[str, Any]:
    """Part two's total: the office's entered total (with its wording) if any, else the channels' sum."""
    channel_total = sum(c["items"]["value"] for c in channels)
    if report is not None and report.total_items_entered is not None:
        return figure(report.total_items_entered, ENTERED, wording=report.total_items_wording)
    sources = {c["items"]["source"] for c in channels if c["items"]["value"]}
    return figure(channel_total, next(iter(sources)) if len(sources) == 1 else MIXED if sources else COUNTED)


def compute_figures(year: int, *, report: AnnualReport | None = None) -> dict[str, Any]:
    """Every figure of the report for the academic year starting in September of `year`.

    `report` (default: the year's report, if any) gives what the office entered on the report itself.
    """
    if report is None:
        report = AnnualReport.objects.filter(year=year).first()
    start, end = academic_year_bounds(year)
    channels = channel_figures(year)
    requests = request_figures(year)
    figures = {
        "year": year,
        "label": academic_year_label(year),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "university": report.university_label if report is not None else "",
        "definitions": [{"name": n, "text": t} for n, t in DEFINITIONS],
        "total_items": total_figure(channels, report),
        "channel_total": sum(c["items"]["value"] for c in channels),
        "channels": channels,
        "portal": item_figures(year),
        "documents": document_figures(year),
        "requests": requests,
        "evaluation": evaluation_figures(year),
        "complaints": complaint_figures(year),
        "checklist": checklist_figures(year),
        "fees": fee_figures(year),
        "checks_note": report.checks_note.strip() if report is not None else "",
    }
    figures["checks"] = consistency_checks(figures, report)
    return figures


def consistency_checks(figures: dict[str, Any], report: AnnualReport | None = None) -> list[dict[str, Any]]:
    """Sums that must agree; a disagreement is shown to the office, never silently fixed."""
    checks = []
    total = figures["total_items"]
    if total["source"] == ENTERED:
        checks.append({
            "ok": total["value"] >= figures["channel_total"],
            "message": f"录入的对外公布信息总数 {total['value']} 条，各渠道发布条数合计 {figures['channel_total']} 条",
        })
    if report is not None and report.preface.strip():
        # The preface is free text: it must at least name the university that signs the report.
        checks.append({
            "ok": report.university_label in report.preface,
            "message": f"前言应写明署名单位“{report.university_label}”",
        })
    for channel in figures["channels"]:
        if channel["total_entered"] and channel["sections"]:
            parts = sum(s["items"]["value"] for s in channel["sections"])
            checks.append({
                "ok": parts <= channel["items"]["value"],
                "message": f"{channel['channel']}：各栏目合计 {parts} 条，总数 {channel['items']['value']} 条",
            })
        meetings = [m for m in channel["metrics"] if m["metric"] == ChannelMetric.Metric.MEETINGS]
        total = [m["value"] for m in meetings if not m["section"]]
        parts = [m["value"] for m in meetings if m["section"]]
        if total and parts:
            checks.append({
                "ok": sum(parts) == total[0],
                "message": f"{channel['channel']}：各类会议合计 {sum(parts)} 次，总数 {total[0]} 次",
            })
    balance = figures["requests"].get("balance")
    if balance:
        checks.append(balance)
    return checks


# --- words: the sentences both the web page and the .docx print ---------------------------------

ENTERED_MARK = "*"
SOURCE_LEGEND = "数字后带“*”的由信息公开办公室录入（或含录入部分），其余由系统根据公开记录统计。"
CN_NUMBERS = "一二三四五六七八九十"


def number(value: int) -> str:
    """133万 rather than 1330000, as reports write large round figures."""
    if value >= 100000 and value % 100 == 0:
        return f"{value / 10000:g}万"
    return str(value)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def fmt(fig: dict[str, Any], unit: str = "") -> str:
    mark = ENTERED_MARK if fig["source"] in (ENTERED, MIXED) else ""
    note = f"（{fig['note']}）" if fig.get("note") else ""
    if fig.get("wording"):
        return f"{fig['wording']}{mark}{note}"
    return f"{number(fig['value'])}{unit}{mark}{note}"


METRIC_UNITS = {
    ChannelMetric.Metric.PUBLISHING_DAYS: "天",
    ChannelMetric.Metric.READS: "次",
    ChannelMetric.Metric.FOLLOWERS: "人",
    ChannelMetric.Metric.FOLLOWER_GROWTH: "人",
    ChannelMetric.Metric.LIKES: "个",
    ChannelMetric.Metric.HITS_100K: "个",
    ChannelMetric.Metric.HITS_50K: "个",
    ChannelMetric.Metric.SITES: "个",
    ChannelMetric.Metric.ACCOUNTS: "个",
    ChannelMetric.Metric.MEETINGS: "次",
    ChannelMetric.Metric.ISSUES: "期",
}


def channel_sentence(channel: dict[str, Any]) -> str | None:
    """One channel's figures in a sentence; None when the channel has nothing to report."""
    unit = channel["unit"]
    parts = []
    if channel["items"]["value"] or channel["items"]["source"] != COUNTED:
        # "条信息" reads "发布信息共N条": the first character is the measure word.
        text = f"发布{unit[1:]}共{fmt(channel['items'], unit[0])}"
        sections = [s for s in channel["sections"] if s["items"]["value"]]
        if sections:
            text += "，其中" + "、".join(f"{s['section']}{fmt(s['items'], unit[0])}" for s in sections)
        parts.append(text)
    grouped = defaultdict(list)
    for m in channel["metrics"]:
        grouped[m["metric"]].append(m)
    for key, rows in grouped.items():
        u = METRIC_UNITS.get(key, "")
        total = [m for m in rows if not m["section"]]
        split = [m for m in rows if m["section"]]
        label = total[0]["label"] if total else rows[0]["label"]
        text = f"{label}{fmt(total[0], u)}" if total else f"{label}"
        if split:
            text += ("，其中" if total else "：") + "、".join(
                f"{m['section']}{fmt(m, u)}" for m in split)
        parts.append(text)
    if not parts:
        return None
    # "本渠道" keeps a channel's figure apart from the portal's own items (the channel 信息公开网 above all).
    return f"{channel['channel']}：本渠道" + "；".join(parts) + "。"


def front_notes(figures: dict[str, Any]) -> list[str]:
    """What precedes part one: the definitions of the figures and the office's note on failed checks."""
    notes = [SOURCE_LEGEND]
    notes += [f"{d['name']}：{d['text']}" for d in figures.get("definitions", [])]
    failed = [c["message"] for c in figures.get("checks", []) if not c["ok"]]
    if failed and figures.get("checks_note"):
        notes.append(f"数据核对说明：{'；'.join(failed)}。{figures['checks_note']}")
    return notes


def proactive_paragraphs(report, figures: dict[str, Any]) -> list[str]:
    """Part two: the total, the portal's own items, the checklist, each channel, documents issued."""
    label = figures["label"]
    start, end = (dt.date.fromisoformat(d) for d in (figures["period"]["start"], figures["period"]["end"]))
    portal = figures["portal"]
    checklist = figures["checklist"]
    disclosed = sum(1 for r in checklist if r["status"] == "disclosed")
    earlier = sum(1 for r in checklist if r["status"] == "earlier")
    not_applicable = sum(1 for r in checklist if r["status"] == "not_applicable")
    missing = [r["number"] for r in checklist if r["status"] == "none"]

    total = figures["total_items"]
    channel_total = figures.get("channel_total", total["value"])
    entered_rows = [r for r in checklist if r.get("source") == ENTERED]
    mark = ENTERED_MARK if entered_rows else ""
    quantity = (
        f"（一）主动公开信息的数量。{cn_date(start)}至{cn_date(end)}，学校通过学校网站、信息公开专栏、新媒体平台、"
        f"校报校刊等载体对外公布信息共{fmt(total, '条')}"
    )
    if total["source"] == ENTERED and channel_total:
        quantity += f"（下文各渠道分别报告的{CHANNEL_ITEMS}合计{channel_total}条）"
    quantity += f"。{PORTAL_ITEMS}{fmt(portal['total'], '条')}"
    quantity += "，按月份、清单类别和部门的分布见下图。" if portal["total"]["value"] else "。"
    proactive = [
        quantity,
        f"（二）落实《清单》情况。对照《高等学校信息公开事项清单》50项逐项梳理：本学年有公开信息的"
        f"{disclosed}项{mark}，往年已公开且本学年无变化的{earlier}项{mark}，不适用的{not_applicable}项{mark}"
        + (f"，本学年未公开的{len(missing)}项{mark}（第{'、'.join(map(str, missing))}项）" if missing else "")
        + "。逐项说明详见文末附表"
        + ("（标“*”的由信息公开办公室录入）" if entered_rows else "") + "。",
        "（三）主动公开信息的形式。",
    ]
    sentences = [s for s in (channel_sentence(c) for c in figures["channels"]) if s]
    proactive += [f"{i}.{s}" for i, s in enumerate(sentences, start=1)]
    docs = "，".join(f"{d['label']}{fmt(d, '份' if 'document' in d['kind'] else '期')}"
                     for d in figures["documents"])
    proactive.append(f"{len(sentences) + 1}.{label}，学校{docs}。")
    if report.proactive_notes:
        proactive += report.proactive_notes.splitlines()
    return proactive


def request_paragraphs(report, figures: dict[str, Any]) -> list[str]:
    """Part three: requests received and handled, answers late, fees."""
    label = figures["label"]
    req = figures["requests"]
    if req["new"]["value"] or req["handled"]["value"]:
        outcomes = "、".join(f"{o['label']}{o['value']}件" for o in req["outcomes"] if o["value"])
        requests = [
            f"{label}，学校收到信息公开申请{fmt(req['new'], '件')}，办结{fmt(req['handled'], '件')}"
            + (f"（{outcomes}）" if outcomes else "")
            + f"，其中超过答复期限的{fmt(req['answered_late'], '件')}。具体情况见下表。"
        ]
    else:
        requests = [f"{label}，学校未收到信息公开申请。"]
    fees = figures.get("fees")  # absent from reports frozen before fees were counted
    if fees is not None:
        if fees["charged"]["value"]:
            requests.append(f"本学年收取信息处理费用{fmt(fees['charged'], '件')}，共计{fees['amount']}元"
                            + (f"，减免{fmt(fees['waived'], '件')}" if fees["waived"]["value"] else "") + "。")
        elif fees["waived"]["value"]:
            requests.append(f"本学年未收取信息处理费用，减免{fmt(fees['waived'], '件')}。")
        else:
            requests.append("本学年未收取信息处理费用。")
    if report.requests_notes:
        requests += report.requests_notes.splitlines()
    return requests


def complaint_paragraphs(report, figures: dict[str, Any]) -> list[str]:
    """Part five: complaints, administrative reviews and lawsuits, with their outcomes."""
    label = figures["label"]
    complaints = figures["complaints"]
    if any(c["total"]["value"] for c in complaints):
        complaint_lines = [
            f"{label}，学校因信息公开工作受到"
            + "、".join(f"{c['label']}{fmt(c['total'], '件')}" for c in complaints) + "。"
        ]
        for c in complaints:
            done = [f"{o['label']}{o['value']}件" for o in c["outcomes"] if o["value"]]
            if done:
                complaint_lines.append(f"{c['label']}：" + "、".join(done) + "。")
    else:
        complaint_lines = [f"{label}，学校未产生因信息公开工作受到举报、复议、诉讼的情况。"]
    if report.complaints_notes:
        complaint_lines += report.complaints_notes.splitlines()
    return complaint_lines


def report_parts(report, figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The seven parts in the order of the seed report, each with its paragraphs (one function per
    generated part above)."""
    parts = [
        ("overview", "工作概述", report.overview.splitlines()),
        ("proactive", "主动公开情况", proactive_paragraphs(report, figures)),
        ("requests", "依申请公开和不予公开情况", request_paragraphs(report, figures)),
        # Reports frozen before the opinion box existed have no evaluation figures: their text stays.
        ("evaluation", "对信息公开的评议情况",
         evaluation_sentences(figures["label"], figures.get("evaluation")) + report.evaluation.splitlines()),
        ("complaints", "因学校信息公开工作受到举报、复议、诉讼的情况", complaint_paragraphs(report, figures)),
        ("problems", "存在问题及改进措施",
         report.problems.splitlines() + report.measures.splitlines()),
    ]
    if report.other_matters:
        parts.append(("other", "其他需要报告的事项", report.other_matters.splitlines()))
    parts.append(("checklist", "清单事项公开情况表", [f"{figures['label']}清单事项公开情况表"]))
    return [
        {"key": key, "heading": f"{CN_NUMBERS[i]}、{title}",
         "paragraphs": [p for p in paragraphs if p.strip()]}
        for i, (key, title, paragraphs) in enumerate(parts)
    ]


# --- the office's compliance view: what the "problems" part should speak of ---------------------

def compliance(year: int, *, today: dt.date | None = None) -> dict[str, Any]:
    """Entries with nothing disclosed in the year, departments late or overdue, requests answered late."""
    today = today or timezone.localdate()
    start, end = academic_year_bounds(year)
    since, until = _bounds_aware(year)
    entries = [r for r in checklist_figures(year) if r["status"] in ("none", "earlier")]

    overdue = Counter()
    for waiting in (DisclosureItem.objects.awaiting_publication().filter(publish_due__lt=today),
                    DisclosureItem.objects.awaiting_update().filter(update_due__lt=today)):
        overdue.update(dict(
            waiting.order_by().values_list("department__name").annotate(n=Count("id"))
        ))
    # Late: made public on a local date after its publication deadline.
    late = Counter(dict(
        DisclosureItem.objects.filter(published_at__gte=since, published_at__lt=until,
                                      publish_due__isnull=False)
        .annotate(published_on=TruncDate("published_at", tzinfo=timezone.get_current_timezone()))
        .filter(published_on__gt=F("publish_due"))
        .order_by()
        .values_list("department__name")
        .annotate(n=Count("id"))
    ))
    departments = [
        {"department": name, "overdue_now": overdue[name], "published_late": late[name]}
        for name in sorted(set(overdue) | set(late), key=lambda n: (-overdue[n] - late[n], n))
    ]
    late_requests = [
        {"tracking_number": r.tracking_number, "received_on": r.received_on, "due_on": r.due_on,
         "answered_on": r.answered_on, "status": r.get_status_display(), "pk": r.pk}
        for r in DisclosureRequest.objects.filter(due_on__isnull=False)
        .filter(received_on__lte=end)
        .only("tracking_number", "received_on", "due_on", "answered_on", "status")
        .order_by("received_on")
        if (r.answered_on and start <= r.answered_on <= end and r.answered_on > r.due_on)
        or (r.answered_on is None and r.status in OPEN_STATUSES and r.due_on < min(today, end))
    ]
    from disclosure.annual_reports.selectors import get_report_deadline

    return {"entries": entries, "departments": departments, "late_requests": late_requests,
            "report_deadline": get_report_deadline(year, today=today)}


# --- tables and charts: one list, numbered once, for the web page, the PDF and the .docx ----------

def _bars(rows: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The rows of a chart, or None when there is nothing to draw (an empty chart says nothing)."""
    return rows if any(r["value"] for r in rows) else None


def exhibits(figures: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Per part, the tables and charts that follow its text, captioned 表1… and 图1… without gaps."""
    portal = figures["portal"]
    channel_rows = [{"label": c["channel"], "value": c["items"]["value"]}
                    for c in figures["channels"] if c["items"]["value"]]
    # Reports frozen before the opinion box existed, or years without such data, show no part-four tables.
    evaluation = figures.get("evaluation")
    evaluation_shown = has_evaluation_data(evaluation)
    planned = {
        "proactive": [
            ("chart", "portal_by_month", f"{PORTAL_ITEMS}按月份统计", _bars(portal["by_month"])),
            ("chart", "portal_by_category", f"{PORTAL_ITEMS}按清单类别统计", _bars(portal["by_category"])),
            ("chart", "portal_by_department", f"{PORTAL_ITEMS}按部门统计", _bars(portal["by_department"][:15])),
            ("chart", "channel_items", f"{CHANNEL_ITEMS}（按渠道）", _bars(channel_rows)),
            ("table", "channels", f"{CHANNEL_ITEMS}及其他渠道数据", True),
            ("table", "documents", "发文数量", True),
        ],
        "requests": [
            ("table", "requests", "依申请公开情况", True),
            ("chart", "request_outcomes", "依申请公开办理结果", _bars(figures["requests"]["outcomes"])),
        ],
        "evaluation": [
            ("table", "evaluation_opinions", "意见箱来信情况", evaluation_shown),
            ("table", "evaluation_surveys", "网络调查", evaluation_shown and bool(evaluation["surveys"])),
            ("table", "evaluation_activities", "座谈与调研", evaluation_shown),
        ],
        "complaints": [("table", "complaints", "因信息公开工作受到举报、复议、诉讼情况", True)],
        "checklist": [("table", "checklist",
                       f"{figures['label']}{figures.get('university', '')}清单事项公开情况表", True)],
    }
    numbers = {"table": 0, "chart": 0}
    result: dict[str, list[dict[str, Any]]] = {}
    for part, rows in planned.items():
        result[part] = []
        for kind, key, title, data in rows:
            if not data:
                continue
            numbers[kind] += 1
            prefix = "表" if kind == "table" else "图"
            result[part].append({
                "kind": kind, "key": key, "number": numbers[kind],
                "caption": f"{prefix}{numbers[kind]} {title}",
                "rows": data if kind == "chart" else None,
            })
    return result
