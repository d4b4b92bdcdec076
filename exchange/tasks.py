"""Celery tasks of the exchange app: thin, idempotent, retried with backoff. Each delivery is
keyed on its alert row (claimed with a conditional UPDATE), so a task that runs twice sends
once."""

from celery import shared_task

from . import services


@shared_task(
    name="exchange.tasks.deliver_alerts",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
)
def deliver_alerts(*, alert_ids: list[int]) -> dict:
    """Deliver the given alerts (those nobody has delivered yet)."""
    return services.alerts_deliver(alert_ids=alert_ids)


@shared_task(name="exchange.tasks.resend_pending_alerts", acks_late=True)
def resend_pending_alerts(older_than_seconds: int | None = None) -> dict:
    """Periodic: deliver whatever is still pending."""
    return services.alerts_resend_pending(older_than_seconds=older_than_seconds)


@shared_task(name="exchange.tasks.watch_deadlines", acks_late=True)
def watch_deadlines() -> dict:
    """Periodic: remind and escalate unacknowledged urgent queries."""
    return services.queries_watch_deadlines()
