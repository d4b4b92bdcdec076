"""Import jobs: the browser's path for a file of seizure reports, with a progress bar for large
files. Small files are imported in the request; larger ones by a Celery task
(``seizures.import_job_run``).

A job is claimed by a conditional update (pending, or running with a heartbeat older than its
lease), so running it twice imports once. While it runs, a thread stamps ``heartbeat_at``
every ``SEIZURES_IMPORT_HEARTBEAT_SECONDS``, and checking the rows leaves a checkpoint every
``SEIZURES_IMPORT_CHECKPOINT_ROWS`` rows (the reports and problems found so far). What can go
wrong, and what then happens:

- the worker dies (killed, machine lost): the heartbeat stops; once it is older than
  ``SEIZURES_IMPORT_LEASE_SECONDS`` the job page says "waiting to resume" and the periodic
  ``import_jobs_resume`` queues it again; the next worker starts after the last checkpoint
  (writing is one transaction, so nothing was half written). A job resumed
  ``SEIZURES_IMPORT_MAX_RESUMES`` times ends failed;

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
import threading
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import gc_paused
from members.models import ReleaseState

from . import permissions
from .auditing import seizures_import_record
from .importing import (
    ImportCheck,
    ImportRejected,
    detect_format,
    import_size_check,
    read_import_file,
    seizures_write,
    xlsx_archive_check,
)
from .models import ImportCheckpoint, ImportJob, ImportStatus, SeizureReport
from .releasing import import_held_alert

logger = logging.getLogger(__name__)

#: Errors that say "try again later", not "this file or this code is wrong".
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)


class ImportInterrupted(Exception):
    """A job stopped on a transient error; its claim was given back, so a retry runs it."""


def count_rows(content: bytes, filename: str = "") -> int:
    """A cheap estimate of the number of data rows, to decide between now and Celery. An XLSX
    file over the archive limits (``xlsx_archive_check``) raises its ValidationError."""
    try:
        kind = detect_format(content, filename)
    except ImportRejected:
        return 0
    if kind == "csv":
        return max(0, content.count(b"\n") - 1)
    # Outside the ``try``: a workbook too large to open is refused, not counted as empty.
    xlsx_archive_check(content)
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
    xlsx_archive_check(content)
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
    """Give the claim back so that a retry (or the periodic resume) runs the job again (from
    its last checkpoint)."""
    try:
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(
            status=ImportStatus.PENDING, started_at=None, heartbeat_at=None
        )
    except TRANSIENT_ERRORS:
        # The database is still away: the lease runs out and the resume task picks it up.
        logger.warning("Import job %s keeps its claim until its lease runs out", job_id)


class _Heartbeat(threading.Thread):
    """Stamps the job's ``heartbeat_at`` while it runs, whatever the job is doing (reading a
    large workbook, checking rows, writing them with COPY). It dies with its process, which is
    the point: a job whose stamp grows old has lost its worker."""

    def __init__(self, job_id: int):
        super().__init__(name=f"import-heartbeat-{job_id}", daemon=True)
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.SEIZURES_IMPORT_HEARTBEAT_SECONDS):
                try:
                    ImportJob.objects.filter(pk=self.job_id, status=ImportStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except TRANSIENT_ERRORS:
                    logger.warning("Import job %s: heartbeat missed", self.job_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)


def _claim(job_id: int) -> bool:
    """Claim a waiting job, or take over one whose worker's heartbeat stopped (counted in
    ``resumes``)."""
    now = timezone.now()
    claim = {"status": ImportStatus.RUNNING, "started_at": now, "heartbeat_at": now}
    if ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(**claim):
        return True
    stale = now - timedelta(seconds=settings.SEIZURES_IMPORT_LEASE_SECONDS)
    return bool(
        ImportJob.objects.filter(_stale_q(stale), pk=job_id).update(
            **claim, resumes=F("resumes") + 1
        )
    )


def _stale_q(stale) -> Q:
    """Running, and no sign of life since ``stale``."""
    return Q(status=ImportStatus.RUNNING) & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )


def _restore(check: ImportCheck, job_id: int) -> int:
    """Take up the checkpoints of a job run before: returns the number of rows they cover."""
    fields = {}
    done = 0
    for point in ImportCheckpoint.objects.filter(job_id=job_id).order_by("rows_done"):
        for values in point.reports:
            for name, value in values.items():
                field = fields.get(name) or fields.setdefault(
                    name, SeizureReport._meta.get_field(name)
                )
                values[name] = field.to_python(value)
            check.reports.append(values)
        check.problems += point.problems
        for member_id, reference, number in point.seen:
            check.seen[(member_id, reference)] = number
        done = point.rows_done
    return done


class _Checkpoints:
    """Saves what checking found since the last checkpoint, every ``CHECKPOINT_ROWS`` rows
    (with the progress, in one transaction), and the progress alone every thousand rows."""

    def __init__(self, job_id: int, check: ImportCheck, done: int):
        self.job_id, self.check = job_id, check
        self.done = done
        self.marks = (len(check.reports), len(check.problems), len(check.seen))

    def __call__(self, index: int) -> None:
        if index - self.done < settings.SEIZURES_IMPORT_CHECKPOINT_ROWS:
            ImportJob.objects.filter(pk=self.job_id).update(processed_rows=index)
            return
        check = self.check
        reports, problems, seen = self.marks
        seen_items = list(check.seen.items())[seen:]
        with transaction.atomic():
            ImportCheckpoint.objects.create(
                job_id=self.job_id,
                rows_done=index,
                reports=check.reports[reports:],
                problems=check.problems[problems:],
                seen=[[member, reference, row] for (member, reference), row in seen_items],
            )
            ImportJob.objects.filter(pk=self.job_id).update(processed_rows=index)
        self.done = index
        self.marks = (len(check.reports), len(check.problems), len(check.seen))


def import_job_run(*, job_id: int) -> None:
    """Run one import job. Safe to call twice: only a waiting job (or one whose worker's
    heartbeat stopped: it wrote nothing, since writing and finishing are one transaction) is
    claimed, and a job taken over starts after its last checkpoint. Raises
    ``ImportInterrupted`` on a transient error (outside a request)."""
    if not _claim(job_id):
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.resumes > settings.SEIZURES_IMPORT_MAX_RESUMES:
        logger.error("Import job %s lost its worker %d times: given up", job_id, job.resumes)
        ImportCheckpoint.objects.filter(job_id=job_id).delete()
        import_job_fail(
            job_id=job_id,
            message=_(
                "The import was interrupted too many times; nothing was imported. Try again, "
                "or split the file."
            ),
        )
        return
    user = job.created_by
    in_request = transaction.get_connection().in_atomic_block
    heartbeat = None if in_request else _Heartbeat(job_id)
    if heartbeat is not None:
        heartbeat.start()
    try:
        with job.file.open("rb") as handle:
            content = handle.read()
        notes: list[str] = []
        with gc_paused():  # (the import is millions of objects: core.bulk)
            rows = read_import_file(content, job.filename, notes)
            check = ImportCheck(user=user)
            done = _restore(check, job_id)
            if done:
                logger.info("Import job %s resumes after row %d of %d", job_id, done, len(rows))
            ImportJob.objects.filter(pk=job_id).update(total_rows=len(rows), processed_rows=done)
            check.check(rows, start=done, every=_Checkpoints(job_id, check, done))
            reports = check.finish()
            with transaction.atomic():
                imported = seizures_write(reports, job_id=job_id)
                ImportJob.objects.filter(pk=job_id).update(
                    status=ImportStatus.SUCCEEDED,
                    imported=imported,
                    processed_rows=len(rows),
                    errors=[],
                    notes=notes,
                    finished_at=timezone.now(),
                )
                _hold_job(job_id, reports)
                seizures_import_record(
                    user=user, reports=reports, filename=job.filename, job_id=job_id
                )
                ImportCheckpoint.objects.filter(job_id=job_id).delete()
    except ImportRejected as rejected:
        _job_fail(job_id, errors={"count": rejected.error_count, "rows": rejected.row_errors})
        ImportCheckpoint.objects.filter(job_id=job_id).delete()
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
        ImportCheckpoint.objects.filter(job_id=job_id).delete()
        import_job_fail(
            job_id=job_id,
            message=_(
                "The import stopped on an unexpected error; nothing was imported. Try again."
            ),
        )
    finally:
        if heartbeat is not None:
            heartbeat.stop()


def _hold_job(job_id: int, reports: list[dict]) -> None:
    """An import whose network-shared reports await release together (``seizures_write``
    marked them with the job): the job itself awaits release, with how many are held, and its
    member's releasers are told."""
    held = [r for r in reports if r.get("import_job_id") == job_id]
    if not held:
        return
    ImportJob.objects.filter(pk=job_id).update(
        release_state=ReleaseState.AWAITING_RELEASE,
        held=len(held),
        reporting_member_id=held[0]["reporting_member_id"],
    )
    job = ImportJob.objects.select_related("reporting_member").get(pk=job_id)
    import_held_alert(job=job)


def import_jobs_resume() -> int:
    """Queue again the jobs nobody is working on: waiting for more than two minutes (the
    broker lost the message) or running with a heartbeat older than the lease (the worker
    died). Returns how many."""
    from .tasks import run_seizure_import

    now = timezone.now()
    stale = now - timedelta(seconds=settings.SEIZURES_IMPORT_LEASE_SECONDS)
    job_ids = list(
        ImportJob.objects.filter(
            Q(status=ImportStatus.PENDING, created_at__lt=now - timedelta(minutes=2))
            | _stale_q(stale)
        ).values_list("pk", flat=True)
    )
    for job_id in job_ids:
        run_seizure_import.delay(job_id)
    return len(job_ids)
