"""Which API operations a fuzzing run reached with a success, read from the server's access log.

    python scripts/api_reach.py SCHEMA.json SERVER.log

Every operation of the schema is matched against the requests the server logged (runserver's
`"POST /api/v1/staff/items/12/submit/ HTTP/1.1" 200` lines). Prints, per operation, how many
answers were successes and how many in all; exits 1 if an operation never answered 2xx, since a
contract test that never gets past the refusals has not tested what the operation does.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

METHODS = ("get", "post", "put", "patch", "delete")
LOG_LINE = re.compile(r'"(GET|POST|PUT|PATCH|DELETE) (\S+) HTTP/[\d.]+" (\d{3})')


def operations(schema: dict) -> list[tuple[str, str, re.Pattern]]:
    """(method, path, pattern) for every operation; a path parameter matches one segment."""
    found = []
    for path, item in schema["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + r"(\?.*)?$")
        for method in METHODS:
            if method in item:
                found.append((method.upper(), path, pattern))
    return found


def reach(schema: dict, log: str) -> dict[tuple[str, str], Counter]:
    ops = operations(schema)
    seen: dict[tuple[str, str], Counter] = {(method, path): Counter() for method, path, _ in ops}
    for method, url, status in LOG_LINE.findall(log):
        for op_method, path, pattern in ops:
            if op_method == method and pattern.match(url):
                seen[(op_method, path)]["2xx" if status.startswith("2") else "other"] += 1
                break
    return seen


def main(schema_path: str, log_path: str) -> int:
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    seen = reach(schema, Path(log_path).read_text(encoding="utf-8", errors="replace"))
    missing = []
    print(f"{'operation':<62} {'2xx':>6} {'all':>7}")
    for (method, path), counts in sorted(seen.items(), key=lambda row: (row[0][1], row[0][0])):
        total = counts["2xx"] + counts["other"]
        print(f"{method + ' ' + path:<62} {counts['2xx']:>6} {total:>7}")
        if not counts["2xx"]:
            missing.append(f"{method} {path}")
    print(f"\n{len(seen) - len(missing)} of {len(seen)} operations answered 2xx at least once.")
    for operation in missing:
        print(f"never 2xx: {operation}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
