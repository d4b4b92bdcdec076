"""Periodic tasks of the members app, scheduled by beat (see CELERY_BEAT_SCHEDULE)."""

import smtplib

from celery import shared_task


@shared_task(
    name="members.audit_anchor",
    ignore_result=True,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=60,
    max_retries=5,
)
def audit_anchor():
    """Write the audit chain's anchor to the log and mail it to the network admins (a retry
    takes a fresh anchor: any anchor kept is as good)."""
    from .audit_anchor import audit_anchor_publish

    audit_anchor_publish()


@shared_task(name="members.releases_watch", acks_late=True, soft_time_limit=120, time_limit=180)
def releases_watch() -> dict:
    """Periodic: urgent items still awaiting release alert their releasers again, then the
    member's admins (every registered kind's watch; stamped, so safe to run twice)."""
    from .releases import releases_watch as watch

    return watch()
