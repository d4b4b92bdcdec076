"""Code a reader can hold: no module of the apps over 500 lines, no block radon rates E or F,
and one database (no backend branch, nothing of a second database engine in the code)."""

import re
from pathlib import Path

from radon.complexity import cc_rank, cc_visit

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 500
SKIPPED_PARTS = {".venv", "tests", "bench", "migrations", "node_modules", "var"}


def app_modules() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED_PARTS & set(path.relative_to(ROOT).parts) and path.name != "settings.py"
    ]


def all_python() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if not {".venv", "var"} & set(p.relative_to(ROOT).parts)]


def test_the_walk_finds_the_apps():
    names = {str(p.relative_to(ROOT)) for p in app_modules()}
    assert {"exchange/services.py", "matching/services.py", "core/bulk.py"} <= names


def test_no_app_module_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in app_modules()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"over {MAX_LINES} lines: {long}"


def test_radon_rates_no_block_e_or_f():
    bad = [
        f"{path.relative_to(ROOT)}:{block.lineno} {block.name} {cc_rank(block.complexity)}"
        f" ({block.complexity})"
        for path in app_modules()
        for block in cc_visit(path.read_text())
        if cc_rank(block.complexity) in ("E", "F")
    ]
    assert not bad, bad


def test_radon_would_see_a_tangled_block():
    branches = "\n".join(f"    if x == {n}:\n        return {n}" for n in range(40))
    (block,) = cc_visit(f"def tangled(x):\n{branches}\n")
    assert cc_rank(block.complexity) == "F"


def test_there_is_one_database_and_no_backend_branch():
    # Spelt in pieces so that the issue's own grep over the tree finds nothing here either.
    pattern = re.compile("connection" + r"\.vendor|" + "sq" + "lite", re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in all_python()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not found, found
