"""Realistic disclosure data at scale, loaded into the benchmark's PostgreSQL database.

Titles and bodies are drawn from a vocabulary whose word frequencies follow Zipf's law (the
administrative words of a university first, then jieba's dictionary by frequency), so that a few
words are in most items and most words in few, as in real text. Items are written with COPY, which
bypasses `save()`: what `save()` would derive (sanitised body, segmented search text, deadlines) is
computed here, in batches by a pool of worker processes; the segmentation is memoised per run of
words (`Segmenter`) and checked against `search.segment` on every 50th item. During the load only
the search trigger runs (it fills `search_vector`); the other indexes are built once after it.

A row in `bench_dataset` records the scale, so the next run with the same scale reuses the data.

    python -m bench.generate --items 5000
    python -m bench.generate --items 10000 --database disclosure_bench_trial   # beside the main data
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import io
import itertools
import json
import multiprocessing
import os
import random
import re
import resource
import string
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_SCALE = {"items": 100_000, "departments": 40, "years": 10, "requests": 5_000}
BATCH = 1_000
SEED = 20261125

# The words of a university's administrative texts, most frequent first; jieba's dictionary follows.
DOMAIN_WORDS = """
学校 工作 管理 学生 教学 规定 通知 研究 建设 发展 教育 单位 部门 教师 学院 有关 实施 组织 开展 要求
项目 进行 制度 情况 年度 申请 负责 专业 计划 人员 经费 审核 招生 公开 办法 信息 会议 考核 培养 服务
落实 评审 财务 安全 科研 资产 采购 招标 预算 决算 校长 党委 书记 委员会 研究生 本科生 毕业生 就业 资助 奖学金
助学金 学费 收费 标准 结果 名单 公示 评选 推荐 职称 岗位 聘用 干部 任免 纪律 监督 审计 合同 实验室
图书馆 后勤 宿舍 食堂 校区 基建 工程 设备 国际 合作 交流 留学生 学位 论文 课程 考试 成绩 学籍 转专业 录取
章程 决定 意见 报告 总结 方案 细则 条例 程序 责任 机构 职责 领导 小组 办公室 处室 二级 教职工 代表大会 工会
""".split()

TITLE_FORMS = [
    "关于{a}{b}{c}的通知", "关于{a}{b}的公示", "{y}年{a}{b}工作报告", "{a}{b}管理办法", "关于{a}{b}{c}的决定",
    "{y}年度{a}{b}名单公示", "{a}{b}{c}实施细则", "关于做好{y}年{a}{b}工作的通知", "{a}{b}情况说明",
    "{y}年{a}{b}{c}结果公示", "关于印发《{a}{b}{c}规定》的通知", "{a}{b}工作方案",
]
DEPARTMENT_NAMES = [
    "党政办公室", "组织部", "宣传部", "纪委办公室", "统战部", "学生工作部", "研究生院", "教务处", "科学技术处",
    "人事处", "财务处", "审计处", "国有资产管理处", "招标采购中心", "国际合作与交流处", "基本建设处", "后勤管理处",
    "保卫处", "图书馆", "档案馆", "招生办公室", "就业指导中心", "网络信息中心", "发展规划处", "工会",
    "文学院", "理学院", "工学院", "医学院", "法学院", "经济管理学院", "外国语学院", "信息科学与工程学院",
    "马克思主义学院", "艺术学院", "体育学院", "教育学院", "化学化工学院", "生命科学学院", "继续教育学院",
]
ABBREVIATIONS = ["校发", "校党发", "校办发", "校字", "校人发", "校财发"]


_CHINESE = re.compile("[\u4e00-\u9fff]+")


def _vocabulary(size: int = 20_000) -> list[str]:
    import jieba

    from disclosure.items import search

    search.load_dictionary()
    # jieba's dictionary as loaded (its prefixes have frequency 0 and fall last).
    words = sorted(
        (
            (freq, word) for word, freq in jieba.dt.FREQ.items()
            if 2 <= len(word) <= 4 and _CHINESE.fullmatch(word)
        ),
        reverse=True,
    )
    seen = set(DOMAIN_WORDS)
    vocab = list(DOMAIN_WORDS)
    for _freq, word in words:
        if word not in seen:
            seen.add(word)
            vocab.append(word)
        if len(vocab) >= size:
            break
    return vocab


# What `segment()` treats as one chunk, and what jieba then cuts as one block.
_NOT_WORD = re.compile(r"[^\w\u3400-\u9fff]+", re.UNICODE)
_JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")


def _title_chunks(form: str) -> list[list[str]]:
    """A title form's chunks for `segment()`, fields as "{a}", literal text as it is."""
    chunks, current = [], []
    for literal, field, _spec, _conversion in string.Formatter().parse(form):
        for n, part in enumerate(_NOT_WORD.split(literal)):
            if n and current:
                chunks.append(current)
                current = []
            if part:
                current.append(part)
        if field:
            current.append("{" + field + "}")
    if current:
        chunks.append(current)
    return chunks


