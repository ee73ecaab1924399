"""Reads with meaning: the published opinions, a survey's results and its Excel export."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from disclosure.core.charts import chart_bars
from disclosure.feedback.models import (
    RATING_LABELS,
    RATING_SCALE,
    SATISFIED_FROM,
    Answer,
    Opinion,
    Question,
    Survey,
)


def list_published_opinions() -> QuerySet[Opinion]:
    """Opinions the office chose to publish, newest first; only the public columns are read."""
    return (Opinion.objects.published()
            .only("number", "kind", "public_text", "answer", "received_on", "answered_on", "outcome",
                  "published_at")
            .order_by("-answered_on", "-id"))


def percent(part: int, whole: int) -> float:
    """A percentage to one decimal place; 0 of nothing is 0."""
    return round(100 * part / whole, 1) if whole else 0.0


@dataclass
class QuestionResult:
    question: Question
    answered: int
    rows: list[dict] = field(default_factory=list)  # label, value, percent
    average: float | None = None
    satisfaction: float | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def chart(self):
        return chart_bars(self.rows, label_width=120) if self.rows else None


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    questions: list[QuestionResult]

    @property
    def satisfaction(self) -> float | None:
        """The satisfaction rate of the survey's satisfaction question, if it has one."""
        for result in self.questions:
            if result.question.is_satisfaction:
                return result.satisfaction
        return None


def survey_results(survey: Survey, *, with_texts: bool = True) -> SurveyResults:
    """Counts and percentages per choice and rating, in a fixed number of queries."""
    questions = list(survey.questions.all())
    counts = Counter(
        (question_id, choice, rating)
        for question_id, choice, rating in Answer.objects.filter(response__survey=survey)
        .exclude(choice="", rating__isnull=True).values_list("question_id", "choice", "rating")
    )
    texts: dict[int, list[str]] = {}
    if with_texts:
        for question_id, text in (Answer.objects.filter(response__survey=survey).exclude(text="")
                                  .order_by("response__submitted_at", "id")
                                  .values_list("question_id", "text")):
            texts.setdefault(question_id, []).append(text)
    text_counts = Counter(
        Answer.objects.filter(response__survey=survey).exclude(text="").values_list("question_id", flat=True)
    )
    results = []
    for question in questions:
        mine = {(c, r): n for (q, c, r), n in counts.items() if q == question.pk}
        if question.kind == Question.Kind.SINGLE_CHOICE:
            answered = sum(mine.values())
            rows = [{"label": label, "value": mine.get((label, None), 0)} for label in question.choice_list]
            # A choice renamed or removed before opening cannot be answered; nothing is lost.
            result = QuestionResult(question, answered, rows)
        elif question.kind == Question.Kind.RATING:
            by_rating = Counter()
            for (_choice, rating), n in mine.items():
                by_rating[rating] += n
            answered = by_rating.total()
            rows = [{"label": f"{r} 分（{RATING_LABELS[r]}）", "value": by_rating[r]}
                    for r in range(RATING_SCALE, 0, -1)]
            average = round(sum(r * n for r, n in by_rating.items()) / answered, 2) if answered else None
            satisfied = sum(n for r, n in by_rating.items() if r >= SATISFIED_FROM)
            result = QuestionResult(question, answered, rows, average, percent(satisfied, answered))
        else:
            result = QuestionResult(question, text_counts[question.pk], texts=texts.get(question.pk, []))
        for row in result.rows:
            row["percent"] = percent(row["value"], result.answered)
        results.append(result)
    return SurveyResults(survey, survey.responses.count(), results)


def survey_workbook(survey: Survey) -> bytes:
    """The results as an Excel workbook: a summary sheet and one row per answer sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    results = survey_results(survey)
    book = Workbook()
    summary = book.active
    summary.title = "统计"
    summary.append([survey.title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["调查时间", f"{survey.opens_on:%Y-%m-%d} 至 {survey.closes_on:%Y-%m-%d}"])
    summary.append(["有效答卷", results.responses])
    if results.satisfaction is not None:
        summary.append(["满意度（%）", results.satisfaction])
    for result in results.questions:
        summary.append([])
        summary.append([str(result.question), result.question.get_kind_display(), "作答人数",
                        result.answered])
        summary.cell(summary.max_row, 1).font = Font(bold=True)
        if result.rows:
            summary.append(["选项", "人数", "比例（%）"])
            for row in result.rows:
                summary.append([row["label"], row["value"], row["percent"]])
        if result.average is not None:
            summary.append(["平均分", result.average])
        for text in result.texts:
            summary.append([_cell_text(text)])
    summary.column_dimensions["A"].width = 48

    sheets = book.create_sheet("答卷")
    questions = [r.question for r in results.questions]
    sheets.append(["序号", "提交时间", *[str(q) for q in questions]])
    answers: dict[int, dict[int, str]] = {}
    for response_id, question_id, choice, rating, text in (
        Answer.objects.filter(response__survey=survey)
        .values_list("response_id", "question_id", "choice", "rating", "text")
    ):
        answers.setdefault(response_id, {})[question_id] = choice or (str(rating) if rating else text)
    for n, (response_id, submitted_at) in enumerate(
        survey.responses.order_by("submitted_at", "id").values_list("id", "submitted_at"), start=1
    ):
        row = answers.get(response_id, {})
        sheets.append([n, timezone.localtime(submitted_at).replace(tzinfo=None),
                       *[_cell_text(row.get(q.pk, "")) for q in questions]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_text(value: str) -> str:
    # A cell starting with = + - @ would be read as a formula by a spreadsheet (CSV/formula injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
