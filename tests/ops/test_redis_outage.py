"""Redis stopped under a signed-in browser session and an API token: pages and API calls keep
answering 200 (sessions from the database, caches and rate limits skipped, alerts waiting in the
outbox), /readyz names Redis, and once Redis is back everything uses it again with no restart.

A redis-server of the test's own is started on a free port (and stopped and started again);
the cache, the session engine, the broker and /readyz are pointed at it. Runs wherever the
redis-server binary is installed, with or without REDIS_URL.
"""

from __future__ import annotations

import logging
import shutil
import time

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import caches
from django.test import Client
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from exchange.models import Alert, AlertChannel, AlertState, Query
from ireN.celery import app
from ops.cache import COUNTER
from ops.models import Counter
from tests.factories.exchange import file_query
from tests.ops.test_idempotency import PAYLOAD
from tests.redis_server import RedisServer, broker_connections_forget

pytestmark = [
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
    pytest.mark.django_db(transaction=True),
]


def _slow_seconds() -> float:
    """No request may hang while Redis is away: each waits at most one broker connect timeout
    and one cache timeout per Redis call it makes (a few), plus slack for a loaded machine.
    Without those timeouts a request would wait for the system's (minutes)."""
    from django.conf import settings

    return settings.EXCHANGE_BROKER_CONNECT_TIMEOUT + 2 * settings.CACHE_REDIS_TIMEOUT_SECONDS + 2


def _forget_broker_connections():
    broker_connections_forget(app)


@pytest.fixture
def redis_server(tmp_path, settings):
    """Our own redis-server behind the cache, the sessions, the broker and /readyz."""
    server = RedisServer(tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.cache.FailOpenRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "iren-cache",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "accounts.session_store"
    settings.CACHE_REDIS_RETRY_SECONDS = 1
    saved = app.conf.broker_url, app.conf.task_always_eager
    _forget_broker_connections()
    app.conf.broker_url, app.conf.task_always_eager = server.url, False
    yield server
    server.stop()
    _forget_broker_connections()
    app.conf.broker_url, app.conf.task_always_eager = saved


def _session_cached(client) -> bool:
    key = client.cookies["sessionid"].value
    return caches["default"].get(KEY_PREFIX + key) is not None


def _timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


def _readyz():
    return Client().get("/readyz").json()


def test_pages_and_api_answer_while_redis_is_down_and_use_it_again_when_back(
    redis_server, focal_kz, focal_uz, caplog
):
    browser = Client(raise_request_exception=False)
    browser.force_login(focal_kz)
    token = api_token_issue(user=focal_kz)[1]
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    query = file_query(focal_kz)
    assert browser.get("/queries/").status_code == 200
    assert _session_cached(browser)  # the premise: sessions really live in our Redis
    ready = _readyz()
    assert ready["checks"]["cache"]["status"] == "ok"
    assert ready["checks"]["broker"]["status"] == "ok"
    errors_before = Counter.get(COUNTER)

    redis_server.stop()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="ops.cache"):
        answers = [
            _timed(browser.get, "/queries/"),
            _timed(browser.get, f"/queries/{query.pk}/"),
            _timed(browser.get, "/seizures/"),
            _timed(api.get, "/api/v1/queries/"),
            _timed(api.get, "/api/v1/notifications/"),
        ]
        filed, filing_took = _timed(api.post, "/api/v1/queries/", PAYLOAD, format="json")
        again = [_timed(browser.get, "/queries/") for _ in range(5)]

    assert [r.status_code for r, _took in answers + again] == [200] * 10
    assert filed.status_code == 201, filed.content
    slowest = max(took for _r, took in [*answers, *again, (filed, filing_took)])
    assert slowest < _slow_seconds()
    # Still the signed-in person, read from the database.
    assert f"/queries/{query.pk}/" in answers[0][0].content.decode()
    # The filing's email waits in the outbox; the bell row is already delivered.
    new = Query.objects.get(pk=filed.json()["id"])
    email = Alert.objects.get(query=new, channel=AlertChannel.EMAIL, recipient=focal_uz)
    assert email.state == AlertState.PENDING and email.sent_at is None
    assert Alert.objects.get(query=new, channel=AlertChannel.PORTAL).state == AlertState.SENT
    # One warning for the outage, not one per request.
    outage_lines = [r for r in caplog.records if r.name == "ops.cache"]
    assert len(outage_lines) == 1, [r.getMessage() for r in caplog.records]
    # /readyz names the broken parts, and that they are Redis.
    ready = Client().get("/readyz")
    assert ready.status_code == 503
    body = ready.json()
    assert {"broker", "cache"} <= set(body["failing"])
    assert body["checks"]["cache"]["service"] == body["checks"]["broker"]["service"] == "redis"
    assert body["checks"]["database"]["status"] == "ok"

    redis_server.start()  # the same address; no process of the portal is restarted
    time.sleep(1.1)  # CACHE_REDIS_RETRY_SECONDS: the cache tries Redis again after this
    assert browser.get("/queries/").status_code == 200
    assert _session_cached(browser)  # read from the database, written back to Redis
    assert api.get("/api/v1/queries/").status_code == 200
    ready = _readyz()
    assert ready["checks"]["cache"]["status"] == ready["checks"]["broker"]["status"] == "ok"
    assert "cache" not in ready["failing"] and "broker" not in ready["failing"]
    # The operations answered without Redis were counted, and /metrics shows them.
    assert Counter.get(COUNTER) > errors_before
    metrics = Client().get("/metrics").content.decode()
    assert f"iren_cache_errors_total {float(Counter.get(COUNTER))}" in metrics


def test_a_logout_while_redis_is_down_is_not_undone_by_its_return(redis_server, focal_kz):
    """Redis comes back with the data it had (here: from its dump file): the session cached
    before the logout must not let the old cookie in again."""
    browser = Client(raise_request_exception=False)
    browser.force_login(focal_kz)
    assert browser.get("/queries/").status_code == 200
    cookie = browser.cookies["sessionid"].value
    assert _session_cached(browser)
    redis_server.save()
    redis_server.stop()

    assert browser.post("/accounts/logout/").status_code in (200, 302)

    redis_server.start()
    assert redis_server.client().exists(caches["default"].make_key(KEY_PREFIX + cookie))
    time.sleep(1.1)
    thief = Client(raise_request_exception=False)
    thief.cookies["sessionid"] = cookie
    response = thief.get("/queries/")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not redis_server.client().exists(caches["default"].make_key(KEY_PREFIX + cookie))


def test_cache_answers_as_a_miss_while_redis_is_down_and_counts_it(redis_server):
    cache = caches["default"]
    cache.set("k", "v")
    assert cache.get("k") == "v"
    redis_server.save()
    redis_server.stop()

    assert cache.get("k", "default") == "default"
    assert cache.add("audit-read", 1) is True
    assert cache.get_many(["k"]) == {}
    assert cache.incr("n", 3) == 3
    cache.set("k", "new")  # remembered: removed when Redis answers again
    with pytest.raises(Exception):  # noqa: B017 (ping is the one call that raises)
        cache.ping()

    redis_server.start()  # with "k" = "v" from its dump file
    assert redis_server.client().get(cache.make_key("k")) is not None
    time.sleep(1.1)
    assert cache.get("k", "miss") == "miss"  # the write it missed: the old value is gone
    cache.set("k", "back")
    assert cache.get("k") == "back"