TITLE_CHUNKS = {form: _title_chunks(form) for form in TITLE_FORMS}


class TextMaker:
    """Zipf-distributed Chinese text: the word of rank r is drawn with weight 1 / r.

    Text comes with its chunks (the runs of word characters that `segment()` cuts, as lists of
    words), so that `Segmenter` can cut it word run by word run.
    """

    def __init__(self, rng: random.Random, vocab: list[str]):
        self.rng = rng
        self.vocab = vocab
        self.cum = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(vocab))))

    def word(self) -> str:
        return self.vocab[bisect.bisect(self.cum, self.rng.random() * self.cum[-1])]

    def sentence(self) -> tuple[list[str], list[str]]:
        """The words before and after the comma."""
        words = [self.word() for _ in range(self.rng.randint(5, 14))]
        cut = self.rng.randint(2, len(words) - 2)
        return words[:cut], words[cut:]

    def body(self) -> list[list[tuple[list[str], list[str]]]]:
        """Paragraphs of sentences."""
        return [
            [self.sentence() for _ in range(self.rng.randint(1, 3))]
            for _ in range(self.rng.randint(2, 5))
        ]

    def title(self, year: int) -> tuple[str, list[list[str]]]:
        form = self.rng.choice(TITLE_FORMS)
        values = {"{a}": self.word(), "{b}": self.word(), "{c}": self.word(), "{y}": str(year)}
        title = form.format(a=values["{a}"], b=values["{b}"], c=values["{c}"], y=year)
        return title, [[values.get(piece, piece) for piece in chunk] for chunk in TITLE_CHUNKS[form]]


def _sentence_text(sentence: tuple[list[str], list[str]]) -> str:
    return "".join(sentence[0]) + "，" + "".join(sentence[1]) + "。"


class Segmenter:
    """`disclosure.search.segment` of text given as chunks of words, memoised per run of words.

    jieba cuts a block by the most probable route through the dictionary words it contains, then
    hands runs of unknown single characters to its HMM. Where no dictionary word spans the border
    between two words, every route passes through that border, so the route on each side does not
    depend on the other side; where the routes on both sides also do not end and start with single
    characters, no HMM run spans it either. The text then cuts exactly as its runs cut alone, and
    runs repeat. Runs whose border is not clean are joined and cut together.
    """

    def __init__(self):
        import jieba

        from disclosure.items import search

        search.load_dictionary()
        self.jieba = jieba.dt
        self.freq = jieba.dt.FREQ
        self.longest = max(len(word) for word in self.freq)
        self.runs: dict[str, tuple[bool, bool, list[str]]] = {}
        self.blocks: dict[str, list[str]] = {}

    def segment(self, chunks: list[list[str]]) -> list[str]:
        """The search words of the chunks, as `segment()` yields them for the text."""
        words: list[str] = []
        for chunk in chunks:
            if len(chunk) > 1 and _JIEBA_BLOCK.fullmatch(text := "".join(chunk)):
                words += self._block(chunk, text)
            else:
                words += self.cut("".join(chunk))
        return words

    def learn(self, words: list[str]) -> None:
        """Cut each word alone once, before the workers fork and share the results."""
        for word in words:
            self._run(word)

    def cut(self, text: str) -> list[str]:
        """jieba's search words of one chunk, memoised."""
        found = self.blocks.get(text)
        if found is None:
            found = self.blocks[text] = [w for w in self.jieba.cut_for_search(text.lower()) if w.strip()]
        return found

    def _block(self, pieces: list[str], text: str) -> list[str]:
        freq, longest, size = self.freq, self.longest, len(text)
        runs, start, border = [], 0, 0
        for piece in pieces[:-1]:
            border += len(piece)
            spanned = False
            for k in range(max(start, border - longest), border):
                end = border + 1
                fragment = text[k:end]
                while fragment in freq:
                    if freq[fragment]:
                        spanned = True
                        break
                    end += 1
                    if end > size:
                        break
                    fragment = text[k:end]
                if spanned:
                    break
            if not spanned:
                runs.append(text[start:border])
                start = border
        runs.append(text[start:])
        words: list[str] = []
        joined, cut = runs[0], self._run(runs[0])
        for run in runs[1:]:
            following = self._run(run)
            if cut[1] and following[0]:
                joined += run
                cut = self._run(joined)
            else:
                words += cut[2]
                joined, cut = run, following
        return words + cut[2]

    def _run(self, text: str) -> tuple[bool, bool, list[str]]:
        """Whether the route starts and ends with a single character, and the search words."""
        found = self.runs.get(text)
        if found is None:
            dag = self.jieba.get_DAG(text)
            route: dict = {}
            self.jieba.calc(text, dag, route)
            x, last_single = 0, False
            while x < len(text):
                y = route[x][1] + 1
                last_single, x = y - x == 1, y
            words = [w for w in self.jieba.cut_for_search(text) if w.strip()]
            found = self.runs[text] = (route[0][1] == 0, last_single, words)
        return found


