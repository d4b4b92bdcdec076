"""Liveness, readiness and metrics endpoints. The test client's address is 127.0.0.1, inside
METRICS_ALLOWED_NETWORKS, so the readiness tests below are answered; others get 404."""

from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.utils import timezone

from exchange.models import Alert
from ops.models import Counter, Heartbeat
from ops.tasks import heartbeat
from tests.factories.exchange import file_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def celery_out_of_process(settings):
    """Readiness as a deployment with a worker and beat sees it (no REDIS_URL needed: the
    heartbeat checks read the database only)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


def fresh_heartbeats():
    Heartbeat.record("beat")
    Heartbeat.record("worker")


def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_readyz_in_process_is_ready_with_skipped_broker_and_heartbeats(client, settings):
    # As on a laptop: no REDIS_URL, Celery in-process (the default run of the suite).
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert set(checks) == {
        "database",
        "migrations",
        "broker",
        "cache",
        "worker",
        "beat",
        "outbox",
        "imports",
    }
    assert checks["database"]["status"] == "ok"
    assert checks["migrations"]["status"] == "ok"
    assert checks["broker"]["status"] == "skipped"
    assert checks["cache"]["status"] == "skipped"
    assert body["failing"] == []
    assert checks["worker"]["status"] == "skipped"
    assert checks["beat"]["status"] == "skipped"
    assert checks["outbox"] == {
        "status": "ok",
        "pending": 0,
        "failed": 0,
        "oldest_pending_seconds": 0.0,
        "max_pending": settings.HEALTH_OUTBOX_MAX_PENDING,
        "max_age_seconds": settings.HEALTH_OUTBOX_MAX_AGE_SECONDS,
        "required": True,
    }
    assert checks["imports"]["status"] == "ok"


def test_readyz_is_ready_with_fresh_heartbeats(client, celery_out_of_process, settings):
    settings.REDIS_URL = ""
    fresh_heartbeats()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["beat"]["status"] == "ok"
    assert response.json()["checks"]["worker"]["status"] == "ok"


def test_readyz_is_503_when_the_beat_heartbeat_is_stale(client, celery_out_of_process, settings):
    settings.REDIS_URL = ""
    fresh_heartbeats()
    stale = timezone.now() - timedelta(seconds=settings.HEALTH_BEAT_MAX_AGE_SECONDS + 5)
    Heartbeat.objects.filter(name="beat").update(beat_at=stale)
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["beat"]["status"] == "fail"
    assert checks["beat"]["age_seconds"] > settings.HEALTH_BEAT_MAX_AGE_SECONDS
    assert checks["worker"]["status"] == "ok"


def test_readyz_tells_a_dead_worker_from_a_dead_beat(client, celery_out_of_process, settings):
    settings.REDIS_URL = ""
    fresh_heartbeats()
    stale = timezone.now() - timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE_SECONDS + 5)
    Heartbeat.objects.filter(name="worker").update(beat_at=stale)
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["beat"]["status"] == "ok"
    assert checks["worker"]["status"] == "fail"
    assert checks["worker"]["reason"] == "beat sends heartbeats but no worker runs them"


def test_a_check_left_out_of_the_required_list_is_reported_but_does_not_fail_readiness(
    client, celery_out_of_process, settings
):
    settings.REDIS_URL = ""
    settings.HEALTH_REQUIRED_CHECKS = ["database", "migrations"]
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["beat"] == {
        "status": "fail",
        "reason": "no heartbeat recorded yet",
        "max_age_seconds": settings.HEALTH_BEAT_MAX_AGE_SECONDS,
        "required": False,
    }


def test_the_heartbeat_task_stamps_the_worker(celery_out_of_process):
    assert not Heartbeat.objects.filter(name="worker").exists()
    heartbeat.apply()
    assert Heartbeat.objects.get(name="worker").beat_at > timezone.now() - timedelta(seconds=5)


def test_readyz_fails_on_an_old_pending_alert(client, settings, focal_kz, focal_uz):
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    query = file_query(focal_kz)
    alert = Alert.objects.create(recipient=focal_uz, query=query, event="filed", channel="email")
    Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timedelta(hours=1))
    response = client.get("/readyz")
    assert response.status_code == 503
    outbox = response.json()["checks"]["outbox"]
    assert outbox["status"] == "fail"
    assert outbox["pending"] >= 1
    assert outbox["oldest_pending_seconds"] >= 3600


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (PostgreSQL + Redis run)")
def test_readyz_reports_the_broker_ok_when_redis_answers(client):
    redis.Redis.from_url(settings.REDIS_URL).ping()  # the premise: Redis is up
    response = client.get("/readyz")
    assert response.json()["checks"]["broker"]["status"] == "ok"


def test_readyz_reports_the_broker_failing_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.HEALTH_BROKER_TIMEOUT_SECONDS = 0.5
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "fail"


# --- /metrics ---------------------------------------------------------------------------------


def test_metrics_exposes_the_portal_figures_to_loopback(client, focal_kz, focal_uz):
    query = file_query(focal_kz)
    Alert.objects.all().delete()
    Alert.objects.create(recipient=focal_uz, query=query, event="filed", channel="email")
    assert authenticate(_login_request(), username=focal_kz.username, password="wrong") is None
    assert (
        authenticate(_login_request(), username=focal_kz.username, password="wrong again") is None
    )

    response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    lines = response.content.decode().splitlines()
    assert "iren_alerts_pending 1.0" in lines
    assert "iren_alerts_failed 0.0" in lines
    assert any(line.startswith("iren_alerts_oldest_pending_seconds ") for line in lines)
    assert "iren_import_jobs_running 0.0" in lines
    assert "iren_import_jobs_stuck 0.0" in lines
    assert "iren_queries_open 1.0" in lines
    assert "iren_queries_overdue 0.0" in lines
    assert "iren_login_failures_total 2.0" in lines
    assert Counter.get("login_failures") == 2


def test_metrics_counts_overdue_queries(focal_kz, focal_uz):
    file_query(focal_kz)
    query = file_query(focal_kz)
    type(query).objects.filter(pk=query.pk).update(
        created_at=timezone.now() - timedelta(days=2), due_at=timezone.now() - timedelta(days=1)
    )
    lines = Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode().splitlines()
    assert "iren_queries_open 2.0" in lines
    assert "iren_queries_overdue 1.0" in lines


def test_metrics_is_404_from_an_address_outside_the_allowed_networks():
    response = Client(REMOTE_ADDR="203.0.113.7").get("/metrics")
    assert response.status_code == 404
    assert b"iren_" not in response.content


def test_metrics_is_404_when_a_loopback_proxy_forwards_an_outside_client():
    response = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").get("/metrics")
    assert response.status_code == 404


def test_readyz_is_404_from_an_address_outside_the_allowed_networks():
    response = Client(REMOTE_ADDR="203.0.113.7").get("/readyz")
    assert response.status_code == 404
    assert b"database" not in response.content and b"checks" not in response.content


def test_readyz_is_404_when_a_loopback_proxy_forwards_an_outside_client():
    response = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").get("/readyz")
    assert response.status_code == 404


def test_healthz_answers_everyone_with_ok_only():
    response = Client(REMOTE_ADDR="203.0.113.7").get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_metrics_answers_a_listed_network(settings):
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.0/8", "10.20.0.0/16"]
    assert Client(REMOTE_ADDR="10.20.3.4").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.21.3.4").get("/metrics").status_code == 404


def _login_request():
    """A sign-in request (django-axes counts failures per request, and insists on one)."""
    return RequestFactory().post("/accounts/login/")
