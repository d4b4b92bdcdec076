"""Readiness checks and the figures shared by /readyz and /metrics.

The domain models (alerts' Alert, exchange's Query, seizures' ImportJob) are read through the app
registry and their fields are looked up, not assumed: the outbox may gain a ``failed`` state
(``failed_at`` or a ``status``/``state`` field) and imports a lease field (``lease_expires_at``
or ``heartbeat_at``); both shapes are understood. Nothing in the domain imports this module.

Each check answers a dict with ``status`` ``ok``, ``fail`` or ``skipped``, and details.
"""

import logging
from datetime import timedelta

import redis
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import Counter, Heartbeat
from .signals import LOGIN_FAILURES

logger = logging.getLogger(__name__)

OK, FAIL, SKIPPED = "ok", "fail", "skipped"
NAMES = ("worker", "beat")
IDLE_IMPORT_STATES = {"pending", "waiting", "succeeded", "failed", "cancelled", "canceled"}


def _model(app_label, name):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _fields(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def _choice_field_with(model, value, names=("status", "state")):
    for name in names:
        if name in _fields(model):
            field = model._meta.get_field(name)
            if value in {choice for choice, _label in (field.choices or [])}:
                return name
    return None


def _age_seconds(moment, now) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment else 0.0


# --- Figures ----------------------------------------------------------------------------------


def alert_figures(now=None) -> dict | None:
    """Pending (not sent, not failed) and failed outbox rows, and the oldest pending one's age.
    One SQL statement; None when the exchange app is absent."""
    Alert = _model("alerts", "Alert")
    if Alert is None:
        return None
    now = now or timezone.now()
    fields = _fields(Alert)
    failed = None
    if "failed_at" in fields:
        failed = Q(failed_at__isnull=False)
    elif state := _choice_field_with(Alert, "failed"):
        failed = Q(**{state: "failed"})
    pending = Q(sent_at__isnull=True) & ~failed if failed is not None else Q(sent_at__isnull=True)
    figures = Alert.objects.aggregate(
        pending=Count("pk", filter=pending),
        failed=Count("pk", filter=failed) if failed is not None else Count("pk", filter=Q(pk=None)),
        oldest=Min("created_at", filter=pending),
    )
    return {
        "pending": figures["pending"],
        "failed": figures["failed"],
        "oldest_pending_seconds": round(_age_seconds(figures["oldest"], now), 1),
    }


def _import_running_q(ImportJob):
    field = ImportJob._meta.get_field("status")
    states = [value for value, _label in (field.choices or []) if value not in IDLE_IMPORT_STATES]
    return Q(status__in=states)


def _import_stuck_q(ImportJob, now):
    """Running past its lease: the worker that held it is gone."""
    fields = _fields(ImportJob)
    lease = timedelta(seconds=getattr(settings, "SEIZURES_IMPORT_LEASE_SECONDS", 1800))
    if "lease_expires_at" in fields:
        return Q(lease_expires_at__lt=now)
    if "heartbeat_at" in fields:
        return Q(heartbeat_at__lt=now - lease)
    return Q(started_at__lt=now - lease)


def import_figures(now=None) -> dict | None:
    ImportJob = _model("seizures", "ImportJob")
    if ImportJob is None:
        return None
    now = now or timezone.now()
    running = _import_running_q(ImportJob)
    return ImportJob.objects.aggregate(
        running=Count("pk", filter=running),
        stuck=Count("pk", filter=running & _import_stuck_q(ImportJob, now)),
    )


def query_figures(now=None) -> dict | None:
    Query = _model("exchange", "Query")
    if Query is None:
        return None
    now = now or timezone.now()
    open_ = Q(status="open")
    return Query.objects.aggregate(
        open=Count("pk", filter=open_), overdue=Count("pk", filter=open_ & Q(due_at__lt=now))
    )


def heartbeat_ages(now=None) -> dict[str, float | None]:
    now = now or timezone.now()
    beats = dict(Heartbeat.objects.values_list("name", "beat_at"))
    return {name: _age_seconds(beats.get(name), now) if name in beats else None for name in NAMES}


def login_failures() -> int:
    return Counter.get(LOGIN_FAILURES)


def cache_errors() -> int:
    from .cache import COUNTER

    return Counter.get(COUNTER)


# --- Checks -----------------------------------------------------------------------------------


def _in_process_celery() -> bool:
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    return {"status": OK, "database": f"PostgreSQL {version}"}


def check_migrations() -> dict:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return {"status": FAIL, "unapplied": [f"{m.app_label}.{m.name}" for m, _back in plan]}
    return {"status": OK}


def check_broker() -> dict:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return {"status": SKIPPED, "reason": "REDIS_URL is not set: tasks run in-process"}
    timeout = settings.HEALTH_BROKER_TIMEOUT_SECONDS
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()
    return {"status": OK}


def check_cache() -> dict:
    """The shared cache (sessions, rate limits, caches) answers. While it does not, the portal
    runs without it (ops/cache.py): this check says so."""
    from django.core.cache import caches

    backend = caches["default"]
    if not hasattr(backend, "ping"):
        return {"status": SKIPPED, "reason": f"{type(backend).__name__}: memory of each process"}
    backend.ping()
    return {"status": OK}


def _heartbeat_check(name: str, limit: int, ages: dict) -> dict:
    if _in_process_celery():
        return {"status": SKIPPED, "reason": "Celery runs in-process"}
    age = ages.get(name)
    if age is None:
        return {"status": FAIL, "reason": "no heartbeat recorded yet", "max_age_seconds": limit}
    status = OK if age <= limit else FAIL
    return {"status": status, "age_seconds": round(age, 1), "max_age_seconds": limit}


def check_worker(ages: dict) -> dict:
    result = _heartbeat_check("worker", settings.HEALTH_WORKER_MAX_AGE_SECONDS, ages)
    if result["status"] == FAIL:
        beat = ages.get("beat")
        if beat is None or beat > settings.HEALTH_BEAT_MAX_AGE_SECONDS:
            # The worker only beats when beat sends it the task: with beat silent, the worker's
            # own state is unknown.
            result["reason"] = "beat is not sending heartbeats; the worker cannot be judged"
        else:
            result["reason"] = "beat sends heartbeats but no worker runs them"
    return result


def check_beat(ages: dict) -> dict:
    return _heartbeat_check("beat", settings.HEALTH_BEAT_MAX_AGE_SECONDS, ages)


def check_outbox(now) -> dict:
    figures = alert_figures(now)
    if figures is None:
        return {"status": SKIPPED, "reason": "no outbox"}
    too_many = figures["pending"] > settings.HEALTH_OUTBOX_MAX_PENDING
    too_old = figures["oldest_pending_seconds"] > settings.HEALTH_OUTBOX_MAX_AGE_SECONDS
    return {
        "status": FAIL if too_many or too_old else OK,
        **figures,
        "max_pending": settings.HEALTH_OUTBOX_MAX_PENDING,
        "max_age_seconds": settings.HEALTH_OUTBOX_MAX_AGE_SECONDS,
    }


def check_imports(now) -> dict:
    figures = import_figures(now)
    if figures is None:
        return {"status": SKIPPED, "reason": "no imports"}
    return {"status": FAIL if figures["stuck"] else OK, **figures}


def _guarded(check, *args) -> dict:
    try:
        return check(*args)
    except (DatabaseError, redis.RedisError, OSError) as error:
        logger.warning("readiness check %s failed: %s", check.__name__, error)
        return {"status": FAIL, "error": f"{type(error).__name__}: {error}"[:300]}


def readiness() -> tuple[bool, dict]:
    """Run every check; ready when none of the required ones failed."""
    now = timezone.now()
    checks = {"database": _guarded(check_database)}
    database_up = checks["database"]["status"] == OK
    down = {"status": FAIL, "error": "database unavailable"}
    checks["migrations"] = _guarded(check_migrations) if database_up else down
    checks["broker"] = _guarded(check_broker)
    checks["cache"] = _guarded(check_cache)
    if getattr(settings, "REDIS_URL", ""):
        checks["broker"]["service"] = checks["cache"]["service"] = "redis"
    try:
        ages = heartbeat_ages(now) if database_up and not _in_process_celery() else {}
    except DatabaseError:
        ages = {}
    checks["worker"] = check_worker(ages) if database_up or _in_process_celery() else down
    checks["beat"] = check_beat(ages) if database_up or _in_process_celery() else down
    checks["outbox"] = _guarded(check_outbox, now) if database_up else down
    checks["imports"] = _guarded(check_imports, now) if database_up else down
    required = set(settings.HEALTH_REQUIRED_CHECKS)
    for name, result in checks.items():
        result["required"] = name in required
    ready = not any(r["status"] == FAIL and r["required"] for r in checks.values())
    return ready, checks
