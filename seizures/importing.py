"""Importing a file of seizure reports (CSV or XLSX, from the browser or the API): reading it,
checking every row with the one validator, and writing all rows in one transaction, or none.

Import jobs (the browser's path, with progress) are in ``seizures.import_jobs``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.bulk import copy_rows, gc_paused, sequence_take
from members.models import ReleaseState
from members.releases import release_required

from .auditing import seizures_import_record
from .cells import cell_text, control_character_message, has_control_characters
from .columns import (
    DERIVED_COLUMNS,
    IMPORT_COLUMNS,
    IMPORT_OPTIONAL_COLUMNS,
    IMPORT_REQUIRED_COLUMNS,
)
from .matching import seizure_values_index
from .models import SeizureReport, Sharing
from .releasing import seizure_held_alert
from .totals import totals_add
from .validation import SeizureValidator, references_taken

#: Every column an import knows, in the order rows are reported.
_KNOWN_COLUMNS = IMPORT_COLUMNS + IMPORT_OPTIONAL_COLUMNS
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


def _csv_rows(content: bytes) -> Iterator[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(
            [{"row": 0, "column": "", "message": _("The CSV file is not encoded in UTF-8.")}]
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(content: bytes) -> Iterator[list]:
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
    rows = _xlsx_rows(content) if detect_format(content, filename) == "xlsx" else _csv_rows(content)
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
    known = set(_KNOWN_COLUMNS) | set(DERIVED_COLUMNS)
    unknown = [c for c in columns if c and c not in known]
    if unknown:
        message = _("Unknown column(s) %(columns)s; the columns are: %(expected)s.") % {
            "columns": ", ".join(unknown),
            "expected": ", ".join(_KNOWN_COLUMNS),
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


class ImportCheck:
    """Checking the rows of an import, one after the other, with a state that can be saved
    part-way and taken up again (an import job's checkpoints, ``seizures.import_jobs``): the
    reports of the rows checked so far, their problems, and the (member, reference) pairs seen
    (a reference used twice in one file is a problem of the second row). ``finish`` adds the
    references already in the database and raises, or returns the reports."""

    def __init__(self, *, user, member_ids: Iterable[int] | None = None):
        self.user = user
        self.validator = SeizureValidator(user=user, member_ids=member_ids)
        self.problems: list[dict] = []
        self.reports: list[dict] = []
        self.seen: dict[tuple[int, str], int] = {}

    def check(
        self,
        rows: list[tuple[int, dict]],
        *,
        start: int = 0,
        every: Callable[[int], None] | None = None,
    ) -> None:
        """Check ``rows[start:]``; ``every(done)`` is called after each thousandth row."""
        # The optional columns go in when the file has them (an export does).
        extra = bool(rows) and any(c in rows[0][1] for c in IMPORT_OPTIONAL_COLUMNS)
        for index, (number, values, errors) in enumerate(
            self._cleaned(rows, start, extra), start=start + 1
        ):
            if errors:
                self.problems += (
                    {"row": number, "column": column, "message": errors[column]}
                    for column in _KNOWN_COLUMNS
                    if column in errors
                )
            if values["reference"] and values["reporting_member_id"]:
                key = (values["reporting_member_id"], values["reference"])
                if key in self.seen:
                    self.problems.append(
                        {
                            "row": number,
                            "column": "reference",
                            "message": _(
                                "The reference %(reference)s is already used in row %(row)s."
                            )
                            % {"reference": key[1], "row": self.seen[key]},
                        }
                    )
                else:
                    self.seen[key] = number
            if not errors:
                values["created_by_id"] = getattr(self.user, "pk", None)
                self.reports.append(values)
            if every is not None and index % 1000 == 0:
                every(index)

    def _cleaned(self, rows: list[tuple[int, dict]], start: int, extra: bool):
        """(row number, values, errors) of ``rows[start:]``, checked a thousand rows at a time
        (``SeizureValidator.clean_many``), the pieces ending where the progress is reported."""
        piece = 1000
        while start < len(rows):
            end = min(len(rows), (start // piece + 1) * piece)
            numbers = [number for number, _data in rows[start:end]]
            cleaned = self.validator.clean_many([data for _n, data in rows[start:end]], extra=extra)
            for number, (values, errors) in zip(numbers, cleaned, strict=True):
                yield number, values, errors
            start = end

    def finish(self) -> list[dict]:
        """Add the references the database already has; raise ``ImportRejected`` naming every
        problem, or return the reports to write."""
        problems = self.problems
        taken = references_taken(self.seen)
        if taken:
            for (member_id, reference), number in self.seen.items():
                if (member_id, reference) in taken:
                    problems.append(
                        {
                            "row": number,
                            "column": "reference",
                            "message": _("%(member)s already has a seizure report %(reference)s.")
                            % {
                                "member": self.validator.member_codes[member_id],
                                "reference": reference,
                            },
                        }
                    )
        if problems:
            problems.sort(
                key=lambda p: (
                    p["row"],
                    _KNOWN_COLUMNS.index(p["column"]) if p["column"] in _KNOWN_COLUMNS else -1,
                )
            )
            raise ImportRejected(problems)
        return self.reports


def seizures_validate(
    *,
    user,
    rows: list[tuple[int, dict]],
    progress: Callable[[int], None] | None = None,
    member_ids: Iterable[int] | None = None,
) -> list[dict]:
    """Check every row of an import (no writes). Returns the field values of each report, or
    raises ``ImportRejected`` naming each bad row, column and reason. ``member_ids`` replaces
    the user's reporting rights for the demo data only."""
    check = ImportCheck(user=user, member_ids=member_ids)
    check.check(rows, every=progress)
    reports = check.finish()
    if progress is not None:
        progress(len(rows))
    return reports


#: Columns written by COPY, with the value for those an import does not set.
_COPY_DEFAULTS = {
    "vessel_or_flight": "",
    "vehicle": "",
    "estimated_value_usd": None,
    "revenue_recovered_usd": None,
    "transit_countries": "",
    "notes": "",
    "query_id": None,
}


def _copy_reports(reports: list[dict]) -> list[int]:
    """Stream the rows with COPY, several times faster than INSERTs. The pks are
    taken from the table's sequence first, in one statement, so nothing has to be read back.
    Returns them, in the order of ``reports``.

    The checked values go to the CSV writer as they are: it writes None as the empty field
    (NULL in the nullable columns, empty text in the others), and numbers, decimals, dates
    and flags as their text, which PostgreSQL reads back as the same value. Only the lists of
    a ``CountryField(multiple=True)`` are joined (its column holds ``KZ,UZ``)."""
    table = SeizureReport._meta.db_table
    pks = sequence_take(table, len(reports))
    now = timezone.now().isoformat()
    fields = list(reports[0].keys())
    defaults = {k: v for k, v in _COPY_DEFAULTS.items() if k not in fields}
    columns = ["id", *fields, *defaults.keys(), "created_at"]
    tail = [*defaults.values(), now]
    by_column = {f.column: f for f in SeizureReport._meta.concrete_fields}
    joined = [n for n, f in enumerate(fields, 1) if getattr(by_column[f], "multiple", False)]
    values_of = itemgetter(*fields)

    def rows():
        for pk, values in zip(pks, reports, strict=True):
            row = [pk, *values_of(values), *tail]
            for n in joined:
                row[n] = ",".join(row[n] or ())
            yield row

    copy_rows(table, columns, [c for c in columns if not by_column[c].null], rows())
    return pks


def _mark_held(reports: list[dict], *, job_id: int | None) -> int:
    """Mark the network-shared reports of members whose release policy lists ``seizure`` as
    awaiting release (one policy read per member). With an import job and one such member,
    they await release together as the job (``import_job_id``); otherwise each on its own.
    Returns how many are held."""
    members = {r["reporting_member_id"] for r in reports if r.get("sharing") == Sharing.NETWORK}
    holding = {m for m in members if release_required(member_id=m, kind="seizure")}
    if not holding:
        return 0
    job_for = job_id if len(holding) == 1 else None
    held = 0
    for values in reports:
        is_held = (
            values.get("sharing") == Sharing.NETWORK and values["reporting_member_id"] in holding
        )
        values["release_state"] = (
            ReleaseState.AWAITING_RELEASE if is_held else ReleaseState.RELEASED
        )
        values["import_job_id"] = job_for if is_held else None
        held += is_held
    return held


@transaction.atomic
def seizures_write(reports: list[dict], *, job_id: int | None = None) -> int:
    """Write checked reports in one transaction (COPY), then index their identifiers for
    cross-country matching in the same transaction (set-based: a fixed number of statements
    per batch, none per row). Reports held under their member's release policy are written
    ``awaiting_release`` and go into neither the totals nor the index (see ``_mark_held``)."""
    if not reports:
        return 0
    held = _mark_held(reports, job_id=job_id)
    released = [
        i
        for i, values in enumerate(reports)
        if values.get("release_state", ReleaseState.RELEASED) == ReleaseState.RELEASED
    ]
    try:
        with transaction.atomic():
            pks = _copy_reports(reports)
            # The pre-aggregated totals, in the same transaction: one upsert per table.
            totals_add(reports if not held else [reports[i] for i in released])
    except IntegrityError:
        # Another import took one of these references between validation and writing.
        raise ImportRejected(
            [
                {
                    "row": 0,
                    "column": "reference",
                    "message": _(
                        "A reference in the file was taken while it was imported; "
                        "nothing was imported. Try again."
                    ),
                }
            ]
        ) from None
    if not held:
        seizure_values_index(reports=reports, pks=pks)
        return len(reports)
    seizure_values_index(reports=[reports[i] for i in released], pks=[pks[i] for i in released])
    on_their_own = [
        pks[i]
        for i, values in enumerate(reports)
        if values["release_state"] == ReleaseState.AWAITING_RELEASE
        and values["import_job_id"] is None
    ]
    for report in SeizureReport.objects.filter(pk__in=on_their_own).select_related(
        "reporting_member", "created_by"
    ):
        seizure_held_alert(report=report, author=report.created_by)
    return len(reports)


def seizures_import(
    *,
    user,
    content: bytes,
    filename: str = "",
    progress: Callable[[int], None] | None = None,
    notes: list[str] | None = None,
) -> int:
    """Import a CSV or XLSX file of seizure reports: every row is checked before anything is
    written, then all rows go in, in one transaction, or none (``ImportRejected``). Returns the
    number imported; lines for the uploader (ignored columns) are added to ``notes``."""
    import_size_check(len(content))
    xlsx_archive_check(content)
    with gc_paused():
        rows = read_import_file(content, filename, notes)
        reports = seizures_validate(user=user, rows=rows, progress=progress)
        with transaction.atomic():
            imported = seizures_write(reports)
            seizures_import_record(user=user, reports=reports, filename=filename)
    return imported
