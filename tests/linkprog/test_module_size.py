"""No module of Link's own passes 500 lines (issue 12, item 4): a longer one becomes a package
by topic (``../shared/CONVENTIONS.md``). Migrations and tests are not counted."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 500
#: Folders that hold no module of Link's own (virtualenvs and caches start with a dot).
NOT_LINKS = {"tests", "migrations", "node_modules", "static", "var", "__pycache__"}


def links_modules(root: Path = ROOT):
    for path in root.rglob("*.py"):
        folders = path.relative_to(root).parts[:-1]
        if any(f in NOT_LINKS or f.startswith(".") or f.endswith(".egg-info") for f in folders):
            continue
        yield path


def test_the_walk_finds_links_modules_and_nothing_else():
    found = {path.relative_to(ROOT).as_posix() for path in links_modules()}
    assert {"manage.py", "linkprog/settings/base.py", "outbox/services/sending.py"} <= found
    assert not any(
        name.startswith(("tests/", ".")) or "/migrations/" in name or "site-packages" in name
        for name in found
    )


def test_no_module_passes_500_lines():
    too_long = {}
    for path in links_modules():
        with path.open(encoding="utf-8") as source:
            lines = sum(1 for _ in source)
        if lines > MAX_LINES:
            too_long[path.relative_to(ROOT).as_posix()] = lines
    assert not too_long, (
        f"Modules over {MAX_LINES} lines; make each a package by topic: "
        + ", ".join(f"{name} ({lines})" for name, lines in sorted(too_long.items()))
    )
