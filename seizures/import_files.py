"""Reading an import file of seizure reports: its size and, for XLSX, its zip directory are
checked before it is opened; it is parsed row by row (CSV or XLSX) and its header checked as
a whole. ``seizures.importing`` checks and writes what it reads."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .cells import cell_text, control_character_message, has_control_characters
from .columns import (
    DERIVED_COLUMNS,
    IMPORT_COLUMNS,
    IMPORT_OPTIONAL_COLUMNS,
    IMPORT_REQUIRED_COLUMNS,
)

#: Every column an import knows, in the order rows are reported.
KNOWN_COLUMNS = IMPORT_COLUMNS + IMPORT_OPTIONAL_COLUMNS
#: What an export writes to keep a spreadsheet from running a cell (see ``exporting``).
_NEUTRALISED = re.compile(r"^'[=+\-@\t\r]")

#: How many row errors an import keeps and reports (the total is always given).
MAX_REPORTED_ERRORS = 500


class ImportRejected(ValidationError):
    """A file was refused as a whole. ``row_errors`` lists ``{"row", "column", "message"}``
    (row numbers as a spreadsheet shows them: the header is row 1); ``error_count`` is the
    total number of problems, of which at most ``MAX_REPORTED_ERRORS`` are listed."""

    def __init__(self, row_errors: list[dict], error_count: int | None = None):
        self.row_errors = row_errors[:MAX_REPORTED_ERRORS]
        self.error_count = len(row_errors) if error_count is None else error_count
        super().__init__({"file": [self.summary]})

    @property
    def summary(self) -> str:
        return ngettext(
            "Nothing was imported: the file has %(count)s problem.",
            "Nothing was imported: the file has %(count)s problems.",
            self.error_count,
        ) % {"count": self.error_count}


def import_size_check(size: int) -> None:
    """The one size limit of every import path (browser form, import job, API):
    ``SEIZURES_IMPORT_MAX_BYTES``. Raises a ``ValidationError`` on the ``file`` field."""
    limit = settings.SEIZURES_IMPORT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            {
                "file": [
                    _("The file is too large: an import file has at most %(size)s.")
                    % {"size": _size_text(limit)}
                ]
            }
        )


def xlsx_archive_check(content: bytes) -> None:
    """The one check of an XLSX file (a zip archive) before anything opens it, used by every
    XLSX reader and at upload: the number of members (``SEIZURES_IMPORT_XLSX_MAX_MEMBERS``),
    each member's declared unpacked size (``SEIZURES_IMPORT_XLSX_MAX_MEMBER_BYTES``) and their
    sum (``SEIZURES_IMPORT_XLSX_MAX_UNPACKED_BYTES``). Only the archive's directory is read,
    so a zip bomb is refused in milliseconds; Python's zipfile never inflates a member past its
    declared size, so these sizes bound what opening the workbook can unpack. Anything that is
    not a zip archive passes (the reader says what is wrong with it). Raises a
    ``ValidationError`` on the ``file`` field."""
    if content[:2] != b"PK":
        return
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return
    if len(members) > settings.SEIZURES_IMPORT_XLSX_MAX_MEMBERS:
        raise ValidationError(
            {
                "file": [
                    _("The workbook has too many parts: at most %(count)s are accepted.")
                    % {"count": settings.SEIZURES_IMPORT_XLSX_MAX_MEMBERS}
                ]
            }
        )
    member_limit = settings.SEIZURES_IMPORT_XLSX_MAX_MEMBER_BYTES
    total_limit = settings.SEIZURES_IMPORT_XLSX_MAX_UNPACKED_BYTES
    largest = max((member.file_size for member in members), default=0)
    total = sum(member.file_size for member in members)
    if largest > member_limit or total > total_limit:
        raise ValidationError(
            {
                "file": [
                    _(
                        "The workbook unpacks to more than an import accepts (%(size)s). "
                        "Split it into smaller files, or save it as CSV."
                    )
                    % {"size": _size_text(min(member_limit, total_limit))}
                ]
            }
        )


def _size_text(size: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(size))


def detect_format(content: bytes, filename: str) -> str:
    name = (filename or "").lower()
    if content[:2] == b"PK" or name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith((".csv", ".txt")) or not name or "." not in name:
        return "csv"
    raise ImportRejected([{"row": 0, "column": "", "message": _("Upload a CSV or XLSX file.")}])


def csv_rows(content: bytes) -> Iterator[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(
            [{"row": 0, "column": "", "message": _("The CSV file is not encoded in UTF-8.")}]
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def xlsx_rows(content: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        xlsx_archive_check(content)
    except ValidationError as error:
        raise ImportRejected(
            [{"row": 0, "column": "", "message": m} for m in error.message_dict["file"]]
        ) from None
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise ImportRejected(
            [{"row": 0, "column": "", "message": _("The file is not a readable XLSX workbook.")}]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except ImportRejected:
        raise
    except Exception:  # read-only mode parses lazily: a damaged sheet fails here
        raise ImportRejected(
            [{"row": 0, "column": "", "message": _("The file is not a readable XLSX workbook.")}]
        ) from None
    finally:
        workbook.close()


def _unneutralised(cell):
    """The value an export made inert with a leading apostrophe, as it was typed."""
    if isinstance(cell, str) and _NEUTRALISED.match(cell):
        return cell[1:]
    return cell


def read_import_file(
    content: bytes, filename: str = "", notes: list[str] | None = None
) -> list[tuple[int, dict]]:
    """Parse a CSV or XLSX file into (row number, {column: cell}) pairs, skipping empty rows.
    Raises ``ImportRejected`` when the file or its header is unusable. The portal's own export
    imports unchanged: its derived columns are dropped, with a line for the uploader added to
    ``notes``."""
    rows = xlsx_rows(content) if detect_format(content, filename) == "xlsx" else csv_rows(content)
    columns = _header(rows)
    problems = _header_problems(columns)
    start = 2
    if problems:
        # The portal's XLSX export heads its columns in the reader's language, with their
        # codes in a second row: a file whose second row is a good header is read by it.
        codes = _second_header(rows)
        if codes is None or _header_problems(codes):
            raise ImportRejected(problems)
        columns, start = codes, 3
    derived = [c for c in columns if c in DERIVED_COLUMNS]
    if derived and notes is not None:
        notes.append(
            _(
                "The column(s) %(columns)s are computed by the portal from the other columns; "
                "they were ignored."
            )
            % {"columns": ", ".join(derived)}
        )
    parsed = _data_rows(rows, [None if c in DERIVED_COLUMNS else c for c in columns], start)
    if not parsed:
        raise ImportRejected(
            [{"row": 0, "column": "", "message": _("The file has no seizure reports.")}]
        )
    return parsed


def _header(rows) -> list[str]:
    """The first row's column names, in lower case."""
    try:
        header = next(rows)
    except StopIteration:
        raise ImportRejected(
            [{"row": 0, "column": "", "message": _("The file is empty.")}]
        ) from None
    except csv.Error as error:
        raise ImportRejected([{"row": 1, "column": "", "message": str(error)}]) from None
    if has_control_characters(header):
        raise ImportRejected([{"row": 1, "column": "", "message": control_character_message()}])
    return [cell_text(c).lower() for c in header]


