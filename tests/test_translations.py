"""The Russian catalogue is complete and well formed: GNU msgfmt checks the format strings and
plural forms and counts the entries; nothing may be untranslated or fuzzy. After adding
strings, run `make messages`, translate (bin/po_tool.py todo / apply) and compile."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parent.parent / "locale" / "ru" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed (CI has it)"
)


def _statistics(po: Path, tmp_path) -> tuple[int, int, int, str]:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "out.mo"), str(po)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    report = result.stderr.strip()
    assert result.returncode == 0, report

    def count(word):
        found = re.search(rf"(\d+) {word}", report)
        return int(found.group(1)) if found else 0

    return count("translated"), count("fuzzy"), count("untranslated"), report


def test_the_russian_catalogue_has_nothing_untranslated_or_fuzzy(tmp_path):
    translated, fuzzy, untranslated, report = _statistics(PO, tmp_path)
    assert translated > 1000, report
    assert (fuzzy, untranslated) == (0, 0), report


def test_the_committed_mo_is_compiled_from_the_po(tmp_path):
    """The project commits the compiled catalogue: it must not lag behind the .po."""
    _statistics(PO, tmp_path)
    assert (tmp_path / "out.mo").read_bytes() == MO.read_bytes(), (
        "locale/ru/LC_MESSAGES/django.mo is stale: run compilemessages"
    )


def test_the_check_counts_untranslated_and_fuzzy_entries(tmp_path):
    """The statistics this test relies on do count a missing and a fuzzy translation."""
    text = PO.read_text(encoding="utf-8")
    text += (
        '\nmsgid "An untranslated test sentence"\nmsgstr ""\n'
        '\n#, fuzzy\nmsgid "A fuzzy test sentence"\nmsgstr "Нечёткий перевод"\n'
    )
    broken = tmp_path / "broken.po"
    broken.write_text(text, encoding="utf-8")
    _, fuzzy, untranslated, report = _statistics(broken, tmp_path)
    assert (fuzzy, untranslated) == (1, 1), report
