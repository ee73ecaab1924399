"""The apps' dependencies run one way: each app imports only the apps below it in LAYERS.

An import against the order (even a late import inside a function) is how the cycles between models,
deadlines, the calendar and letters began; this test names the file that adds one.
"""

import ast
from pathlib import Path

import pytest

import disclosure

# Lowest first. An app may import the apps before it, never those after it.
LAYERS = [
    "core",
    "access",
    "catalogue",
    "workcalendar",
    "items",
    "disclosure_requests",
    "feedback",
    "annual_reports",
    "site",
    "backoffice",
    "api",
]
ROOT = Path(disclosure.__file__).parent


def imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        apps |= {name.split(".")[1] for name in names if name.startswith("disclosure.")}
    return apps


def test_every_app_is_placed_in_a_layer():
    apps = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() or
            p.is_dir() and (p / "urls.py").exists()}
    assert apps - {"__pycache__"} == set(LAYERS)


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_apps_below_it(app):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    wrong = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue  # a migration names the apps its models point at; it runs no code of theirs
        upward = imported_apps(path) - allowed
        if upward:
            wrong[str(path.relative_to(ROOT))] = sorted(upward)
    assert not wrong, f"imports against the layering: {wrong}"
