"""Celery tasks of the outbox: thin and idempotent. Each delivery is keyed on its alert row
(claimed with a conditional UPDATE), so a task that runs twice sends once, which is why they
are all ``acks_late``. Their names are the ones they had in the exchange app, so that messages
already queued, the beat schedule and the queue routes keep finding them.
"""

from celery import shared_task

from . import outbox

SOFT_TIME_LIMIT = 120
TIME_LIMIT = 180


@shared_task(
    name="exchange.tasks.deliver_alerts",
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def deliver_alerts(*, alert_ids: list[int]) -> dict:
    """Deliver the given alerts (those nobody has delivered yet)."""
    return outbox.alerts_deliver(alert_ids=alert_ids)


@shared_task(
    name="exchange.tasks.resend_pending_alerts",
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def resend_pending_alerts(older_than_seconds: int | None = None) -> dict:
    """Periodic: deliver whatever pending alert is due."""
    return outbox.alerts_resend_pending(older_than_seconds=older_than_seconds)


@shared_task(
    name="exchange.send_digests",
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT * 5,
    time_limit=TIME_LIMIT * 5,
)
def send_digests() -> dict:
    """Daily: one digest email per person who chose it (each alert row claimed once)."""
    from .preferences import digests_send

    return digests_send()
