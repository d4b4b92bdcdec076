"""An import job whose worker dies mid-way (simulated here by an exception no handler catches,
as a killed process would leave it: claimed, part checked, nothing written) is taken up again
after its lease, from its last checkpoint: the rows checked before are not checked again, and
their problems are still reported. Its page says it is waiting to resume meanwhile. The real
kill -9 of a worker process is in ``test_fault_worker_processes``."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from seizures import import_jobs
from seizures.models import ImportCheckpoint, ImportJob, ImportStatus, SeizureReport
from seizures.validation import SeizureValidator
from tests.seizures.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db


class WorkerDied(BaseException):
    """Nothing in the job catches this: like SIGKILL, the job is left as it was."""


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def checked(monkeypatch):
    """Counts the rows checked, and kills the "worker" at the row whose reference is
    ``die_at`` (once)."""
    real_clean_many = SeizureValidator.clean_many
    state = {"rows": 0, "die_at": None}

    def clean_many(self, rows, **options):
        references = [data.get("reference") for data in rows]
        if state["die_at"] in references:
            # Dies while checking that row: the rows before it in the piece were checked.
            state["rows"] += references.index(state["die_at"])
            state["die_at"] = None
            raise WorkerDied
        state["rows"] += len(rows)
        return real_clean_many(self, rows, **options)

    monkeypatch.setattr(SeizureValidator, "clean_many", clean_many)
    return state


def _job(user, rows):
    job = ImportJob(created_by=user, filename="big.csv", total_rows=len(rows))
    job.file.save("big.csv", ContentFile(csv_bytes(rows)), save=False)
    job.save()
    return job


def _lease_runs_out(job, settings):
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.SEIZURES_IMPORT_LEASE_SECONDS + 1)
    )


def test_a_job_whose_worker_died_resumes_after_its_last_checkpoint(
    settings, analyst_kz, checked, client
):
    settings.SEIZURES_IMPORT_CHECKPOINT_ROWS = 1000
    rows = [row(reference=f"R-{i}") for i in range(1, 2601)]
    job = _job(analyst_kz, rows)
    checked["die_at"] = "R-2500"
    with pytest.raises(WorkerDied):
        import_jobs.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING and job.processed_rows == 2000
    assert list(ImportCheckpoint.objects.values_list("rows_done", flat=True)) == [1000, 2000]
    assert SeizureReport.objects.count() == 0
    assert checked["rows"] == 2499

    # Within the lease: a live worker is not taken over, and the page shows its progress.
    assert import_jobs.import_jobs_resume() == 0
    client.force_login(analyst_kz)
    status = client.get(reverse("seizures:import-job-status", args=[job.pk])).json()
    assert status["waiting"] is False and "2000" in status["message"]

    _lease_runs_out(job, settings)
    status = client.get(reverse("seizures:import-job-status", args=[job.pk])).json()
    assert status["waiting"] is True and status["finished"] is False
    page = client.get(reverse("seizures:import-job", args=[job.pk])).content.decode()
    assert "Waiting to resume" in page and "from row 2000 of 2600" in page
    assert '<progress id="import-bar" max="100">' in page  # moving, not frozen at 76 %

    checked["rows"] = 0
    assert import_jobs.import_jobs_resume() == 1  # in-process Celery runs it here
    job.refresh_from_db()
    assert (job.status, job.imported, job.resumes) == (ImportStatus.SUCCEEDED, 2600, 1)
    assert checked["rows"] == 600  # rows 2001–2600 only
    assert SeizureReport.objects.count() == 2600
    assert sorted(SeizureReport.objects.values_list("reference", flat=True)) == sorted(
        r["reference"] for r in rows
    )
    assert not ImportCheckpoint.objects.exists()


def test_problems_found_before_the_crash_are_still_reported(settings, analyst_kz, checked):
    settings.SEIZURES_IMPORT_CHECKPOINT_ROWS = 1000
    rows = [row(reference=f"P-{i}") for i in range(1, 1501)]
    rows[9]["quantity"] = "-5"  # row 11 of the sheet (after the header)
    rows[1299]["reference"] = "P-1"  # a reference used twice, across the checkpoint
    job = _job(analyst_kz, rows)
    checked["die_at"] = "P-1400"
    with pytest.raises(WorkerDied):
        import_jobs.import_job_run(job_id=job.pk)
    _lease_runs_out(job, settings)
    import_jobs.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.errors["count"] == 2
    assert [(e["row"], e["column"]) for e in job.errors["rows"]] == [
        (11, "quantity"),
        (1301, "reference"),
    ]
    assert SeizureReport.objects.count() == 0
    assert not ImportCheckpoint.objects.exists()


def test_a_job_that_keeps_killing_its_worker_ends_failed(settings, analyst_kz, checked):
    settings.SEIZURES_IMPORT_MAX_RESUMES = 1
    job = _job(analyst_kz, [row(reference=f"K-{i}") for i in range(1, 11)])
    for _ in range(2):
        checked["die_at"] = "K-5"
        with pytest.raises(WorkerDied):
            import_jobs.import_job_run(job_id=job.pk)
        _lease_runs_out(job, settings)
    import_jobs.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.resumes == 2
    assert "interrupted too many times" in job.errors["rows"][0]["message"]
    assert SeizureReport.objects.count() == 0