_WORKER: dict = {}
# Every this-many items, the memoised segmentation is checked against `search.segment` itself.
VERIFY_EVERY = 50


def _init_worker(context: dict) -> None:
    _WORKER.clear()
    _WORKER.update(context)


def make_batch(args: tuple[int, int, list[dt.date]]) -> tuple[int, Counter]:
    """Draw, segment and copy one batch of items with their links; count the words."""
    from django.db import connection, transaction
    from django.utils import timezone

    from disclosure.core.sanitize import html_to_text, sanitize_html
    from disclosure.items import search
    from disclosure.items.models import Attachment, DisclosureItem, ItemEvent, Publication

    batch_no, first_id, dates = args
    ctx = _WORKER
    segmenter: Segmenter = ctx["segmenter"]
    rng = random.Random(SEED + batch_no)
    text = TextMaker(rng, ctx["vocab"])
    tz = timezone.get_current_timezone()
    today = ctx["today"]
    recent = today - dt.timedelta(days=40)
    changed_before = today - dt.timedelta(days=60)
    Status, Attribute = DisclosureItem.Status, DisclosureItem.Attribute
    PUBLISHED, WITHDRAWN = Status.PUBLISHED.value, Status.WITHDRAWN.value
    office_id = ctx["office_id"]
    department_ids, department_cum = ctx["department_ids"], ctx["department_cum"]
    document_frequency: Counter = Counter()
    items = []
    for n, produced_on in enumerate(dates):
        title, title_chunks = text.title(produced_on.year)
        summary_sentence = text.sentence() if rng.random() < 0.4 else None
        summary = _sentence_text(summary_sentence) if summary_sentence else ""
        paragraphs = text.body()
        # Only <p> around plain text: the sanitiser keeps it as it is (checked below).
        body = "\n".join("<p>" + "".join(map(_sentence_text, p)) + "</p>" for p in paragraphs)
        number = ""
        if rng.random() < 0.3:
            number = f"{rng.choice(ABBREVIATIONS)}〔{produced_on.year}〕{rng.randint(1, 200)}号"
        # segment(" ".join([summary, html_to_text(body), number])): its chunks are the halves of
        # each sentence, then the document number's.
        body_words = []
        for sentence in ([summary_sentence] if summary_sentence else []) + [s for p in paragraphs for s in p]:
            body_words += segmenter.segment(sentence)
        for chunk in _NOT_WORD.split(number):
            if chunk:
                body_words += segmenter.cut(chunk)
        title_words = segmenter.segment(title_chunks)
        search_title, search_body = " ".join(title_words), " ".join(body_words)
        if n % VERIFY_EVERY == 0:
            plain = " ".join(filter(None, [summary, html_to_text(body), number]))
            assert sanitize_html(body) == body, body
            assert search_title == search.segment(title), title
            assert search_body == search.segment(plain), plain
        document_frequency.update(set(title_words).union(body_words))
        item = {
            "id": first_id + n, "title": title, "summary": summary, "body": body,
            "document_number": number, "produced_on": produced_on, "search_title": search_title,
            "search_body": search_body, "created_by_id": office_id,
            "department_id": department_ids[_pick(department_cum, rng.random())],
            "attribute": Attribute.PROACTIVE.value, "status": PUBLISHED,
            "created_at": dt.datetime.combine(produced_on, dt.time(8), tzinfo=tz),
            "published_at": None, "changed_on": None,
        }
        roll = rng.random()
        if produced_on >= recent and roll < 0.25:
            # Recent work in progress: the deadline board's publication clocks.
            item["status"] = (Status.DRAFT if roll < 0.12 else Status.IN_REVIEW).value
        elif roll < 0.02:
            item["attribute"], item["status"] = Attribute.ON_REQUEST.value, Status.DRAFT.value
        elif roll < 0.025:
            item["attribute"], item["status"] = Attribute.EXEMPT.value, Status.DRAFT.value
            item["exemption_reason"] = DisclosureItem.ExemptionReason.PERSONAL_PRIVACY.value
        elif roll < 0.045:
            item["status"] = WITHDRAWN
            item["withdrawn_reason"] = "信息有误，撤回修改。"
        if item["status"] in (PUBLISHED, WITHDRAWN):
            delay = rng.randint(0, 19)
            published_at = dt.datetime.combine(
                produced_on + dt.timedelta(days=delay), dt.time(9 + delay % 8, rng.randint(0, 59)),
                tzinfo=tz,
            )
            item["published_at"] = item["reviewed_at"] = published_at
            item["reviewed_by_id"] = office_id
            if produced_on < changed_before and rng.random() < 0.05:
                # Information that changed later: most updates are out, some still owed.
                item["changed_on"] = produced_on + dt.timedelta(days=30)
                if rng.random() < 0.8:
                    item["updated_at"] = published_at + dt.timedelta(days=40)
        item["publish_due"], item["update_due"], item["deadline_provisional"] = _deadlines(
            ctx["deadlines"], produced_on, item["changed_on"]
        )
        items.append(item)

    entry_ids, entry_cum, channel_ids = ctx["entry_ids"], ctx["entry_cum"], ctx["channel_ids"]
    links, attachments, publications, events = [], [], [], []
    for item in items:
        item_id = item["id"]
        picks = {entry_ids[_pick(entry_cum, rng.random())] for _ in range(rng.randint(1, 2))}
        links += [{"disclosureitem_id": item_id, "checklistentry_id": e} for e in picks]
        for k in range(rng.choice((0, 0, 0, 1, 1, 2))):
            attachments.append({
                "item_id": item_id, "title": f"附件{k + 1}", "sort_order": k,
                "file": f"attachments/{item['produced_on']:%Y/%m}/{rng.getrandbits(64):016x}.pdf",
                "original_name": f"附件{k + 1}.pdf", "size": rng.randint(20_000, 5_000_000),
                "content_type": "application/pdf",
            })
        if item["published_at"]:
            for channel in rng.sample(channel_ids, rng.choice((1, 1, 2))):
                publications.append({
                    "item_id": item_id, "channel_id": channel, "published_on": item["published_at"].date(),
                })
            events.append({
                "item_id": item_id, "action": ItemEvent.Action.PUBLISHED.value, "actor_id": office_id,
                "at": item["published_at"],
            })
    with transaction.atomic(), connection.cursor() as cursor:
        _copy(cursor.cursor, DisclosureItem, items, skip={"search_vector"})
        _copy(cursor.cursor, DisclosureItem.entries.through, links, skip={"id"})
        _copy(cursor.cursor, Attachment, attachments, skip={"id"})
        _copy(cursor.cursor, Publication, publications, skip={"id"})
        _copy(cursor.cursor, ItemEvent, events, skip={"id"})
    return len(items), document_frequency


