"""Writing seizure reports as CSV or XLSX: the exports and the import template.

Both take their columns from ``seizures.columns``. A spreadsheet must never run what a member
typed: text that a spreadsheet would read as a formula (beginning with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) gets a leading apostrophe, and every XLSX text cell is
written as a string, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from .columns import EXPORT_COLUMNS, IMPORT_COLUMNS

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Text a spreadsheet would take for a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV text, line by line (for a streamed response), with a BOM so that spreadsheets
    read it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([neutralise(c) for c in header])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def xlsx_bytes(header: list[str], rows: Iterable[list], *, title: str) -> bytes:
    """An XLSX workbook of one sheet; text cells are strings, never formulas."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)

    def cells(values):
        for value in values:
            value = neutralise(value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            yield cell

    sheet.append(list(cells(header)))
    for row in rows:
        sheet.append(list(cells(row)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv_lines(rows: Iterable[list]) -> Iterator[str]:
    return csv_lines(EXPORT_COLUMNS, rows)


def export_xlsx(rows: Iterable[list]) -> bytes:
    return xlsx_bytes(EXPORT_COLUMNS, rows, title=_("Seizures"))


def import_template_csv() -> str:
    """An empty import file: the header of the columns an import expects."""
    return "".join(csv_lines(IMPORT_COLUMNS, []))


def import_template_xlsx() -> bytes:
    return xlsx_bytes(IMPORT_COLUMNS, [], title=_("Seizures"))
