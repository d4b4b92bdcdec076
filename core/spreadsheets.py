"""Writing CSV and XLSX files that a spreadsheet opens without running anything in them.

A spreadsheet must never run what a member typed: text that it would read as a formula
(beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading
apostrophe (``neutralise``), and every XLSX text cell is written as a string, never as a
formula. ``csv_lines`` streams CSV line by line (for a ``StreamingHttpResponse``).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator

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


def csv_lines(header: Iterable, rows: Iterable[Iterable], *, bom: bool = True) -> Iterator[str]:
    """CSV text, line by line (for a streamed response), every cell neutralised; with a BOM
    first (``bom``) so that spreadsheets read it as UTF-8."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" if bom else "") + writer.writerow([neutralise(c) for c in header])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def xlsx_bytes(
    header: list[str], rows: Iterable[list], *, title: str, codes: list[str] | None = None
) -> bytes:
    """An XLSX workbook of one sheet; text cells are strings, never formulas. Numbers
    (int, float, Decimal) are written as numbers and dates as dates (``YYYY-MM-DD``). With
    ``codes``, a second header row names each column by its code (for a program reading the
    file back); both header rows stay in view when scrolling."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)
    sheet.freeze_panes = "A3" if codes else "A2"

    def cells(values, font=None):
        for value in values:
            value = neutralise(value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            if font is not None:
                cell.font = font
            yield cell

    sheet.append(list(cells(header, bold)))
    if codes:
        sheet.append(list(cells(codes)))
    for row in rows:
        sheet.append(list(cells(row)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