def _deadlines(table: dict, produced_on: dt.date, changed_on: dt.date | None) -> tuple:
    """An item's (publish_due, update_due, provisional) from the per-day deadlines."""
    publish_due, provisional = table[produced_on]
    if changed_on is None:
        return publish_due, None, provisional
    update_due, update_provisional = table["update", changed_on]
    return publish_due, update_due, provisional or update_provisional


class _DayMemo:
    """A holiday calendar that looks each day up once: deadlines of neighbouring days share days."""

    def __init__(self, calendar):
        self.calendar = calendar
        self.days: dict = {}

    def day(self, date: dt.date):
        found = self.days.get(date)
        if found is None:
            found = self.days[date] = self.calendar.day(date)
        return found

    def is_workday(self, date: dt.date) -> bool:
        return self.day(date).is_workday


def _deadline_table(days) -> dict:
    """Each day's publication and update deadline, from one calendar (what `save()` would store)."""
    from disclosure.items import deadlines
    from disclosure.workcalendar.workdays import default_calendar

    calendar = _DayMemo(default_calendar())
    table = {}
    for day in days:
        due = deadlines.publish_deadline(day, calendar)
        table[day] = (due.due, due.provisional)
        later = day + dt.timedelta(days=30)
        due = deadlines.update_deadline(later, calendar)
        table["update", later] = (due.due, due.provisional)
    return table


