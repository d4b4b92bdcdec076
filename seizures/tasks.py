"""Celery tasks of the seizures app: thin, idempotent, retried."""

from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    acks_late=True,
)
def run_seizure_import(job_id: int) -> None:
    """Import the file of one import job; a job already run (or running) is left alone."""
    services.import_job_run(job_id=job_id)


@shared_task
def resume_seizure_imports() -> int:
    """Periodic: queue again the import jobs a lost message or a dead worker left behind."""
    return services.import_jobs_resume()
