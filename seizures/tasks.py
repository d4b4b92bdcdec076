"""Celery tasks of the seizures app: thin and idempotent (a job is claimed by a conditional
update, so a message delivered twice imports once; hence ``acks_late``).

The time limits bound one run; a live import keeps its lease (``SEIZURES_IMPORT_LEASE_
SECONDS``) by its heartbeat however long it runs. The soft limit ends the job ``failed`` (the
service records it); the hard limit, a minute later, stops a worker that did not heed it.

A worker that starts (perhaps in place of one that was killed) looks for imports left behind
at once, without waiting for beat.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    name="seizures.import_job_run",
    acks_late=True,
    soft_time_limit=settings.SEIZURES_IMPORT_SOFT_TIME_LIMIT_SECONDS,
    time_limit=settings.SEIZURES_IMPORT_TIME_LIMIT_SECONDS,
    # Only a transient error reaches Celery: the service gave the job's claim back first.
    autoretry_for=(services.ImportInterrupted,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_kwargs={"max_retries": 5},
)
def run_seizure_import(job_id: int) -> None:
    """Import the file of one import job; a job already run (or running) is left alone."""
    services.import_job_run(job_id=job_id)


@shared_task(
    name="seizures.import_jobs_resume",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def resume_seizure_imports() -> int:
    """Periodic: queue again the import jobs a lost message or a dead worker left behind."""
    return services.import_jobs_resume()


@worker_ready.connect(dispatch_uid="seizures-resume-imports-at-worker-start")
def resume_at_worker_start(sender=None, **kwargs) -> None:
    """Queue the resume at once: an import whose lease ran out while no worker ran is taken
    up without waiting for beat (which then runs it every few seconds)."""
    try:
        resume_seizure_imports.apply_async()
    except Exception:  # the broker went away again: beat's schedule still runs it
        logger.warning("Could not queue the import resume at worker start", exc_info=True)
