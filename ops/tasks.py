"""Periodic housekeeping run by the worker, scheduled by beat (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .models import Heartbeat


@shared_task(name="ireN.heartbeat", ignore_result=True, expires=60)
def heartbeat():
    """The worker's heartbeat: proves a worker took a message off the queue just now."""
    Heartbeat.record("worker")


@shared_task(name="ireN.idempotency_prune", ignore_result=True)
def idempotency_prune():
    """Delete Idempotency-Key records past their validity."""
    from members.idempotency import idempotency_prune as prune

    return prune()
