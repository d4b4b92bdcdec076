"""Import jobs: the browser's path for a file of seizure reports, with a progress bar for large
files. Small files are imported in the request; larger ones by a Celery task
(``seizures.import_job_run``).

A job is claimed by a conditional update (pending, or running past its lease), so running it
twice imports once. What can go wrong, and what then happens:

- the file is refused (``ImportRejected``): the job ends ``failed`` with its row report;
- the database or the file storage is briefly unreachable (``ImportInterrupted``): the claim
  is given back and the task retries with backoff (nothing was written: writing and finishing
  are one transaction);
- anything else is a bug a retry cannot fix: the job ends ``failed``, the uploader is told,
  and the error is logged.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .auditing import seizures_import_record
from .importing import (
    ImportRejected,
    detect_format,
    import_size_check,
    read_import_file,
    seizures_validate,
    seizures_write,
)
from .models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

#: Errors that say "try again later", not "this file or this code is wrong".
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)


class ImportInterrupted(Exception):
    """A job stopped on a transient error; its claim was given back, so a retry runs it."""


def count_rows(content: bytes, filename: str = "") -> int:
    """A cheap estimate of the number of data rows, to decide between now and Celery."""
    try:
        kind = detect_format(content, filename)
    except ImportRejected:
        return 0
    if kind == "csv":
        return max(0, content.count(b"\n") - 1)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content), read_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.max_row
        if not rows or rows <= 1:
            # Some writers leave out the sheet's dimension: count the rows themselves.
            rows = sum(1 for _row in sheet.iter_rows(values_only=True))
        workbook.close()
        return max(0, rows - 1)
    except Exception:  # a damaged file is reported by the import itself
        return 0


def _safe_filename(filename: str) -> str:
    # A control character in a name is never meant, and PostgreSQL refuses NUL.
    return re.sub(r"[\x00-\x1f\x7f]", "", filename or "")[:255]


@transaction.atomic
def import_job_create(*, user, content: bytes, filename: str) -> ImportJob:
    """Store an uploaded file as an import job. Small files are imported at once (in this
    request); larger ones (over ``SEIZURES_IMPORT_SYNC_MAX_ROWS`` rows) by a Celery task,
    queued when this transaction commits, which updates the job's progress as it goes."""
    from django.core.exceptions import ValidationError

    if not permissions.may_import(user):
        raise ValidationError({"file": [_("You may not import seizure reports.")]})
    import_size_check(len(content))
    filename = _safe_filename(filename)
    total = count_rows(content, filename)
    job = ImportJob(created_by=user, filename=filename, total_rows=total)
    job.file.save(filename or "import.csv", ContentFile(content), save=False)
    job.save()
    if total > settings.SEIZURES_IMPORT_SYNC_MAX_ROWS:
        transaction.on_commit(lambda: _import_job_enqueue(job.pk))
    else:
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def _import_job_enqueue(job_id: int) -> None:
    """Hand the job to a worker; if the broker cannot be reached, import it here rather than
    leave it waiting (the upload is already stored, so nothing is lost either way)."""
    from .tasks import run_seizure_import

    try:
        run_seizure_import.delay(job_id)
    except Exception:  # kombu raises several kinds of connection errors
        logger.exception("Broker unreachable: import job %s runs in the request", job_id)
        import_job_run(job_id=job_id)


def _job_fail(job_id: int, *, errors: dict) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.FAILED, imported=0, errors=errors, finished_at=timezone.now()
    )


def import_job_fail(*, job_id: int, message: str) -> None:
    """End a running job as failed with one message for its uploader (nothing was written)."""
    _job_fail(job_id, errors={"count": 1, "rows": [{"row": 0, "column": "", "message": message}]})


def _job_release(job_id: int) -> None:
    """Give the claim back so that a retry (or the periodic resume) runs the job again."""
    try:
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(
            status=ImportStatus.PENDING, started_at=None, processed_rows=0
        )
    except TRANSIENT_ERRORS:
        # The database is still away: the lease runs out and the resume task picks it up.
        logger.warning("Import job %s keeps its claim until its lease runs out", job_id)


def import_job_run(*, job_id: int) -> None:
    """Run one import job. Safe to call twice: only a waiting job (or one whose worker died
    long ago, which wrote nothing since writing and finishing are one transaction) is
    claimed. Raises ``ImportInterrupted`` on a transient error (outside a request)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.SEIZURES_IMPORT_LEASE_SECONDS)
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ImportStatus.PENDING) | Q(status=ImportStatus.RUNNING, started_at__lt=stale)
        )
        .update(status=ImportStatus.RUNNING, started_at=now, processed_rows=0)
    )
    if claimed != 1:
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    user = job.created_by

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done)

    in_request = transaction.get_connection().in_atomic_block
    try:
        with job.file.open("rb") as handle:
            content = handle.read()
        notes: list[str] = []
        rows = read_import_file(content, job.filename, notes)
        ImportJob.objects.filter(pk=job_id).update(total_rows=len(rows))
        reports = seizures_validate(user=user, rows=rows, progress=progress)
        with transaction.atomic():
            imported = seizures_write(reports)
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportStatus.SUCCEEDED,
                imported=imported,
                processed_rows=len(rows),
                errors=[],
                notes=notes,
                finished_at=timezone.now(),
            )
            seizures_import_record(user=user, reports=reports, filename=job.filename, job_id=job_id)
    except ImportRejected as rejected:
        _job_fail(job_id, errors={"count": rejected.error_count, "rows": rejected.row_errors})
    except TRANSIENT_ERRORS as error:
        if in_request:
            raise  # the request's transaction is broken: let it fail whole
        logger.warning("Import job %s interrupted (%s); it will be retried", job_id, error)
        _job_release(job_id)
        raise ImportInterrupted(str(error)) from error
    except Exception:
        if in_request:
            raise
        # A bug: retrying would fail the same way. Tell the uploader rather than leave the
        # progress bar spinning (nothing was written).
        logger.exception("Seizure import job %s failed", job_id)
        import_job_fail(
            job_id=job_id,
            message=_(
                "The import stopped on an unexpected error; nothing was imported. Try again."
            ),
        )


def import_jobs_resume() -> int:
    """Queue again the jobs nobody is working on: waiting for more than two minutes (the
    broker lost the message) or running past the lease (the worker died). Returns how many."""
    from .tasks import run_seizure_import

    now = timezone.now()
    stale = now - timedelta(seconds=settings.SEIZURES_IMPORT_LEASE_SECONDS)
    job_ids = list(
        ImportJob.objects.filter(
            Q(status=ImportStatus.PENDING, created_at__lt=now - timedelta(minutes=2))
            | Q(status=ImportStatus.RUNNING, started_at__lt=stale)
        ).values_list("pk", flat=True)
    )
    for job_id in job_ids:
        run_seizure_import.delay(job_id)
    return len(job_ids)
