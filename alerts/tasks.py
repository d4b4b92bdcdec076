"""Celery tasks of the outbox: thin and idempotent. Each delivery is keyed on its alert row
(claimed with a conditional UPDATE), so a task that runs twice sends once, which is why they
are all ``acks_late``: a worker lost mid-task leaves the message for another one. Their names
are the ones they had in the exchange app, so that messages already queued, the beat schedule
and the queue routes keep finding them.

None of them retries on its own: delivery failures are recorded on the alert rows (with
backoff, and a ``failed`` state), and the periodic re-send is the retry. A delivery's heartbeat
renews its claim every quarter of ``EXCHANGE_CLAIM_LEASE_SECONDS`` (8 s by default) while it
sends, so the lease can be short (a dead worker's rows go out again soon) however long a batch
takes; the time limits stop a worker stuck on an SMTP server, whose rows then go out after
one lease. A worker that starts (perhaps in place of one that died) runs the re-send at once,
without waiting for beat. (No delayed copy: a task held for later is an unacknowledged message,
which kombu fails to give back when the broker goes away, stopping the worker.)
"""

import logging

from celery import shared_task
from celery.signals import worker_ready

from . import outbox

logger = logging.getLogger(__name__)

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


@worker_ready.connect(dispatch_uid="alerts-resend-at-worker-start")
def resend_at_worker_start(sender=None, **kwargs) -> None:
    """Queue the re-send at once: what a dead worker left behind (its claims run out) goes
    out without waiting for beat (which then runs it every few seconds)."""
    try:
        resend_pending_alerts.apply_async()
    except Exception:  # the broker went away again: beat's schedule still runs it
        logger.warning("Could not queue the re-send at worker start", exc_info=True)
