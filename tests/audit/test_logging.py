"""Every log line of a request carries its id, user and member; Celery tasks carry the id of
the request that enqueued them."""

import json
import logging
import logging.config

import pytest
from django.conf import settings as django_settings

from core import request_context


class _Lines(logging.Handler):
    """A handler set up like the configured console handler (same filter and formatter)."""

    def __init__(self, fmt: str):
        super().__init__()
        self.addFilter(request_context.RequestContextFilter())
        config = dict(django_settings.LOGGING["formatters"][fmt])
        self.setFormatter(logging.config.DictConfigurator({}).configure_formatter(config))
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def lines(request):
    handler = _Lines(request.param)
    logging.getLogger().addHandler(handler)
    yield handler.lines
    logging.getLogger().removeHandler(handler)


@pytest.mark.parametrize("lines", ["json"], indirect=True)
def test_json_log_line_carries_request_user_and_member(client, focal_kz, lines):
    client.force_login(focal_kz)
    response = client.get("/queries/999999/")  # django.request logs the 404
    assert response.status_code == 404
    records = [json.loads(line) for line in lines if "Not Found" in line]
    assert records, lines
    record = records[0]
    assert record["request_id"] == response["X-Request-ID"]
    assert record["user_id"] == focal_kz.pk and record["member"] == "KZ"
    assert {"time", "level", "logger"} <= set(record)


@pytest.mark.parametrize("lines", ["plain"], indirect=True)
def test_plain_log_line_is_readable(client, focal_kz, lines):
    client.force_login(focal_kz)
    response = client.get("/queries/999999/", HTTP_X_REQUEST_ID="trace-abc-123")
    assert response["X-Request-ID"] == "trace-abc-123"
    line = next(line for line in lines if "Not Found" in line)
    assert "WARNING django.request [request=trace-abc-123 user=" in line


@pytest.mark.parametrize("header", ["short", "x" * 65, "bad id\nforged", "évil-id-123"])
def test_an_insane_request_id_is_replaced(client, db, header):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID=header)
    assert response["X-Request-ID"] != header
    assert len(response["X-Request-ID"]) == 32


def test_a_task_published_during_a_request_carries_its_id_to_the_worker(db):
    """The publish hook puts the id in the message headers; the worker's prerun hook sets it
    again before the task body runs (a task applied with those headers, as a worker would)."""
    from celery import shared_task

    seen = {}

    @shared_task(name="tests.audit.remember_request_id")
    def remember():
        seen["id"] = request_context.request_id()
        logging.getLogger("tests.audit").info("inside the task")

    headers = {}
    token = request_context.set_request_id("req-from-web-1")
    try:
        request_context._before_publish(headers=headers)
    finally:
        request_context.reset_request_id(token)
    assert headers == {request_context.CELERY_HEADER: "req-from-web-1"}
    assert request_context.request_id() == ""
    remember.apply(headers=headers)
    assert seen["id"] == "req-from-web-1"
    assert request_context.request_id() == ""
