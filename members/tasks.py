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
