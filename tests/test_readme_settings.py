"""The README's settings tables and what the code reads from the environment stay equal:
every variable ireN/settings.py reads is in a table, and every variable in a table is read by
the settings or by the serving and backup scripts."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def read_by_settings() -> set[str]:
    source = (ROOT / "ireN" / "settings.py").read_text()
    return set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", source))


def read_by_scripts() -> set[str]:
    names = set()
    for path in [ROOT / "gunicorn.conf.py", ROOT / "Procfile", ROOT / "Makefile"]:
        text = path.read_text()
        names |= set(re.findall(r"(?:environ\.get|_int)\(\"([A-Z][A-Z0-9_]+)\"", text))
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", text))
    for path in (ROOT / "bin").glob("*.sh"):
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", path.read_text()))
    return names


def documented() -> set[str]:
    names = set()
    for line in (ROOT / "README.md").read_text().splitlines():
        cells = line.split("|")
        if line.startswith("| `") and len(cells) > 2:
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]{2,})`", cells[1]))
    return names


def test_every_variable_the_settings_read_is_in_a_readme_table():
    missing = read_by_settings() - documented()
    assert not missing, f"read in ireN/settings.py, missing from the README: {sorted(missing)}"


def test_every_variable_in_a_readme_table_is_read_somewhere():
    unread = documented() - read_by_settings() - read_by_scripts()
    assert not unread, f"in the README, read nowhere: {sorted(unread)}"


def test_the_tables_are_found_at_all():
    # Guards the two tests above against a README whose tables this parser no longer sees.
    assert {"DATABASE_URL", "SECRET_KEY", "REDIS_URL"} <= documented()
