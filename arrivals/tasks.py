"""Thin Celery tasks calling arrivals' services (idempotent: safe to run twice)."""

from celery import shared_task

from . import services


@shared_task(name="arrivals.tasks.prune_notices", acks_late=True)
def prune_notices() -> int:
    return services.arrivals_prune()["removed"]


@shared_task(name="arrivals.tasks.ensure_partitions", acks_late=True)
def ensure_partitions() -> int:
    return len(services.arrival_partitions_ensure())


@shared_task(
    name="arrivals.tasks.run_import",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def run_import(job_id: int) -> None:
    from .importing import import_job_run

    import_job_run(job_id=job_id)