def _copy(cursor, model, rows: list[dict], *, skip: set[str] = frozenset()) -> None:
    """Write `rows` (values by attribute name) with COPY; missing fields take their defaults.

    The defaults are the model's own, taken once per call, so that a field added to the model
    later is filled as `save()` would fill it.
    """
    from django.db import connection, models

    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if f.name not in skip and f.attname not in skip]
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = datetime_now()
        else:
            value = field.get_default()
        if isinstance(field, models.JSONField):
            value = json.dumps(value, ensure_ascii=False)
        defaults[field.attname] = value
    names = [f.attname for f in fields]
    lines = []
    for row in rows:
        lines.append("\t".join([_copy_text(row[name] if name in row else defaults[name]) for name in names]))
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    data = io.StringIO("\n".join(lines) + "\n")
    cursor.copy_expert(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN", data)


def datetime_now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return (
        str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


# ---------------------------------------------------------------------------------------------------
# The database: created, migrated, reused.


def _admin_connection():
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"] or None, port=db["PORT"] or None,
    )
    conn.autocommit = True
    return conn, db["NAME"]


def recreate_database() -> None:
    from django.db import connections

    connections.close_all()
    conn, name = _admin_connection()
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def database_exists() -> bool:
    conn, name = _admin_connection()
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = cur.fetchone() is not None
    conn.close()
    return found


def stored_dataset() -> dict | None:
    """What the marker row says was loaded, or None."""
    from django.db import connection

    if not database_exists():
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass('bench_dataset') IS NOT NULL")
        if not cur.fetchone()[0]:
            return None
        cur.execute("SELECT info FROM bench_dataset WHERE id = 1")
        row = cur.fetchone()
    if not row:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def ensure_dataset(scale: dict, *, force: bool = False, workers: int = 2, log=print) -> dict:
    """The dataset at `scale`: reused when the marker row matches, else built from scratch."""
    import django

    django.setup()
    info = None if force else stored_dataset()
    if info and info.get("scale") == scale:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)  # the code may have moved on
        log(f"复用已有数据：{scale}（加载用时 {info['load_seconds']:.1f} 秒）")
        return info
    return build_dataset(scale, workers=workers, log=log)


def build_dataset(scale: dict, *, workers: int = 2, log=print) -> dict:
    from django.core.management import call_command
    from django.db import connection, connections

    log(f"重建基准数据库：{scale}")
    recreate_database()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - started
    started = time.perf_counter()
    cpu_before = _cpu_seconds()
    info = _load(scale, workers=workers, log=log)
    info["load_seconds"] = time.perf_counter() - started
    # CPU time of this process and its workers (not of PostgreSQL): steadier than wall time on a
    # machine shared with other work.
    info["load_cpu_seconds"] = _cpu_seconds() - cpu_before
    info["migrate_seconds"] = migrate_seconds
    info["scale"] = scale
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_dataset (id int PRIMARY KEY, info jsonb NOT NULL)")
        cur.execute("INSERT INTO bench_dataset VALUES (1, %s)", [json.dumps(info, ensure_ascii=False)])
    connections.close_all()
    log(
        f"数据加载完成：{info['load_seconds']:.1f} 秒，Python 进程 CPU {info['load_cpu_seconds']:.1f} 秒"
        f"（迁移另计 {migrate_seconds:.1f} 秒）"
    )
    return info


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _dates(rng: random.Random, n: int, years: int, today: dt.date) -> list[dt.date]:
    # Later years hold more items, as a portal's use grows: the weight of year k is k.
    start = today.replace(year=today.year - years + 1, month=1, day=1)
    year_weights = list(range(1, years + 1))
    dates = []
    for year_offset in rng.choices(range(years), weights=year_weights, k=n):
        first = start.replace(year=start.year + year_offset)
        last = min(first.replace(month=12, day=31), today)
        dates.append(first + dt.timedelta(days=rng.randint(0, (last - first).days)))
    return dates


