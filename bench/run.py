"""The benchmark: page timings in process, search quality, throughput under gunicorn beside nginx.

    python -m bench.run                      # 100,000 items, 20 s of load per page
    python -m bench.run --items 5000 --duration 3 --repeat 10

Data are generated once per scale into their own PostgreSQL database (see bench/generate.py) and
reused. Results are printed and written to bench/results.md and bench/results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402
from bench.stack import free_port, wait_until_up  # noqa: E402

# Targets at 100,000 items (see the README): single-user p95 in ms, and requests per second.
TARGETS = {
    "item": {"p95_ms": 25, "rps": 1000},
    "list": {"rps": 800},
    "search": {"p95_ms": 50, "rps": 150},
    "board": {"p95_ms": 300},
    "report": {"p95_ms": 3000},
    "queries": 10,
    "load_seconds": 120,
    "rss_mb": 250,
    "overlap": 0.9,
    "recall": 0.99,
    # Against the framework floor (a trivial view behind the whole middleware, measured in the same run).
    "cached_over_floor": 1.3,
    "uncached_over_floor": 0.35,
    # The flash crowd: the shipped stack, 1,000 connections for 60 s.
    "crowd_rps": 5000,
    "crowd_p99_ms": 200,
    "purge_seconds": 3.0,
}
# Uncached pages held to the floor ratio: those a crowd reads and that never depend on a query term.
FLOOR_KINDS = ("item", "list")


def log(message: str) -> None:
    print(message, flush=True)


# ---------------------------------------------------------------------------------------------------
# Which pages exist, with realistic arguments.


def pages(info: dict) -> tuple[list[dict], list[str]]:
    """The pages to measure (name, url, kind, login) and notes on those the portal lacks yet."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from disclosure.catalogue.models import ChecklistEntry, Department
    from disclosure.items.models import DisclosureItem

    public = DisclosureItem.objects.public().order_by("-published_at", "-id")
    words = info["words"]
    found, notes = [], []

    def q(text: str) -> str:
        return "?" + urlencode({"q": text})

    def add(name, kind, url_name, args=(), query="", login=False):
        try:
            url = reverse(url_name, args=args)
        except NoReverseMatch:
            notes.append(f"{name}：网址 {url_name} 尚不存在，跳过")
            return
        found.append({"name": name, "kind": kind, "url": url + query, "login": login})

    def deep_cursor(queryset) -> str:
        # Page 2,000 (or the middle of the list when shorter), reached through the keyset cursor.
        try:
            from disclosure.site.views import encode_cursor
        except ImportError:
            return "?page=2000"
        total = queryset.count()
        position = min(2000 * 20, max(total // 2, 20)) - 1
        last = queryset[position]
        return f"?before={encode_cursor(last)}"

    entry = (
        ChecklistEntry.objects.annotate(n=Count("items")).order_by("-n").first()
    )
    department = Department.objects.annotate(n=Count("items")).order_by("-n").first()
    item = public[public.count() // 3]
    add("首页", "home", "disclosure:home")
    add("信息公开事项清单", "list", "disclosure:checklist")
    add(f"清单事项 {entry.number}（第 1 页）", "list", "disclosure:entry", [entry.number])
    add(
        f"清单事项 {entry.number}（深页）", "list", "disclosure:entry", [entry.number],
        deep_cursor(public.filter(entries=entry)),
    )
    add(f"部门 {department.code}（第 1 页）", "list", "disclosure:department", [department.code])
    add(
        f"部门 {department.code}（深页）", "list", "disclosure:department", [department.code],
        deep_cursor(public.filter(department=department)),
    )
    for url_name in ("disclosure:items", "disclosure:item_list"):
        try:
            reverse(url_name)
        except NoReverseMatch:
            continue
        add("全部信息（第 1 页）", "list", url_name)
        add("全部信息（深页）", "list", url_name, (), deep_cursor(public))
        break
    else:
        notes.append("全部信息列表：门户尚无此页面（按清单、类别、部门浏览），跳过")
    add("信息详情", "item", "disclosure:item", [item.pk])
    add(f"搜索：少见词“{words['rare']}”", "search", "disclosure:search", (), q(words["rare"]))
    add(f"搜索：常见词“{words['common']}”", "search", "disclosure:search", (), q(words["common"]))
    pair = " ".join(words["pair"])
    add(f"搜索：两个词“{pair}”", "search", "disclosure:search", (), q(pair))
    add(f"搜索 API：“{words['common']}”", "search", "api:item-list", (), q(words["common"]))
    # Every request another word: what a crowd searching for different things costs, each ranking
    # done afresh (the pages above repeat one query, whose ranking is remembered after the first).
    rotating = _rotating_words(ROTATING_WORDS)
    add(f"搜索：轮换 {len(rotating):,} 个不同的词", "search", "disclosure:search", (), q(rotating[0]))
    if found and found[-1]["name"].startswith("搜索：轮换"):
        found[-1]["rotate"] = [reverse("disclosure:search") + q(word) for word in rotating]
    add("期限看板", "board", "deadline_board", login=True)
    add("后台事项列表", "admin", "admin:items_disclosureitem_changelist", login=True)
    year = _latest_report_year()
    try:
        from disclosure.annual_reports.models import AnnualReport
    except ImportError:
        pass
    else:
        # A draft: the office sees it with live figures, computed from the data on every request.
        AnnualReport.objects.get_or_create(year=year)
    add(f"年度报告 {year}–{year + 1}", "report", "disclosure:report_detail", [year], login=True)
    return found, notes


ROTATING_WORDS = 5000


def _rotating_words(count: int) -> list[str]:
    """`count` different words of the generated texts, common and rare, in a fixed shuffled order."""
    import random

    vocabulary = generate._vocabulary()
    words = [w for w in vocabulary[:20_000] if len(w) >= 2][:count]
    random.Random(18).shuffle(words)
    return words


def wrk_script(paths: list[str], *, at_random: bool = False, think_ms: int = 0) -> Path:
    """A wrk script that asks `paths` in turn (or at random), each connection pausing `think_ms`
    (±50 %) between requests; the caller removes its folder."""
    script = Path(tempfile.mkdtemp(prefix="bench-wrk-")) / "paths.lua"
    quoted = ", ".join(json.dumps(path) for path in paths)
    pick = (
        "init = function(args) math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16)) end\n"
        "request = function()\n  return wrk.format(\"GET\", paths[math.random(#paths)])\nend\n"
        if at_random else
        "local i = 0\nrequest = function()\n  i = i + 1\n"
        "  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n"
    )
    think = f"delay = function() return math.random({think_ms // 2}, {think_ms * 3 // 2}) end\n" if think_ms else ""
    script.write_text(f"local paths = {{{quoted}}}\n" + pick + think)
    return script


def _latest_report_year() -> int:
    # The last academic year that has ended (1 September to 31 August).
    from django.utils import timezone

    today = timezone.localdate()
    return today.year - 1 if today.month >= 9 else today.year - 2


# ---------------------------------------------------------------------------------------------------
# Single-user timings, in process.


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def staff_session() -> str:
    """A signed-in session of the office account, made directly (no login signals, no lockout log)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    user = get_user_model().objects.get(username="bench_office")
    backends = settings.AUTHENTICATION_BACKENDS
    backend = next((b for b in backends if b.endswith("ModelBackend")), backends[0])
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def measure_in_process(page_list: list[dict], repeat: int) -> list[dict]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous = Client()
    staff = Client()
    staff.cookies[settings.SESSION_COOKIE_NAME] = staff_session()
    results = []
    for page in page_list:
        client = staff if page["login"] else anonymous
        times, status, queries = [], None, None
        runs = repeat if page["kind"] != "report" else max(3, repeat // 10)
        for n in range(runs + 2):
            url = page["rotate"][n % len(page["rotate"])] if page.get("rotate") else page["url"]
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, follow=False)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
                elapsed = time.perf_counter() - started
            status = response.status_code
            if n >= 2:  # two warm-up requests first
                times.append(elapsed * 1000)
                queries = len(captured.captured_queries)
        row = {
            **page, "status": status, "queries": queries, "median_ms": statistics.median(times),
            "p95_ms": percentile(times, 95), "max_ms": max(times), "bytes": len(response.content),
        }
        results.append(row)
        log(
            f"  {page['name']:<30} {status}  中位 {row['median_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms"
            f"  最大 {row['max_ms']:7.1f} ms  SQL {queries}"
        )
    return results


def item_page_breakdown(item_url: str, repeat: int = 300) -> dict:
    """Where an uncached item page's time goes, in process (µs per request): the whole page through
    the WSGI handler, the floor view the same way, the item's one query compiled and run."""
    import io

    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    from disclosure.items import selectors

    app = get_wsgi_application()

    def environ(path: str) -> dict:
        return {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
                "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr}

    def per_call(function) -> float:
        for _ in range(20):
            function()
        started = time.perf_counter()
        for _ in range(repeat):
            function()
        return (time.perf_counter() - started) / repeat * 1e6

    def page(path: str):
        return lambda: b"".join(app(environ(path), lambda status, headers: None))

    pk = int(item_url.rstrip("/").rsplit("/", 1)[-1])
    query = selectors._public_items_with_rows().filter(pk=pk).query
    sql, params = query.get_compiler(connection.alias).as_sql()

    def run_sql():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return {
        "page_us": per_call(page(item_url)), "floor_us": per_call(page("/bench/floor/")),
        "compile_us": per_call(lambda: query.get_compiler(connection.alias).as_sql()),
        "query_us": per_call(run_sql), "selector_us": per_call(lambda: selectors.get_public_item(pk)),
    }


# ---------------------------------------------------------------------------------------------------
# Search quality against exhaustive ranking and substring matching.


def search_quality(info: dict) -> list[dict]:
    """The portal's top 20 against ranking every match with the same relevance, and recall."""
    from django.db.models import Q

    from disclosure.items import search, selectors

    words = info["words"]
    queries = [words["rare"], words["common"], " ".join(words["pair"])]
    rows = []
    for query in queries:
        terms = search.query_terms(query)
        base = selectors.list_public_items()
        ranked = search.rank_items(base, query, reach=selectors.COUNT_CAP)[:20]
        matching = search.filter_items(base, query)
        # Exhaustive: the same rank expression over every match, nothing bounded.
        by_rank = matching.annotate(rank=search.rank_expression(terms)).order_by(
            "-rank", "-published_at", "-id"
        )
        exhaustive = list(by_rank.values_list("pk", "rank")[:20])
        best = [pk for pk, _rank in exhaustive]
        overlap = len(set(ranked) & set(best)) / max(1, len(best))
        # Ties in ts_rank are common: an item ranked as high as the 20th best is as good a result.
        if exhaustive:
            threshold = exhaustive[-1][1]
            deserving = set(
                by_rank.filter(pk__in=ranked, rank__gte=threshold - 1e-6).values_list("pk", flat=True)
            )
            tie_overlap = len(deserving) / max(1, min(len(ranked), 20))
        else:
            tie_overlap = 1.0
        substring = Q()
        for word in query.split():
            substring &= (
                Q(title__contains=word) | Q(summary__contains=word) | Q(body__contains=word)
                | Q(document_number__contains=word)
            )
        expected = set(base.filter(substring).values_list("pk", flat=True))
        found = set(matching.values_list("pk", flat=True))
        recall = len(expected & found) / len(expected) if expected else 1.0
        row = {
            "query": query, "matches": len(found), "substring_matches": len(expected),
            "top20_overlap": overlap, "top20_overlap_ties": tie_overlap, "recall": recall,
        }
        rows.append(row)
        log(
            f"  “{query}”：命中 {len(found)}，子串 {len(expected)}，召回 {recall:.4f}，"
            f"前 20 重合 {overlap:.2f}（计并列 {tie_overlap:.2f}）"
        )
    return rows


# ---------------------------------------------------------------------------------------------------
# Throughput under gunicorn and nginx on loopback, with wrk as the load generator.


def start_gunicorn(settings_module: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "GUNICORN_WORKERS": str(workers)}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")), "portal.wsgi:application",
            "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--preload", "--access-logfile", "-", "--log-level", "warning",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/robots.txt", process)
    except RuntimeError as exc:
        process.kill()
        raise RuntimeError("gunicorn 未能启动：" + process.stderr.read().decode(errors="replace")[-2000:]) from exc
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def worker_memory(master_pid: int) -> list[dict]:
    """Resident and proportional set size of each worker: PSS counts the pages shared after fork once."""
    rows = []
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
        pss = None
        rollup = Path(f"/proc/{pid}/smaps_rollup")
        if rollup.exists():
            match = re.search(r"^Pss:\s+(\d+)", rollup.read_text(), re.MULTILINE)
            pss = int(match.group(1)) / 1024 if match else None
        rows.append({"pid": int(pid), "rss_mb": rss, "pss_mb": pss})
    return rows


def wrk(url: str, duration: int, connections: int, cookie: str | None = None,
        script: str | None = None, *, threads: int = 1, keep_alive: bool = False, nice: int = 0) -> dict:
    nice = ["nice", "-n", str(nice)] if nice else []
    command = [*nice, "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency"]
    if not keep_alive:
        # Sync gunicorn workers close every connection; ask the same of nginx for a fair reference.
        command += ["-H", "Connection: close"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, timeout=duration + 120).stdout

    def latency(label: str) -> float | None:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            return None
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(B|KB|MB|GB)", output)
    return {
        "transfer_mb_s": float(transfer.group(1)) * {"B": 1e-6, "KB": 1 / 1024, "MB": 1, "GB": 1024}[transfer.group(2)]
        if transfer else None,
        "rps": float(rps.group(1)) if rps else 0.0, "p50_ms": latency("50"), "p99_ms": latency("99"),
        "requests": int(total.group(1)) if total else 0,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(0) if socket_errors else "",
    }


def start_nginx(html: bytes, port: int) -> tuple[subprocess.Popen, str]:
    prefix = tempfile.mkdtemp(prefix="bench-nginx-")
    os.chmod(prefix, 0o755)  # nginx's workers run as nobody when started by root
    Path(prefix, "logs").mkdir()
    Path(prefix, "index.html").write_bytes(html)
    Path(prefix, "nginx.conf").write_text(f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp; proxy_temp_path {prefix}/tmp; fastcgi_temp_path {prefix}/tmp;
    uwsgi_temp_path {prefix}/tmp; scgi_temp_path {prefix}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {prefix};
        location / {{ default_type text/html; try_files /index.html =404; }}
    }}
}}
""")
    process = subprocess.Popen(
        ["nginx", "-p", prefix, "-c", f"{prefix}/nginx.conf", "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}/", process)
    return process, prefix


def static_reference(html: bytes, duration: int, connections: int) -> dict:
    """Requests per second of the same HTML as a static file: nginx if installed, else Python's server."""
    port = free_port()
    process = None
    if shutil.which("nginx"):
        try:
            process, prefix = start_nginx(html, port)
            server = "nginx"
        except RuntimeError as error:
            log(f"  nginx 未能启动（{error}），改用 Python 静态服务器")
    if process is None:
        prefix = tempfile.mkdtemp(prefix="bench-static-")
        Path(prefix, "index.html").write_bytes(html)
        process = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", prefix],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        wait_until_up(f"http://127.0.0.1:{port}/index.html", process)
        server = "python -m http.server"
    try:
        result = wrk(f"http://127.0.0.1:{port}/index.html", duration, connections)
    finally:
        stop(process)
        shutil.rmtree(prefix, ignore_errors=True)
    return {"server": server, **result}


def throughput(page_list, duration, connections, workers, session_cookie) -> dict:
    if not shutil.which("wrk"):
        log("  未安装 wrk（apt-get install -y wrk），跳过吞吐量测试")
        return {"skipped": "wrk 未安装"}
    result = {"uncached": [], "cached": []}
    port = free_port()
    process = start_gunicorn("bench.settings", port, workers)
    try:
        for page in page_list:
            cookie = session_cookie if page["login"] else None
            row = {"name": page["name"], "kind": page["kind"], "url": page["url"]}
            if page["kind"] == "report":
                row.update(rps=None, note="单用户计时即可（报表由办公室按需生成）")
            elif page.get("rotate"):
                script = wrk_script(page["rotate"])
                try:
                    row.update(wrk(f"http://127.0.0.1:{port}/", duration, connections, script=str(script)))
                finally:
                    shutil.rmtree(script.parent, ignore_errors=True)
            else:
                row.update(wrk(f"http://127.0.0.1:{port}{page['url']}", duration, connections, cookie))
            result["uncached"].append(row)
            log(f"  {page['name']:<30} {row.get('rps') or 0:8.1f} 请求/秒  p99 {row.get('p99_ms')} ms")
        # The framework floor: a trivial view behind the same middleware, same server, same load.
        floor = wrk(f"http://127.0.0.1:{port}/bench/floor/", duration, connections)
        result["floor"] = floor
        log(f"  框架下限（空视图）{floor['rps']:8.1f} 请求/秒  p99 {floor['p99_ms']} ms")
        result["memory"] = worker_memory(process.pid)
        item_page = next(p for p in page_list if p["kind"] == "item")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{item_page['url']}") as response:  # noqa: S310
            html = response.read()
    finally:
        stop(process)

    port = free_port()
    process = start_gunicorn("bench.settings_cached", port, workers)
    try:
        for page in page_list:
            if page["login"] or page["kind"] == "report" or page.get("rotate"):
                continue
            url = f"http://127.0.0.1:{port}{page['url']}"
            urllib.request.urlopen(url).read()  # noqa: S310 - fill the cache
            row = {"name": page["name"], "kind": page["kind"], "url": page["url"]}
            row.update(wrk(url, duration, connections))
            result["cached"].append(row)
            log(f"  （缓存）{page['name']:<26} {row['rps']:8.1f} 请求/秒  p99 {row['p99_ms']} ms")
    finally:
        stop(process)

    result["static"] = static_reference(html, duration, connections)
    log(f"  静态参考（{result['static']['server']}）：{result['static']['rps']:.1f} 请求/秒")
    return result


def soak(page_list, seconds: int, connections: int, workers: int) -> dict:
    """Sustained load on every public page in turn for `seconds`: the run must see zero errors."""
    if not shutil.which("wrk"):
        return {"skipped": "wrk 未安装"}
    paths = [p["url"] for p in page_list if not p["login"] and p["kind"] != "report"]
    script = wrk_script(paths)
    port = free_port()
    process = start_gunicorn("bench.settings", port, workers)
    try:
        row = wrk(f"http://127.0.0.1:{port}/", seconds, connections, script=str(script))
    finally:
        stop(process)
        shutil.rmtree(script.parent, ignore_errors=True)
    row.update(seconds=seconds, pages=len(paths))
    log(f"  {seconds} 秒持续负载：{row['requests']:,} 个请求，{row['rps']:.1f} 请求/秒，"
        f"非 2xx/3xx {row['non_2xx']}，{row['socket_errors'] or '无套接字错误'}")
    return row


# ---------------------------------------------------------------------------------------------------
# The report.


def _fmt(value, digits=1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _crowd_lines(crowd: dict) -> list[str]:
    w = crowd.get("withdrawal", {})
    gone = w.get("gone", {})
    pause = (f"每个连接两次请求之间停 {crowd['think_ms'] // 2}–{crowd['think_ms'] * 3 // 2} ms（读者在读页面）"
             if crowd.get("think_ms") else "每个连接收到回答立即再发（不停顿）")
    return [
        f"- nginx（Debian 软件包，docker/nginx.conf 原样）在 gunicorn（gunicorn.conf.py，{crowd['gunicorn_workers']} 个同步 worker，"
        f"页面缓存按交付位置）之前；wrk {crowd['threads']} 个线程、{crowd['connections']:,} 个长连接、{crowd['seconds']} 秒，"
        f"{pause}；{crowd['distinct_paths']} 个不同网址，按权重随机：" + "，".join(f"{k} {v}%" for k, v in crowd["mix"].items()),
        f"- 结果：共 {crowd['requests']:,} 个请求，{crowd['rps']:,.1f} 请求/秒，p50 {_fmt(crowd['p50_ms'])} ms，"
        f"p99 {_fmt(crowd['p99_ms'])} ms，非 2xx/3xx {crowd['non_2xx']} 个，{crowd['socket_errors'] or '无套接字错误'}",
        f"- 撤回：事项 {w.get('item')} 在 nginx 缓存命中（{(w.get('before') or {}).get('x_proxy_cache', '—')}）时由办公室撤回"
        f"（提交用时 {_fmt((w.get('withdraw_seconds') or 0) * 1000)} ms），之后不再提供的时间："
        + ("，".join(f"{k} {v['seconds']:.2f} 秒（状态 {v['status']}）" for k, v in gone.items()) or "未测得")
        + (f"；错误：{w['error']}" if w.get("error") else ""),
    ]


def write_results(results: dict, path_md: Path, path_json: Path) -> str:
    path_json.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")
    info, scale = results["dataset"], results["dataset"]["scale"]
    lines = [
        "# 基准测试结果",
        "",
        f"- 时间：{results['started_at']}；机器：{results['machine']}",
        f"- 数据：{scale['items']:,} 条公开事项，{scale['departments']} 个部门，{scale['years']} 年，"
        f"{info.get('requests_loaded', 0):,} 件依申请公开；加载 {info['load_seconds']:.1f} 秒"
        f"（生成与分词进程 CPU {info.get('load_cpu_seconds', 0):.1f} 秒），迁移另计 {info['migrate_seconds']:.1f} 秒",
        f"- 负载：wrk，{results['connections']} 个连接，每页 {results['duration']} 秒；gunicorn {results['workers']}"
        " 个同步 worker，--preload；同一台机器的回环地址",
        "- wrk、nginx、gunicorn、PostgreSQL 与 Redis 共用这台机器的核，计时有噪声：看量级，不看小数点。",
        "",
        "## 单用户（进程内 Django 测试客户端，未缓存）",
        "",
        "| 页面 | 状态 | 中位 ms | p95 ms | 最大 ms | SQL 条数 | 吞吐 请求/秒 | p99 ms | 对下限 | 缓存后 请求/秒 | 缓存对下限 | 缓存对 nginx |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    tp = results.get("throughput", {})
    uncached = {r["name"]: r for r in tp.get("uncached", [])}
    cached = {r["name"]: r for r in tp.get("cached", [])}
    floor = (tp.get("floor") or {}).get("rps")
    static = (tp.get("static") or {}).get("rps")

    def ratio(value, reference) -> str:
        return f"{value / reference:.2f}×" if value and reference else "—"

    rows = results["pages"] or [{"name": name, "status": None, "median_ms": None, "p95_ms": None,
                                  "max_ms": None, "queries": None} for name in uncached]
    for row in rows:
        u, c = uncached.get(row["name"], {}), cached.get(row["name"], {})
        lines.append(
            f"| {row['name']} | {row['status'] or '—'} | {_fmt(row['median_ms'])} | {_fmt(row['p95_ms'])} | "
            f"{_fmt(row['max_ms'])} | {_fmt(row['queries'])} | {_fmt(u.get('rps'))} | {_fmt(u.get('p99_ms'))} | "
            f"{ratio(u.get('rps'), floor)} | {_fmt(c.get('rps'))} | {ratio(c.get('rps'), floor)} | "
            f"{ratio(c.get('rps'), static)} |"
        )
    if floor:
        f = tp["floor"]
        lines += ["", f"框架下限（空视图经过全部中间件，同一 gunicorn、同样负载）：{f['rps']:,.1f} 请求/秒，"
                  f"p99 {_fmt(f['p99_ms'])} ms。“对下限”为该页请求/秒与框架下限之比。"]
    if tp.get("static"):
        s = tp["static"]
        lines += ["", f"静态参考（{s['server']} 提供同一详情页 HTML）：{s['rps']:,.1f} 请求/秒，p99 {_fmt(s['p99_ms'])} ms。"]
    if tp.get("memory"):
        mem = ", ".join(f"RSS {m['rss_mb']:.0f} MB / PSS {_fmt(m['pss_mb'], 0)} MB" for m in tp["memory"])
        lines += ["", f"gunicorn worker 内存（负载后）：{mem}。"]
    if tp.get("soak") and "requests" in tp["soak"]:
        k = tp["soak"]
        lines += ["", f"持续负载：{k['pages']} 个公开页面轮流访问 {k['seconds']} 秒（未缓存），共 {k['requests']:,} 个请求，"
                  f"{k['rps']:,.1f} 请求/秒，p99 {_fmt(k['p99_ms'])} ms，非 2xx/3xx 响应 {k['non_2xx']} 个，"
                  f"{k['socket_errors'] or '无套接字错误'}。"]
    for key, title in (("crowd", "人群（交付的整套服务：nginx + gunicorn + PostgreSQL + Redis，不用 Docker）"),
                       ("crowd_saturation", "同样的人群不停发送（这台机器的上限，不计目标）")):
        crowd = results.get(key) or {}
        if "requests" in crowd:
            lines += ["", f"## {title}", ""] + _crowd_lines(crowd)
        elif crowd.get("skipped"):
            lines += ["", f"{title}：跳过，{crowd['skipped']}"]
    if results["search_quality"]:
        lines += ["", "## 搜索质量", "", "| 查询 | 命中 | 子串命中 | 召回 | 前 20 重合 | 计并列 |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for row in results["search_quality"]:
            lines.append(
                f"| {row['query']} | {row['matches']:,} | {row['substring_matches']:,} | {row['recall']:.4f} | "
                f"{row['top20_overlap']:.2f} | {row['top20_overlap_ties']:.2f} |"
            )
    lines += ["", "## 目标对照", ""] + [f"- {line}" for line in results["verdict"]]
    if why := reasons(results):
        lines += ["", "## 未达标的原因与下一步", ""] + [f"- {line}" for line in why]
    if results["notes"]:
        lines += ["", "## 说明", ""] + [f"- {note}" for note in results["notes"]]
    text = "\n".join(lines) + "\n"
    path_md.write_text(text)
    return text


def reasons(results: dict) -> list[str]:
    """Why each unmet target is unmet, from what this run measured, and the next step."""
    tp = results.get("throughput", {})
    floor = (tp.get("floor") or {}).get("rps")
    b = results.get("item_breakdown") or {}
    texts = {
        "uncached": (
            "未缓存的详情页和列表页（对框架下限 ≥ 0.35，详情 ≥ 1,000、列表 ≥ 800 请求/秒）："
            + (f"框架下限 {floor:,.0f} 请求/秒，即 gunicorn 同步 worker 加整个中间件每个请求约 "
               f"{2 * 1e3 / floor:.2f} ms（2 个 worker）；" if floor else "")
            + (f"详情页在进程内共 {b['page_us'] / 1000:.1f} ms，数据库只剩一次往返（执行约 {b['query_us'] / 1000:.2f} ms），"
               f"把查询编译成 SQL 却要 {b['compile_us'] / 1000:.2f} ms（三个 JSON 子查询与 select_related），"
               f"其余约 {max(0, b['page_us'] - b['selector_us'] - b['floor_us']) / 1000:.1f} ms 是模板渲染。" if b else "")
            + "往返已不是瓶颈，Python 是。下一步：按进程缓存编译好的 SQL、每次只换参数（Django 没有现成接口，"
            "要把 ModelIterable 的装配一起接管）；把每个访客都一样的页眉、导航、页脚做成按代数缓存的片段；"
            "或公开页面改用 Jinja2。人群中这些页面由 nginx 微缓存和页面缓存承担（每页每秒约到 Django 一次），"
            "见人群阶段。"
        ),
        "search": "重复的搜索词：排序已按内容代数共享，剩下的是 20 条结果的摘要高亮与模板渲染；下一步同上（片段缓存或 Jinja2）。",
        "search_api": (
            "搜索 API：时间主要花在 DRF 序列化器上（每条事项嵌套附件、发布记录与清单事项，20 条一页）与三次预取；"
            "下一步：列表接口用 values() 直接拼字典，或把嵌套部分做成 JSON 子查询（详情页已这样做）。"
        ),
        "search_rotating": (
            "每次换一个词的搜索：每个请求都要重新排序（最多读 3,000 个候选的 tsvector 求 ts_rank），"
            "这是排序质量（前 20 重合 ≥ 0.9）的代价；下一步：标题命中按 ts_rank 之外的预计算权重先截取更少候选，"
            "并用重合度与召回守住质量。"
        ),
        "crowd": "人群阶段未达标：见上方人群结果；常见原因是压测工具与服务共用两个核。",
    }
    return [texts[topic] for topic in results.get("unmet", []) if topic in texts]


def verdict(results: dict) -> list[str]:
    lines = []
    pages_by_kind: dict[str, list[dict]] = {}
    for row in results["pages"]:
        pages_by_kind.setdefault(row["kind"], []).append(row)
    tp = {r["name"]: r for r in results.get("throughput", {}).get("uncached", [])}

    unmet: set[str] = set()

    def check(ok: bool, text: str, topic: str = "") -> None:
        lines.append(("达标 " if ok else "未达标 ") + text)
        if not ok and topic:
            unmet.add(topic)

    def rps_topic(row: dict) -> str:
        if row["kind"] != "search":
            return "uncached"
        return "search_api" if "API" in row["name"] else "search_rotating" if row.get("rotate") else "search"

    for kind in ("item", "list", "search"):
        target = TARGETS[kind]
        for row in pages_by_kind.get(kind, []):
            if "p95_ms" in target:
                check(row["p95_ms"] <= target["p95_ms"], f"{row['name']} 单用户 p95 {row['p95_ms']:.1f} ms（≤ {target['p95_ms']}）")
            rps = tp.get(row["name"], {}).get("rps")
            if rps is not None:
                check(rps >= target["rps"], f"{row['name']} {rps:,.0f} 请求/秒（≥ {target['rps']}）",
                      rps_topic(row))
    for kind in ("board", "report"):
        for row in pages_by_kind.get(kind, []):
            check(row["p95_ms"] <= TARGETS[kind]["p95_ms"], f"{row['name']} p95 {row['p95_ms']:.0f} ms（≤ {TARGETS[kind]['p95_ms']}）")
    for row in results["pages"]:
        if row["kind"] in ("home", "list", "item", "search") and row["queries"] is not None:
            if row["queries"] > TARGETS["queries"]:
                check(False, f"{row['name']} SQL {row['queries']} 条（≤ {TARGETS['queries']}）")
    info = results["dataset"]
    if info["scale"]["items"] >= 100_000:
        check(info["load_seconds"] <= TARGETS["load_seconds"], f"加载 {info['load_seconds']:.0f} 秒（≤ {TARGETS['load_seconds']}）")
    for row in results["search_quality"]:
        check(row["recall"] >= TARGETS["recall"], f"“{row['query']}”召回 {row['recall']:.4f}（≥ {TARGETS['recall']}）")
        check(row["top20_overlap_ties"] >= TARGETS["overlap"], f"“{row['query']}”前 20 重合（计并列）{row['top20_overlap_ties']:.2f}（≥ {TARGETS['overlap']}）")
    throughput_results = results.get("throughput", {})
    soak_row = throughput_results.get("soak", {})
    if "requests" in soak_row:
        check(soak_row["non_2xx"] == 0 and not soak_row["socket_errors"] and soak_row["requests"] > 0,
              f"{soak_row['seconds']} 秒持续负载零错误（非 2xx/3xx {soak_row['non_2xx']} 个）")
    floor = (throughput_results.get("floor") or {}).get("rps")
    if floor:
        for row in throughput_results.get("uncached", []):
            if row["kind"] in FLOOR_KINDS and row.get("rps"):
                check(row["rps"] >= floor * TARGETS["uncached_over_floor"],
                      f"未缓存 {row['name']} {row['rps']:,.0f} 请求/秒 = 框架下限的 {row['rps'] / floor:.2f} 倍"
                      f"（≥ {TARGETS['uncached_over_floor']}）", "uncached")
        for row in throughput_results.get("cached", []):
            check(row["rps"] >= floor * TARGETS["cached_over_floor"],
                  f"缓存命中 {row['name']} {row['rps']:,.0f} 请求/秒 = 框架下限的 {row['rps'] / floor:.2f} 倍"
                  f"（≥ {TARGETS['cached_over_floor']}）")
    crowd = results.get("crowd") or {}
    if "requests" in crowd:
        check(crowd["rps"] >= TARGETS["crowd_rps"], f"人群 {crowd['rps']:,.0f} 请求/秒（≥ {TARGETS['crowd_rps']:,}）",
              "crowd")
        check(crowd["p99_ms"] is not None and crowd["p99_ms"] <= TARGETS["crowd_p99_ms"],
              f"人群 p99 {_fmt(crowd['p99_ms'])} ms（≤ {TARGETS['crowd_p99_ms']}）", "crowd")
        check(crowd["non_2xx"] == 0 and not crowd["socket_errors"] and crowd["requests"] > 0,
              f"人群零错误（非 2xx/3xx {crowd['non_2xx']} 个，{crowd['socket_errors'] or '无套接字错误'}）")
        gone = crowd.get("withdrawal", {}).get("gone", {})
        for layer in ("gunicorn", "nginx"):
            seconds = gone.get(layer, {}).get("seconds")
            check(seconds is not None and seconds <= TARGETS["purge_seconds"],
                  f"撤回的事项在 {layer} 消失用时 {_fmt(seconds, 2)} 秒（≤ {TARGETS['purge_seconds']:.0f}）")
    for worker in throughput_results.get("memory", []):
        check(worker["rss_mb"] <= TARGETS["rss_mb"], f"worker {worker['pid']} RSS {worker['rss_mb']:.0f} MB（≤ {TARGETS['rss_mb']}）")
    results["unmet"] = sorted(unmet)
    return lines


STAGES = ("single", "quality", "throughput", "soak", "crowd")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="信息公开网基准测试（PostgreSQL + gunicorn + wrk）")
    parser.add_argument("--items", type=int, default=generate.DEFAULT_SCALE["items"])
    parser.add_argument("--requests", type=int, default=generate.DEFAULT_SCALE["requests"])
    parser.add_argument("--repeat", type=int, default=30, help="每页单用户请求次数")
    parser.add_argument("--duration", type=int, default=20, help="每页负载秒数")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-throughput", action="store_true", help="只做单用户计时与搜索质量")
    parser.add_argument("--soak", type=int, default=60, help="公开页面持续负载秒数（0 为不做）")
    parser.add_argument("--crowd", type=int, default=60, help="人群阶段秒数（nginx + gunicorn，0 为不做）")
    parser.add_argument("--crowd-connections", type=int, default=1000)
    parser.add_argument("--crowd-think", type=int, default=100,
                        help="人群中每个连接两次请求之间的毫秒数（±50%%；0 为不停发送，测机器上限）")
    parser.add_argument("--crowd-saturation", type=int, default=20,
                        help="另测同样的人群不停发送（不停顿）的秒数，看这台机器的上限（0 为不做）")
    parser.add_argument("--stages", default=",".join(STAGES),
                        help=f"只做其中几个阶段，逗号分隔：{','.join(STAGES)}")
    parser.add_argument("--force", action="store_true", help="重建数据")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results"), help="结果文件（不含扩展名）")
    args = parser.parse_args(argv)
    stages = {s.strip() for s in args.stages.split(",") if s.strip()}
    if unknown := stages - set(STAGES):
        parser.error(f"未知阶段：{', '.join(sorted(unknown))}")
    if args.no_throughput:
        stages -= {"throughput", "soak", "crowd"}

    scale = {**generate.DEFAULT_SCALE, "items": args.items, "requests": args.requests}
    info = generate.ensure_dataset(scale, force=args.force, log=log)
    from django.conf import settings
    from django.core.cache import cache

    cache.clear()
    results = {
        "started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": f"{platform.node()}，{os.cpu_count()} 核，Python {platform.python_version()}，"
        f"开始时负载 {os.getloadavg()[0]:.1f}",
        "dataset": info, "duration": args.duration, "connections": args.connections,
        "workers": args.workers, "notes": [], "stages": sorted(stages, key=STAGES.index),
        "pages": [], "search_quality": [],
    }
    page_list, results["notes"] = pages(info)
    if "single" in stages:
        log("单用户计时：")
        results["pages"] = measure_in_process(page_list, args.repeat)
        item_url = next(p["url"] for p in page_list if p["kind"] == "item")
        results["item_breakdown"] = item_page_breakdown(item_url)
        b = results["item_breakdown"]
        log(f"  详情页进程内：整页 {b['page_us']:.0f} µs，其中查询编译 {b['compile_us']:.0f} µs、执行 {b['query_us']:.0f} µs；"
            f"框架下限 {b['floor_us']:.0f} µs")
    if "quality" in stages:
        log("搜索质量：")
        results["search_quality"] = search_quality(info)
    results["throughput"] = {}
    if "throughput" in stages:
        log("吞吐量：")
        cookie = f"{settings.SESSION_COOKIE_NAME}={staff_session()}"
        results["throughput"] = throughput(page_list, args.duration, args.connections, args.workers, cookie)
    if "soak" in stages and args.soak:
        log("持续负载：")
        results["throughput"]["soak"] = soak(page_list, args.soak, args.connections, args.workers)
    if "crowd" in stages and args.crowd:
        from bench.crowd import flash_crowd

        log("人群（nginx + gunicorn + PostgreSQL + Redis）：")
        cache.clear()
        results["crowd"] = flash_crowd(info, seconds=args.crowd, connections=args.crowd_connections,
                                       workers=args.workers, think_ms=args.crowd_think, log=log)
        if args.crowd_saturation:
            log("人群，不停发送（机器上限，不计目标）：")
            cache.clear()
            results["crowd_saturation"] = flash_crowd(
                info, seconds=args.crowd_saturation, connections=args.crowd_connections,
                workers=args.workers, think_ms=0, log=log)
    results["verdict"] = verdict(results)
    output = Path(args.output)
    text = write_results(results, output.with_suffix(".md"), output.with_suffix(".json"))
    print()
    print(text)


if __name__ == "__main__":
    main()
