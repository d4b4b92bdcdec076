"""Celery tasks of the exchange app (the outbox's own are in ``alerts.tasks``): thin and
idempotent, and ``acks_late`` where a worker lost mid-task must leave the message for another
one; the time limits stop a worker stuck on the database.
"""

from celery import shared_task

from . import deadlines

SOFT_TIME_LIMIT = 120
TIME_LIMIT = 180


@shared_task(
    name="exchange.tasks.watch_deadlines",
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def watch_deadlines() -> dict:
    """Periodic: remind and escalate unacknowledged urgent queries."""
    return deadlines.queries_watch_deadlines()


@shared_task(name="exchange.tasks.prune_pending_uploads", soft_time_limit=SOFT_TIME_LIMIT)
def prune_pending_uploads() -> int:
    """Delete the attachments kept for filing forms nobody came back to."""
    from .pending_uploads import pending_uploads_prune

    return pending_uploads_prune()
