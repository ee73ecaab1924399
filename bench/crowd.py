"""The flash crowd: the shipped stack end to end, as on the day admission results are published.

nginx (Debian's package, docker/nginx.conf as shipped, through bench.stack) in front of gunicorn
(gunicorn.conf.py, the page cache where the portal ships it) on PostgreSQL and Redis, without
Docker. wrk drives `connections` concurrent keep-alive connections for `seconds` over the home page,
item pages, the checklist and a few searches, drawn at random with fixed weights.

In the same run, a visitor keeps reading one more item (not in wrk's mix, so that its 404 after the
withdrawal does not count as an error of the crowd); once nginx serves it from its cache, the office
withdraws it, and the stage measures how long until neither gunicorn (the Django page cache) nor
nginx (the micro-cache) hands it out any more.
"""

from __future__ import annotations

import http.client
import random
import resource
import shutil
import threading
import time
from urllib.parse import urlencode, urlsplit

from bench import stack

# Share of the crowd's requests per kind of page (the rest of the weight goes to item pages).
MIX = {"home": 10, "checklist": 10, "search": 10, "item": 70}
ITEMS_IN_MIX = 300
WITHDRAW_AFTER = 0.4  # of the run: the crowd is at full speed by then
# Between two requests of one connection: 1,000 visitors who each click about ten times a second
# offer at most 10,000 requests a second, twice the target, and leave the machine room to answer.
THINK_MS = 100