def _second_header(rows) -> list[str] | None:
    """The second row's cells as column names (lower case), or None if there is none."""
    try:
        second = next(rows)
    except (StopIteration, csv.Error):
        return None
    if has_control_characters(second):
        return None
    return [cell_text(c).lower() for c in second]


def _header_problem(columns: list[str], message) -> dict:
    return {"row": 1, "column": ", ".join(columns), "message": message}


def _header_problems(columns: list[str]) -> list[dict]:
    """Missing, unknown and repeated columns, each as one problem of row 1."""
    problems = []
    missing = [c for c in IMPORT_REQUIRED_COLUMNS if c not in columns]
    if missing:
        message = _("The header lacks the column(s) %(columns)s.")
        problems.append(_header_problem(missing, message % {"columns": ", ".join(missing)}))
    known = set(KNOWN_COLUMNS) | set(DERIVED_COLUMNS)
    unknown = [c for c in columns if c and c not in known]
    if unknown:
        message = _("Unknown column(s) %(columns)s; the columns are: %(expected)s.") % {
            "columns": ", ".join(unknown),
            "expected": ", ".join(KNOWN_COLUMNS),
        }
        problems.append(_header_problem(unknown, message))
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    if duplicated:
        message = _("The column(s) %(columns)s appear more than once.")
        problems.append(_header_problem(duplicated, message % {"columns": ", ".join(duplicated)}))
    return problems


def _data_rows(rows, kept: list[str | None], start: int = 2) -> list[tuple[int, dict]]:
    """The rows after the header that have anything in them, keyed by the kept columns
    (``start``: the first one's row number)."""
    parsed = []
    try:
        for number, row in enumerate(rows, start=start):
            if not any(cell_text(cell) for cell in row):
                continue
            cells = zip(kept, row, strict=False)
            parsed.append(
                (number, {column: _unneutralised(cell) for column, cell in cells if column})
            )
    except csv.Error as error:
        raise ImportRejected(
            [{"row": len(parsed) + start, "column": "", "message": str(error)}]
        ) from None
    return parsed
