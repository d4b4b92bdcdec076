"""Writing seizure reports as CSV or XLSX: the exports and the import template.

Both take their columns from ``seizures.columns`` and are written by ``core.spreadsheets``,
which neutralises what a spreadsheet would run as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.spreadsheets import XLSX_CONTENT_TYPE, csv_lines, xlsx_bytes

from .columns import EXPORT_COLUMNS, IMPORT_COLUMNS, header_labels

__all__ = ["XLSX_CONTENT_TYPE"]


def export_csv_lines(rows: Iterable[list]) -> Iterator[str]:
    return csv_lines(EXPORT_COLUMNS, rows)


def export_xlsx(rows: Iterable[list]) -> bytes:
    """The export for analysts: headers in the active language, then a row of column codes
    (the import reads the file back by them), then typed cells (``to_typed_cells``)."""
    return xlsx_bytes(header_labels(), rows, title=_("Seizures"), codes=EXPORT_COLUMNS)


def export_filename(filters, fmt: str, today: date) -> str:
    """The file name of an export, saying what was filtered: ``seizures-tobacco-2024.xlsx``
    (a category and a whole year), ``seizures-kz-heroin-2024-01-01-2024-03-31.csv``; with no
    filter, the day of the export (``seizures-20261203.csv``)."""
    data = filters.form.cleaned_data if filters.is_bound and filters.is_valid() else {}
    parts = []
    for name in ("member", "category", "commodity", "operation", "transport_mode"):
        value = data.get(name)
        if value:
            parts.append(str(getattr(value, "code", value)))
    start, end = data.get("from"), data.get("to")
    if (
        start
        and end
        and start.year == end.year
        and (start.month, start.day) == (1, 1)
        and (
            end.month,
            end.day,
        )
        == (12, 31)
    ):
        parts.append(str(start.year))
    elif start and end:
        parts.append(f"{start.isoformat()}-{end.isoformat()}")
    elif start:
        parts.append(f"from-{start.isoformat()}")
    elif end:
        parts.append(f"to-{end.isoformat()}")
    if data.get("q"):
        parts.append(str(data["q"]))
    slug = "-".join(filter(None, (slugify(part) for part in parts)))[:100].strip("-")
    return f"seizures-{slug or today.strftime('%Y%m%d')}.{fmt}"


def import_template_csv() -> str:
    """An empty import file: the header of the columns an import expects."""
    return "".join(csv_lines(IMPORT_COLUMNS, []))


def import_template_xlsx() -> bytes:
    return xlsx_bytes(IMPORT_COLUMNS, [], title=_("Seizures"))
