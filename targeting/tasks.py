"""Thin Celery tasks calling targeting's services (idempotent: safe to run twice)."""

from celery import shared_task

from . import services


@shared_task(
    name="targeting.tasks.rescreen_notices",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def rescreen_notices() -> int:
    return services.profiles_rescreen()


@shared_task(name="targeting.tasks.remind_expiring_profiles", acks_late=True)
def remind_expiring_profiles() -> int:
    return services.profiles_expiry_remind()
