"""Manifest import (CSV or XLSX; API and browser): one row per container and goods line, rows
sharing a ``transport_document`` forming one notice. The whole file is checked before anything
is written; then every notice goes in, in one transaction, or none.

The file reading and the size limit are the seizure import's (``seizures.importing``:
``SEIZURES_IMPORT_MAX_BYTES``); the answer has its shape, with ``field`` naming the column.
A file of more than ``ARRIVALS_IMPORT_SYNC_MAX_ROWS`` rows runs as an ``ArrivalImportJob``
on a worker, with progress.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seizures import import_files
from seizures import importing as seizure_importing
from seizures.cells import cell_text
from seizures.import_jobs import count_rows  # noqa: F401  (the API's row estimate)

from . import auditing, releasing
from .models import ArrivalImportJob
from .validation import (
    NOTICE_FIELDS,
    clean_containers,
    clean_goods,
    notice_clean,
)

logger = logging.getLogger(__name__)

LINE_COLUMNS = ("container", "seals", "hs_code", "description", "packages", "gross_kg")
NOTICE_COLUMNS = tuple(f for f in NOTICE_FIELDS if f not in ("containers", "goods"))
KNOWN_COLUMNS = NOTICE_COLUMNS + LINE_COLUMNS
REQUIRED_COLUMNS = ("transport_document",)
MAX_REPORTED_ERRORS = seizure_importing.MAX_REPORTED_ERRORS

import_size_check = seizure_importing.import_size_check


def sync_max_rows() -> int:
    return settings.ARRIVALS_IMPORT_SYNC_MAX_ROWS


class ImportRejected(ValidationError):
    """The file was refused as a whole: ``row_errors`` are ``{"row", "field", "message"}``
    (rows numbered as a spreadsheet shows them: the header is row 1)."""

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

    def answer(self) -> dict:
        return {
            "imported": 0,
            "detail": self.summary,
            "error_count": self.error_count,
            "errors": self.row_errors,
        }


def _converted(rejected) -> ImportRejected:
    return ImportRejected(
        [{"row": e["row"], "field": e.get("column", ""), "message": e["message"]} for e in
         rejected.row_errors],
        rejected.error_count,
    )  # fmt: skip


def read_manifest(content: bytes, filename: str = "") -> list[tuple[int, dict]]:
    """(row number, {column: text}) for every non-empty row; the header checked."""
    try:
        kind = seizure_importing.detect_format(content, filename)
        rows = import_files.xlsx_rows(content) if kind == "xlsx" else import_files.csv_rows(content)
        header = next(rows, None)
        if header is None:
            raise ImportRejected([{"row": 0, "field": "", "message": _("The file is empty.")}])
        columns = [cell_text(c).lower() for c in header]
        problems = []
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            problems.append(
                {
                    "row": 1,
                    "field": ", ".join(missing),
                    "message": _("The header lacks the column(s) %(columns)s.")
                    % {"columns": ", ".join(missing)},
                }
            )
        unknown = [c for c in columns if c and c not in KNOWN_COLUMNS]
        if unknown:
            problems.append(
                {
                    "row": 1,
                    "field": ", ".join(unknown),
                    "message": _("Unknown column(s) %(columns)s; the columns are: %(expected)s.")
                    % {"columns": ", ".join(unknown), "expected": ", ".join(KNOWN_COLUMNS)},
                }
            )
        if problems:
            raise ImportRejected(problems)
        parsed = []
        for number, row in enumerate(rows, start=2):
            cells = {c: cell_text(v) for c, v in zip(columns, row, strict=False) if c}
            if any(cells.values()):
                parsed.append((number, cells))
    except seizure_importing.ImportRejected as rejected:
        raise _converted(rejected) from None
    if not parsed:
        raise ImportRejected([{"row": 0, "field": "", "message": _("The file has no lines.")}])
    return parsed


def _errors_of(error: ValidationError, row: int, skip=()) -> list[dict]:
    return [
        {"row": row, "field": field, "message": str(message)}
        for field, messages in error.message_dict.items()
        if field not in skip
        for message in messages
    ]


def manifest_check(
    *, user, rows: list[tuple[int, dict]], progress: Callable[[int], None] | None = None
) -> tuple[list[dict], int]:
    """Check every row (no writes). Returns the notices' values and the number of lines, or
    raises ``ImportRejected`` naming each bad row, field and reason."""
    groups: dict[str, list[tuple[int, dict]]] = {}
    problems: list[dict] = []
    for number, cells in rows:
        document = cells.get("transport_document", "").strip().upper()
        if not document:
            problems.append(
                {
                    "row": number,
                    "field": "transport_document",
                    "message": _("This field is required."),
                }
            )
            continue
        groups.setdefault(document, []).append((number, cells))
    notices = []
    done = 0
    memo: dict = {}
    for group in groups.values():
        first_row, first = group[0]
        data = {c: first.get(c, "") for c in NOTICE_COLUMNS if first.get(c, "")}
        containers: list[dict] = []
        goods: list[dict] = []
        for number, cells in group:
            errors: dict = {}
            if cells.get("container"):
                found = clean_containers(
                    [{"number": cells["container"], "seals": cells.get("seals", "")}], errors
                )
                for container in found:
                    if all(c["number"] != container["number"] for c in containers):
                        containers.append(container)
            if any(cells.get(c) for c in ("hs_code", "description", "packages", "gross_kg")):
                goods += clean_goods(
                    [{c: cells.get(c) for c in ("description", "hs_code", "packages", "gross_kg")}],
                    errors,
                )
            for field, messages in errors.items():
                column = {"containers": "container", "goods": "hs_code"}.get(field, field)
                problems += [{"row": number, "field": column, "message": m} for m in messages]
        try:
            notices.append(
                notice_clean(author=user, data=data, memo=memo, checked_lines=(containers, goods))
            )
        except ValidationError as error:
            problems += _errors_of(error, first_row, skip=("containers", "goods"))
        done += len(group)
        if progress is not None:
            progress(done)
    if problems:
        problems.sort(key=lambda p: p["row"])
        raise ImportRejected(problems)
    return notices, len(rows)


class Imported(NamedTuple):
    notices: int
    lines: int
    #: The import job its held notices await release with (``releasing.manifest_write``).
    held_job_id: int | None = None


def notices_import(
    *,
    user,
    content: bytes,
    filename: str = "",
    progress: Callable[[int], None] | None = None,
    job_id: int | None = None,
) -> Imported:
    """Import a manifest: checked whole, then written in one transaction (notices, index,
    screening, alerts, one audit event), or nothing. Notices the sending member's release
    policy holds await release together, with the import job (``releasing``)."""
    import_size_check(len(content))
    rows = read_manifest(content, filename)
    values, lines = manifest_check(user=user, rows=rows, progress=progress)
    with transaction.atomic():
        notices = releasing.manifest_write(
            author=user, values_list=values, lines=lines, filename=filename, job_id=job_id
        )
        auditing.notices_import_record(user=user, notices=notices, lines=lines, filename=filename)
    held_job_id = next((n.import_job_id for n in notices if n.import_job_id), None)
    return Imported(len(notices), lines, held_job_id)


# --- Jobs ------------------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, user, content: bytes, filename: str) -> ArrivalImportJob:
    """Store a large manifest as a job, queued for a worker when this transaction commits."""
    import_size_check(len(content))
    job = ArrivalImportJob.objects.create(
        created_by=user,
        filename=(filename or "")[:200],
        content=content,
        total_rows=count_rows(content, filename),
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import run_import

    try:
        run_import.delay(job_id)
    except Exception:  # the broker is unreachable: run it here rather than leave it waiting
        logger.exception("Broker unreachable: manifest import %s runs in the request", job_id)
        import_job_run(job_id=job_id)


def import_job_run(*, job_id: int) -> None:
    """Run a waiting job: claimed by a conditional update (a second run does nothing);
    progress is saved as rows are checked; the outcome is stored on the job."""
    claimed = ArrivalImportJob.objects.filter(
        pk=job_id, state=ArrivalImportJob.State.PENDING
    ).update(state=ArrivalImportJob.State.RUNNING)
    if claimed != 1:
        return
    job = ArrivalImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(done: int) -> None:
        ArrivalImportJob.objects.filter(pk=job_id).update(processed_rows=done)

    try:
        imported, lines, _held = notices_import(
            user=job.created_by,
            content=bytes(job.content),
            filename=job.filename,
            progress=progress,
            job_id=job_id,
        )
    except ImportRejected as rejected:
        ArrivalImportJob.objects.filter(pk=job_id).update(
            state=ArrivalImportJob.State.FAILED,
            errors=rejected.answer(),
            finished_at=timezone.now(),
        )
        return
    ArrivalImportJob.objects.filter(pk=job_id).update(
        state=ArrivalImportJob.State.DONE,
        imported=imported,
        lines=lines,
        processed_rows=lines,
        content=b"",
        finished_at=timezone.now(),
    )


def import_job_get(*, user, job_id: int) -> ArrivalImportJob:
    job = ArrivalImportJob.objects.filter(pk=job_id, created_by=user).first()
    if job is None:
        raise Http404
    return job


def import_job_answer(job: ArrivalImportJob) -> dict:
    answer = {
        "job": job.pk,
        "state": job.state,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
    }
    if job.state == ArrivalImportJob.State.DONE:
        answer.update(imported=job.imported, lines=job.lines)
    elif job.state == ArrivalImportJob.State.FAILED:
        answer.update(job.errors)
    return answer