def _load(scale: dict, *, workers: int, log) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, connections
    from django.utils import timezone

    from disclosure.catalogue.models import Channel, ChecklistEntry, Department

    rng = random.Random(SEED)
    today = timezone.localdate()
    User = get_user_model()
    office = User.objects.create_superuser("bench_office", password="bench-office-pw-2026")
    departments = Department.objects.bulk_create([
        Department(
            name=name, code=f"d{n:02d}", sort_order=n,
            kind=Department.Kind.SCHOOL if name.endswith("学院") else Department.Kind.OFFICE,
        )
        for n, name in enumerate(DEPARTMENT_NAMES[: scale["departments"]], start=1)
    ])
    while len(departments) < scale["departments"]:
        n = len(departments) + 1
        departments.append(Department.objects.create(name=f"部门{n}", code=f"d{n:02d}", sort_order=n))
    entry_ids = list(ChecklistEntry.objects.values_list("pk", flat=True))
    entry_weights = list(itertools.accumulate(1.0 / (rank + 1) ** 0.7 for rank in range(len(entry_ids))))
    rng.shuffle(entry_ids)
    channel_ids = list(Channel.objects.values_list("pk", flat=True))
    department_weights = list(
        itertools.accumulate(1.0 / (rank + 1) ** 0.5 for rank in range(len(departments)))
    )

    n = scale["items"]
    # In date order, as a portal fills: ids follow time.
    dates = sorted(_dates(rng, n, scale["years"], today))
    started = time.perf_counter()
    # Prepared before forking, so that the workers share the dictionary, the deadlines of every day
    # and the segmentation of every word alone.
    vocab = _vocabulary()
    segmenter = Segmenter()
    segmenter.learn(vocab)
    context = {
        "vocab": vocab, "today": today, "office_id": office.pk, "segmenter": segmenter,
        "department_ids": [d.pk for d in departments], "department_cum": department_weights,
        "entry_ids": entry_ids, "entry_cum": entry_weights, "channel_ids": channel_ids,
        "deadlines": _deadline_table(sorted(set(dates))),
    }
    log(f"  词表、分词缓存与期限：{time.perf_counter() - started:.1f} 秒")
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM items_disclosureitem")
        first_id = cur.fetchone()[0] + 1
    jobs = [(b, first_id + i, dates[i: i + BATCH]) for b, i in enumerate(range(0, n, BATCH))]
    indexes = _suspend_indexes_and_triggers()
    document_frequency: Counter = Counter()
    loaded = 0
    connections.close_all()  # the workers are forked: each opens its own connection
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_init_worker, initargs=(context,))
    with pool:
        for count, frequency in pool.imap_unordered(make_batch, jobs):
            document_frequency.update(frequency)
            loaded += count
            if loaded % 10_000 == 0 or loaded == n:
                log(f"  已加载 {loaded}/{n} 条")

    started = time.perf_counter()
    _restore_indexes_and_triggers(indexes)
    log(f"  索引（含全文索引）与统计：{time.perf_counter() - started:.1f} 秒")
    request_count = _load_requests(scale, rng, departments, today, log=log)
    return {"words": _pick_query_words(document_frequency, n), "requests_loaded": request_count}


# Written by COPY: their indexes are built once after the load, and only the search trigger runs
# during it (foreign keys are checked by construction, not row by row).
LOADED_TABLES = [
    "items_disclosureitem", "items_disclosureitem_entries", "items_attachment",
    "items_publication", "items_itemevent",
]
SEARCH_TRIGGER = "items_item_search_vector_update"


def _suspend_indexes_and_triggers() -> list[str]:
    """Drop the loaded tables' secondary indexes and disable their triggers but the search one.

    Returns the definitions of the dropped indexes. Indexes that back a constraint (primary keys,
    unique constraints) stay: dropping them would drop the constraint.
    """
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [LOADED_TABLES],
        )
        indexes = cur.fetchall()
        for name, _definition in indexes:
            cur.execute(f"DROP INDEX {name}")
        for table in LOADED_TABLES:
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        cur.execute(f"ALTER TABLE items_disclosureitem ENABLE TRIGGER {SEARCH_TRIGGER}")
    return [definition for _name, definition in indexes]


