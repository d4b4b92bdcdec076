"""Writing seizure reports as CSV or XLSX: the exports and the import template.

Both take their columns from ``seizures.columns`` and are written by ``core.spreadsheets``,
which neutralises what a spreadsheet would run as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from core.spreadsheets import XLSX_CONTENT_TYPE, csv_lines, xlsx_bytes

from .columns import EXPORT_COLUMNS, IMPORT_COLUMNS

__all__ = ["XLSX_CONTENT_TYPE"]


def export_csv_lines(rows: Iterable[list]) -> Iterator[str]:
    return csv_lines(EXPORT_COLUMNS, rows)


def export_xlsx(rows: Iterable[list]) -> bytes:
    return xlsx_bytes(EXPORT_COLUMNS, rows, title=_("Seizures"))


def import_template_csv() -> str:
    """An empty import file: the header of the columns an import expects."""
    return "".join(csv_lines(IMPORT_COLUMNS, []))


def import_template_xlsx() -> bytes:
    return xlsx_bytes(IMPORT_COLUMNS, [], title=_("Seizures"))