def _crowd_paths(info: dict) -> tuple[list[str], int]:
    """Weighted paths for wrk, and the id of the item to withdraw during the run (not among them)."""
    from django.urls import reverse

    from disclosure.items.models import DisclosureItem

    ids = list(DisclosureItem.objects.public().order_by("-published_at", "-id").values_list("pk", flat=True)[:ITEMS_IN_MIX + 1])
    withdrawn, ids = ids[0], ids[1:]
    words = info["words"]
    queries = [words["rare"], words["common"], " ".join(words["pair"]), *words["pair"]]
    slots = 1000  # the weighted draw: MIX[kind] percent of the slots per kind
    search = reverse("disclosure:search")
    item_paths = [reverse("disclosure:item", args=[pk]) for pk in ids]
    rng = random.Random(2026)
    paths: list[str] = []
    paths += [reverse("disclosure:home")] * (slots * MIX["home"] // 100)
    paths += [reverse("disclosure:checklist")] * (slots * MIX["checklist"] // 100)
    paths += [f"{search}?{urlencode({'q': queries[n % len(queries)]})}" for n in range(slots * MIX["search"] // 100)]
    # Items as a crowd reads them: half the reads go to the ten newest (the admission list), the
    # rest spread over ITEMS_IN_MIX.
    paths += [rng.choice(item_paths[:10] if rng.random() < 0.5 else item_paths)
              for _ in range(slots * MIX["item"] // 100)]
    return paths, withdrawn


def _get(base: str, path: str) -> tuple[int, str]:
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, response.headers.get("X-Proxy-Cache", "")
    finally:
        connection.close()


class Withdrawal(threading.Thread):
    """Reads one item through nginx and straight from gunicorn; withdraws it; times its disappearance."""

    def __init__(self, proxy: str, app: str, item_id: int, at: float):
        super().__init__(daemon=True)
        from django.urls import reverse

        self.proxy, self.app, self.item_id, self.at = proxy, app, item_id, at
        self.path = reverse("disclosure:item", args=[item_id])
        self.result: dict = {"item": item_id, "path": self.path}

    def run(self) -> None:
        try:
            self._run()
        except Exception as error:  # noqa: BLE001 - reported in the results, never hides the crowd's figures
            self.result["error"] = repr(error)

    def _run(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import connections

        from disclosure.items import actions
        from disclosure.items.models import DisclosureItem

        started = time.monotonic()
        cached_before = False
        while time.monotonic() - started < self.at or not cached_before:
            status, cache = _get(self.proxy, self.path)
            cached_before = status == 200 and cache in ("HIT", "STALE", "UPDATING")
            if time.monotonic() - started > self.at + 20:
                raise RuntimeError(f"撤回前 nginx 始终未缓存该页（最后状态 {status} {cache}）")
            time.sleep(0.05)
        self.result["before"] = {"status": status, "x_proxy_cache": cache}
        office = get_user_model().objects.get(username="bench_office")
        item = DisclosureItem.objects.get(pk=self.item_id)
        withdrawn_at = time.monotonic()
        actions.withdraw_item(item, by=office, reason="基准测试：人群中撤回")
        committed = time.monotonic()
        gone = {}
        while len(gone) < 2 and time.monotonic() - committed < 30:
            for name, base in (("gunicorn", self.app), ("nginx", self.proxy)):
                if name not in gone:
                    status, _cache = _get(base, self.path)
                    if status != 200:
                        gone[name] = {"status": status, "seconds": time.monotonic() - committed}
            time.sleep(0.02)
        self.result.update(withdraw_seconds=committed - withdrawn_at, gone=gone)
        # Put the item back for the next run (the data are reused); its history keeps both steps.
        DisclosureItem.objects.filter(pk=self.item_id).update(status=item.Status.PUBLISHED, withdrawn_reason="")
        connections.close_all()


def _raise_open_files() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))


def flash_crowd(info: dict, *, seconds: int, connections: int, workers: int, threads: int = 2,
                think_ms: int = THINK_MS, log=print) -> dict:
    """Run the crowd; returns wrk's figures, the withdrawal's timings and what the stack was."""
    from bench import run

    if not shutil.which("wrk"):
        return {"skipped": "wrk 未安装"}
    if not stack.NGINX.exists():
        return {"skipped": "未安装 nginx（apt-get install -y nginx-light）"}
    _raise_open_files()  # wrk and this process inherit it: 1,000 sockets need more than 1,024 files
    paths, withdrawn = _crowd_paths(info)
    # A visitor reads before clicking again; think_ms 0 makes every connection ask again at once
    # (saturation: the machine's ceiling, not a crowd).
    script = run.wrk_script(paths, at_random=True, think_ms=think_ms)
    app_port, proxy_port = stack.free_port(), stack.free_port()
    app = run.start_gunicorn("bench.settings_cached", app_port, workers)
    watcher = None
    try:
        with stack.nginx_in_front_of(app_port, proxy_port, worker_processes="auto",
                                     worker_connections=max(4096, connections * 4)) as proxy:
            for path in set(paths):  # warm: the first visitor of each page fills both caches
                _get(proxy, path)
            watcher = Withdrawal(proxy, f"http://127.0.0.1:{app_port}", withdrawn, seconds * WITHDRAW_AFTER)
            watcher.start()
            row = run.wrk(f"{proxy}/", seconds, connections, script=str(script), threads=threads,
                          keep_alive=True)
            watcher.join(timeout=60)
    finally:
        run.stop(app)
        shutil.rmtree(script.parent, ignore_errors=True)
    row.update(
        seconds=seconds, connections=connections, threads=threads, gunicorn_workers=workers, think_ms=think_ms,
        distinct_paths=len(set(paths)), mix=MIX,
        withdrawal=watcher.result if watcher else {"error": "未运行"},
    )
    gone = row["withdrawal"].get("gone", {})
    log(
        f"  {connections} 个连接 {seconds} 秒：{row['requests']:,} 个请求，{row['rps']:,.0f} 请求/秒，"
        f"p99 {row['p99_ms']} ms，非 2xx/3xx {row['non_2xx']}，{row['socket_errors'] or '无套接字错误'}；"
        f"撤回后消失：" + "，".join(f"{k} {v['seconds']:.2f} 秒" for k, v in gone.items())
    )
    return row
