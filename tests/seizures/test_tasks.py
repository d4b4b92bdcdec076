"""The seizures tasks: registered under explicit names, time limits below the import lease,
retried on a transient error only (the service gives the claim back first), never on a bug."""

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile

from ireN.celery import app
from seizures import services, tasks
from seizures.models import ImportJob, ImportStatus, SeizureReport

from .conftest import csv_bytes, row

NAMES = {"seizures.import_job_run", "seizures.import_jobs_resume"}


def test_the_worker_registers_the_seizures_tasks_under_their_names():
    app.loader.import_default_modules()
    assert NAMES <= set(app.tasks)
    assert tasks.run_seizure_import.name == "seizures.import_job_run"
    assert tasks.resume_seizure_imports.name == "seizures.import_jobs_resume"


def test_the_beat_schedule_names_a_registered_seizures_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "seizures.import_jobs_resume" in scheduled
    assert {name for name in scheduled if name.startswith("seizures.")} <= set(app.tasks)


def test_import_time_limits_and_lease_fit_together():
    task = tasks.run_seizure_import
    assert task.soft_time_limit < task.time_limit
    # A live import keeps its lease by its heartbeat, however long it runs; a dead one is
    # taken up again within the lease and one resume period: under 30 s.
    lease = settings.SEIZURES_IMPORT_LEASE_SECONDS
    assert 2 * settings.SEIZURES_IMPORT_HEARTBEAT_SECONDS < lease
    resume_every = settings.CELERY_BEAT_SCHEDULE["seizures-resume-imports"]["schedule"]
    assert lease + resume_every < 30
    assert task.acks_late and tasks.resume_seizure_imports.acks_late


@pytest.fixture
def queued_job(analyst_kz):
    """A stored upload waiting for a worker (as ``import_job_create`` leaves a large file)."""
    job = ImportJob(created_by=analyst_kz, filename="t.csv")
    job.file.save("t.csv", ContentFile(csv_bytes([row(reference="T-1")])), save=False)
    job.save()
    return job


@pytest.fixture
def failing_storage(monkeypatch):
    """The file storage fails the first ``times`` opens with ``error``."""
    real_open = FieldFile.open
    calls = {"count": 0}

    def arm(error, times=1):
        def flaky_open(self, mode="rb"):
            calls["count"] += 1
            if calls["count"] <= times:
                raise error
            return real_open(self, mode)

        monkeypatch.setattr(FieldFile, "open", flaky_open)
        return calls

    return arm


@pytest.mark.django_db(transaction=True)
def test_a_transient_storage_error_is_retried_and_the_job_succeeds(queued_job, failing_storage):
    calls = failing_storage(OSError("storage unreachable"))
    tasks.run_seizure_import.apply(args=[queued_job.pk], throw=False)
    queued_job.refresh_from_db()
    assert calls["count"] == 2  # the first attempt failed, the retry read the file
    assert (queued_job.status, queued_job.imported) == (ImportStatus.SUCCEEDED, 1)
    assert SeizureReport.objects.filter(reference="T-1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_transient_error_gives_the_claim_back(queued_job, failing_storage):
    failing_storage(OSError("storage unreachable"))
    with pytest.raises(services.ImportInterrupted):
        services.import_job_run(job_id=queued_job.pk)
    queued_job.refresh_from_db()
    assert queued_job.status == ImportStatus.PENDING
    assert not SeizureReport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_bug_fails_the_job_once_without_retrying(queued_job, failing_storage):
    calls = failing_storage(ValueError("a bug"), times=10)
    result = tasks.run_seizure_import.apply(args=[queued_job.pk])
    assert result.successful()  # the job failed; the task did its work and is not retried
    queued_job.refresh_from_db()
    assert calls["count"] == 1
    assert queued_job.status == ImportStatus.FAILED
    assert "unexpected error" in queued_job.errors["rows"][0]["message"]
    assert not SeizureReport.objects.exists()
