"""Which way the imports point (STYLE.md): a lower app never imports a higher one."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each app, and the apps it must never import.
LAYERS = {
    "portal": {
        "accounts",
        "cohorts",
        "sessions_app",
        "workplans",
        "notifications",
        "dashboard",
        "demo",
    },
    "accounts": {"sessions_app", "workplans", "notifications", "dashboard", "demo"},
    "cohorts": {"sessions_app", "workplans", "notifications", "dashboard", "demo"},
    "notifications": {"sessions_app", "workplans", "dashboard", "demo"},
    # Side by side: neither imports the other's internals.
    "sessions_app": {"workplans", "dashboard", "demo"},
    "workplans": {"sessions_app", "dashboard", "demo"},
    "dashboard": {"demo"},
}
# portal/urls.py mounts every app: the one exception (STYLE.md).
EXCEPTIONS = {ROOT / "portal" / "urls.py"}


def imported_apps(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("app", sorted(LAYERS))
def test_an_app_imports_nothing_from_the_apps_above_it(app):
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path not in EXCEPTIONS
        for name in imported_apps(path)
        if name in LAYERS[app]
    ]
    assert wrong == []


def test_every_app_has_its_place_in_the_layers():
    """A new app (workplans, say) must say which apps it may not import."""
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps - {"demo"} == set(LAYERS)  # demo sits above every app and may import them all