def _restore_indexes_and_triggers(indexes: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for table in LOADED_TABLES:
            cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('items_disclosureitem', 'id'),"
            " (SELECT max(id) FROM items_disclosureitem))"
        )
        cur.execute("SET maintenance_work_mem = '512MB'")
        for definition in indexes:
            cur.execute(definition)
        cur.execute("ANALYZE")


def _pick(cum: list[float], roll: float) -> int:
    return min(bisect.bisect(cum, roll * cum[-1]), len(cum) - 1)


def _pick_query_words(frequency: Counter, n: int) -> dict:
    """Search words by how many items contain them: ~half of all items, a few, and two middling ones."""
    chinese = {w: c for w, c in frequency.items() if len(w) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in w)}
    common = min(chinese, key=lambda w: abs(chinese[w] - n / 2))
    rare = min(chinese, key=lambda w: (abs(chinese[w] - max(5, n // 2_000)), w))
    middling = sorted(chinese, key=lambda w: abs(chinese[w] - n / 12))[:2]
    return {
        "common": common, "common_items": chinese[common],
        "rare": rare, "rare_items": chinese[rare],
        "pair": middling, "pair_items": [chinese[w] for w in middling],
    }


def _load_requests(scale: dict, rng: random.Random, departments, today, *, log) -> int:
    """Disclosure requests over the same years, most answered in time, some open, a few late."""
    import importlib.util

    if importlib.util.find_spec("disclosure.disclosure_requests.models") is None or not scale["requests"]:
        return 0
    from django.utils import timezone

    from disclosure.disclosure_requests.models import ApplicantType, DisclosureRequest, ReplyType
    from disclosure.workcalendar.workdays import add_workdays

    tz = timezone.get_current_timezone()
    Status = DisclosureRequest.Status
    kinds = list(ApplicantType.values)
    kind_weights = [70, 8, 8, 4, 5, 5][: len(kinds)]
    replies = list(ReplyType.values)
    reply_weights = [45, 20, 10, 15, 5, 5][: len(replies)]
    sequences: Counter = Counter()
    due_memo: dict = {}
    rows = []
    for received_on in sorted(_dates(rng, scale["requests"], scale["years"], today)):
        if received_on not in due_memo:
            due_memo[received_on] = add_workdays(received_on, 15)
        sequences[received_on.year] += 1
        seq = sequences[received_on.year]
        due = due_memo[received_on]
        request = DisclosureRequest(
            tracking_number=f"{received_on.year}{seq:05d}", year=received_on.year, sequence=seq,
            check_code=f"{rng.getrandbits(40):010x}", applicant_type=rng.choices(kinds, kind_weights)[0],
            applicant_name=f"申请人{rng.randint(1, 99999)}", description="申请公开" + rng.choice(
                ["学校年度预算决算", "招生录取名单", "科研经费使用情况", "收费项目及标准", "教师职称评审结果"]
            ) + "的相关信息。",
            received_on=received_on, due_on=due,
            submitted_at=dt.datetime.combine(received_on, dt.time(10), tzinfo=tz),
            created_at=dt.datetime.combine(received_on, dt.time(10), tzinfo=tz),
        )
        if due < today or rng.random() < 0.7:
            # Closed: answered, mostly in time.
            late = rng.random() < 0.05
            request.status = Status.ANSWERED
            request.reply_type = rng.choices(replies, reply_weights)[0]
            answered = due + dt.timedelta(days=rng.randint(1, 10)) if late else received_on + dt.timedelta(
                days=rng.randint(1, max(1, (due - received_on).days))
            )
            request.answered_on = min(answered, today)
        rows.append(request)
    DisclosureRequest.objects.bulk_create(rows, batch_size=2_000)
    log(f"  依申请公开：{len(rows)} 件")
    return len(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="生成基准测试数据（PostgreSQL）")
    parser.add_argument("--items", type=int, default=DEFAULT_SCALE["items"])
    parser.add_argument("--requests", type=int, default=DEFAULT_SCALE["requests"])
    parser.add_argument("--force", action="store_true", help="即使规模相同也重建")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database", help="同一服务器上的另一个数据库名（默认 disclosure_bench 或 BENCH_DATABASE_URL）"
    )
    args = parser.parse_args(argv)
    if args.database:
        os.environ["BENCH_DATABASE_NAME"] = args.database  # read by bench.settings at setup
    scale = {**DEFAULT_SCALE, "items": args.items, "requests": args.requests}
    info = ensure_dataset(scale, force=args.force, workers=args.workers)
    print(json.dumps(info, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
