"""The shipped reverse proxy, runnable on this machine without Docker.

docker/nginx.conf is included inside `http {}` by nginx's image; here it is wrapped the same way,
with only where nginx listens, where the application is and where files go moved into a folder of
its own. Everything else (the micro-cache, its bypass rules, the headers) is the deployed file as
it is: the proxy cache tests and the benchmark's flash-crowd stage run exactly what ships.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = Path("/usr/sbin/nginx")
SHIPPED = ROOT / "docker" / "nginx.conf"


def runnable_nginx_config(folder: Path, listen: int, upstream: int, *, worker_processes: int | str = 1,
                          worker_connections: int = 64) -> str:
    """docker/nginx.conf with only its addresses and paths moved into `folder`, ready to run."""
    text = SHIPPED.read_text(encoding="utf-8")
    for old, new in {
        "server web:8000": f"server 127.0.0.1:{upstream}",
        "listen 80 default_server": f"listen 127.0.0.1:{listen} default_server",
        "/var/cache/nginx/pages": str(folder / "pages"),
        "/srv/static/": f"{folder}/static/",
        "/srv/media/": f"{folder}/media/",
    }.items():
        # Anything else changed in the shipped file would be run as it is, or fail here.
        if text.count(old) != 1:
            raise ValueError(f"docker/nginx.conf 中应当恰有一处 {old!r}")
        text = text.replace(old, new)
    return f"""daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
worker_processes {worker_processes};
worker_rlimit_nofile {max(1024, worker_connections * 2)};
events {{ worker_connections {worker_connections}; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{text}
}}
"""


def free_port() -> int:
    """A port on the loopback address that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    """Return once `url` answers (any HTTP status); fail at once if `process` has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"{url} 的进程已退出：{error[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback only
                return
        except urllib.error.HTTPError:
            return  # it answers: up
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} 未在 {timeout} 秒内就绪")


@contextmanager
def nginx_in_front_of(upstream: int, port: int, *, static_root: Path | None = None,
                      worker_processes: int | str = 1, worker_connections: int = 64):
    """The shipped nginx on 127.0.0.1:`port` in front of 127.0.0.1:`upstream`; yields its base URL."""
    folder = Path(tempfile.mkdtemp(prefix="disclosure-nginx-"))
    # Started as root, nginx's workers run as `nobody` and must reach the cache inside.
    folder.chmod(0o755)
    (folder / "media").mkdir()
    if static_root is not None and static_root.is_dir():
        shutil.copytree(static_root, folder / "static")
    else:
        (folder / "static").mkdir()
    config = folder / "nginx.conf"
    config.write_text(runnable_nginx_config(folder, port, upstream, worker_processes=worker_processes,
                                            worker_connections=worker_connections), encoding="utf-8")
    process = subprocess.Popen(
        [str(NGINX), "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/robots.txt", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)
