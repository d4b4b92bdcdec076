"""The client's address is read one way everywhere (core.request_context.client_ip): the
connection's address unless ``TRUSTED_PROXY_COUNT`` says how many of our own proxies stand in
front, and then only the right-most hops are believed. A client that writes its own
``X-Forwarded-For`` cannot slip out of the per-address limit on the token endpoint, nor put
another address in the audit trail."""

import json
import logging

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from core.request_context import client_ip
from members.models import AuditEvent
from tests.audit.test_logging import _Lines
from tests.factories.members import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
LIMIT = 20  # API_TOKEN_THROTTLE_RATE's default, 20/min


def _meta(remote="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# --- client_ip ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, None, "192.0.2.1"),
        (0, "203.0.113.9", "192.0.2.1"),
        (0, "203.0.113.9, 198.51.100.7", "192.0.2.1"),
        (1, None, "192.0.2.1"),
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),
        (1, "10.0.0.1,203.0.113.9 ,  198.51.100.7", "198.51.100.7"),
        (2, "203.0.113.9, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),
        (1, "203.0.113.9, not-an-address", "192.0.2.1"),
        (1, "2001:DB8:0:0::1", "2001:db8::1"),
    ],
)
def test_client_ip_believes_only_the_trusted_right_most_hops(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_meta("192.0.2.1", forwarded)) == expected


def test_the_default_trusts_no_proxy(settings):
    from ireN import settings as portal_settings

    assert portal_settings.TRUSTED_PROXY_COUNT == 0
    assert portal_settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    assert portal_settings.AXES_CLIENT_IP_CALLABLE == "core.request_context.client_ip"


# --- The token endpoint's per-address limit ---------------------------------------------------


def _attempt(api, index, forwarded):
    return api.post(
        TOKEN_URL,
        {"username": f"nobody{index}", "password": "wrong-password"},
        format="json",
        REMOTE_ADDR="192.0.2.50",
        HTTP_X_FORWARDED_FOR=forwarded,
    ).status_code


@pytest.mark.django_db
def test_a_rotating_forwarded_header_does_not_escape_the_token_limit(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    api = APIClient()
    statuses = [_attempt(api, i, f"203.0.113.{i}") for i in range(40)]
    assert 429 not in statuses[:LIMIT]
    assert statuses[LIMIT:] == [429] * (40 - LIMIT)


@pytest.mark.django_db
def test_behind_one_proxy_the_client_part_of_the_header_is_ignored(settings):
    """With TRUSTED_PROXY_COUNT=1 the proxy's entry (right-most) is the client: whatever the
    client writes left of it does not give it a new allowance."""
    settings.TRUSTED_PROXY_COUNT = 1
    api = APIClient()
    statuses = [_attempt(api, i, f"203.0.113.{i}, 198.51.100.7") for i in range(40)]
    assert 429 not in statuses[:LIMIT]
    assert statuses[LIMIT:] == [429] * (40 - LIMIT)


@pytest.mark.django_db
def test_behind_one_proxy_different_clients_have_their_own_allowance(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    api = APIClient()
    statuses = [_attempt(api, i, f"198.51.100.{i}") for i in range(40)]
    assert 429 not in statuses


# --- The audit trail --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("count", "expected"), [(0, "192.0.2.50"), (1, "198.51.100.7")])
def test_the_audit_trail_records_the_client_ip(settings, focal_kz, count, expected):
    settings.TRUSTED_PROXY_COUNT = count
    response = APIClient().post(
        TOKEN_URL,
        {"username": "focal.kz", "password": PASSWORD},
        format="json",
        REMOTE_ADDR="192.0.2.50",
        HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7",
    )
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(action="token.created")
    assert event.ip == expected


# --- Log lines ---------------------------------------------------------------------------------


@pytest.fixture
def json_lines():
    handler = _Lines("json")
    logging.getLogger().addHandler(handler)
    yield handler.lines
    logging.getLogger().removeHandler(handler)


@pytest.mark.parametrize(("count", "expected"), [(0, "192.0.2.50"), (1, "198.51.100.7")])
def test_log_lines_carry_the_client_ip(client, db, settings, json_lines, count, expected):
    settings.TRUSTED_PROXY_COUNT = count
    response = client.get(
        "/no-such-page/",
        REMOTE_ADDR="192.0.2.50",
        HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7",
    )
    assert response.status_code == 404
    records = [json.loads(line) for line in json_lines if "Not Found" in line]
    assert records, json_lines
    assert records[0]["client_ip"] == expected
