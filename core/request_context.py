"""Who and what the current request (or Celery task) is, for log lines and audit events.

``RequestContextMiddleware`` takes a sane ``X-Request-ID`` from the request or makes one,
keeps it (and the request) in context variables for the rest of the request, and returns it in
the response header. ``RequestContextFilter`` adds ``request_id``, ``user_id``, ``member`` and
``client_ip`` (see ``client_ip``) to every log record. Celery tasks enqueued during a request
carry its id in a message header and set it again in the worker (``celery_signals_connect``),
so their log lines carry it too.
"""

from __future__ import annotations

import contextvars
import functools
import ipaddress
import logging
import re
import uuid

from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty

HEADER = "X-Request-ID"
CELERY_HEADER = "iren_request_id"
# Letters, digits and a few separators, at most 64: anything else is replaced by our own id
# (a forged header must not inject text into log lines or audit rows).
_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("iren_request_id", default="")
_request: contextvars.ContextVar = contextvars.ContextVar("iren_request", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id() -> str:
    """The current request's (or task's) id, or "" outside both."""
    return _request_id.get()


def current_request():
    return _request.get()


def set_request_id(value: str):
    """Set the id for the current context; returns a token for ``reset_request_id``."""
    return _request_id.set(value)


def reset_request_id(token) -> None:
    _request_id.reset(token)


def resolved_user(request):
    """The request's user if authentication has already resolved it, else None. Never runs a
    query itself: a log line must not cost a database round trip."""
    if request is None:
        return None
    # A REST framework request: its authenticated user is set on the Django request.
    request = getattr(request, "_request", request)
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        wrapped = user._wrapped
        if wrapped is empty:
            wrapped = request.__dict__.get("_cached_user")
        user = wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def client_ip(request) -> str | None:
    """The client's address: the one address every consumer uses (API throttling,
    django-axes, /metrics and /readyz, the audit trail's ``ip``, log lines).

    The hops are the ``X-Forwarded-For`` entries followed by the connection's ``REMOTE_ADDR``.
    Only the right-most ``TRUSTED_PROXY_COUNT`` of them are our own proxies; the hop just left
    of those is the client, and anything further left was written by the client and is
    ignored. With 0 (the default) the header is ignored and ``REMOTE_ADDR`` is the client.
    With fewer forwarded entries than trusted proxies, the left-most entry is taken (as DRF's
    ``NUM_PROXIES`` does). An entry that is not an IP address gives ``REMOTE_ADDR``."""
    if request is None:
        return None
    meta = getattr(request, "_request", request).META
    remote = meta.get("REMOTE_ADDR") or None
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    candidate = forwarded[-min(trusted, len(forwarded))]
    try:
        return ipaddress.ip_address(candidate).compressed
    except ValueError:
        return remote


class RequestContextMiddleware:
    """First in the chain: every later log line of the request carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        rid = incoming if _SANE.match(incoming) else new_request_id()
        request.request_id = rid
        # Not reset on the way out: Django logs a 4xx/5xx response after the middleware chain
        # has returned. ``request_finished`` (when the response is closed) clears them.
        _request_id.set(rid)
        _request.set(request)
        response = self.get_response(request)
        response[HEADER] = rid
        return response


def _request_finished(**kwargs):
    _request_id.set("")
    _request.set(None)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``user_id``, ``member`` (code) and ``client_ip`` to every
    record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        request = _request.get()
        record.client_ip = client_ip(request) or "-"
        user = resolved_user(request)
        record.user_id = user.pk if user is not None else "-"
        member = "-"
        if user is not None and user.member_id:
            cached = user._state.fields_cache.get("member")
            # Loaded with the user by members.backends; otherwise the id, never a query.
            member = str(cached.code) if cached is not None else f"#{user.member_id}"
        record.member = member
        return True


# --- Celery ----------------------------------------------------------------------------------


def _before_publish(headers=None, **kwargs):
    rid = _request_id.get()
    if rid and headers is not None:
        headers.setdefault(CELERY_HEADER, rid)


def _task_request_id(task) -> str:
    request = getattr(task, "request", None)
    if request is None:
        return ""
    value = getattr(request, CELERY_HEADER, None)
    if not value:
        headers = getattr(request, "headers", None) or {}
        value = headers.get(CELERY_HEADER)
    return value if isinstance(value, str) and _SANE.match(value) else ""


_task_tokens: dict = {}


def _task_prerun(task_id=None, task=None, **kwargs):
    rid = _task_request_id(task)
    # An eager task runs inside the request: it already has the id.
    if rid and rid != _request_id.get():
        _task_tokens[task_id] = _request_id.set(rid)


def _task_postrun(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _request_id.reset(token)
        except ValueError:
            _request_id.set("")


def request_signals_connect() -> None:
    from django.core.signals import request_finished

    request_finished.connect(_request_finished, dispatch_uid="iren-request-context-finished")


def celery_signals_connect() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(_before_publish, dispatch_uid="iren-request-id-publish")
    task_prerun.connect(_task_prerun, dispatch_uid="iren-request-id-prerun")
    task_postrun.connect(_task_postrun, dispatch_uid="iren-request-id-postrun")


def once_per_request(processor):
    """A context processor computed once per request: a page that also renders fragments with
    ``render_to_string(..., request=request)`` (the query page's panels) runs every context
    processor again for each, and the badges' counts are SQL statements. The answer is kept on
    the request."""
    key = f"_context_{processor.__module__}.{processor.__qualname__}"

    @functools.wraps(processor)
    def wrapper(request):
        try:
            return request.__dict__[key]
        except (KeyError, AttributeError):
            pass
        context = processor(request)
        try:
            request.__dict__[key] = context
        except AttributeError:
            pass
        return context

    return wrapper
