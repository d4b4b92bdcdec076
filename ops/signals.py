"""Receivers: failed logins are counted; beat's publication of the heartbeat task is stamped.

The beat heartbeat is written by the process that *publishes* ``ireN.heartbeat`` (only beat
does, on its schedule); the worker heartbeat by the worker that *runs* it. So a dead beat
leaves both stale, while a dead worker (or a broker that delivers nothing) leaves only the
worker's stale: /readyz tells them apart."""

import logging

from celery.signals import after_task_publish
from django.contrib.auth.signals import user_login_failed
from django.db import DatabaseError
from django.dispatch import receiver

from .models import Counter, Heartbeat

logger = logging.getLogger(__name__)

LOGIN_FAILURES = "login_failures"
HEARTBEAT_TASK = "ireN.heartbeat"


@receiver(user_login_failed, dispatch_uid="ops-count-login-failures")
def count_login_failure(sender, credentials=None, request=None, **kwargs):
    try:
        Counter.increment(LOGIN_FAILURES)
    except DatabaseError:  # counting must never turn a refused login into a 500
        logger.warning("could not count a failed login", exc_info=True)


@after_task_publish.connect(sender=HEARTBEAT_TASK, dispatch_uid="ops-beat-heartbeat")
def stamp_beat(sender=None, **kwargs):
    try:
        Heartbeat.record("beat")
    except DatabaseError:
        logger.warning("could not record the beat heartbeat", exc_info=True)
