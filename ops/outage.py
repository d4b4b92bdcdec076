"""The answer while the database (or Redis, where the portal truly needs it) is unreachable:
503 with Retry-After, JSON for the API and a plain page for the browser, never a 500. Nothing
here may touch the database: the page is rendered without a request context (no context
processors, no ``request.user``, no session).

Redis is rarely needed: the cache and sessions go on without it (ops/cache.py,
accounts/session_store.py) and alerts wait in the outbox. A Redis or broker error that still
reaches the top of a request gets this answer, with the code ``service_unavailable``."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

DATABASE_ERRORS = (OperationalError, InterfaceError)
SERVICE_ERRORS = (RedisConnectionError, RedisTimeoutError, KombuOperationalError)


def is_database_outage(exc) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def is_outage(exc) -> bool:
    """The database, Redis or the broker could not be reached."""
    return isinstance(exc, DATABASE_ERRORS + SERVICE_ERRORS)


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def outage_message() -> str:
    return _("The portal cannot reach its database just now. Please try again in a moment.")


def service_outage_message() -> str:
    return _("The portal cannot reach one of its services just now. Please try again in a moment.")


def database_outage_response(request, exc=None):
    """The 503 for ``exc`` (a database error when None or a database error; otherwise one of
    the services)."""
    retry_after = str(settings.DATABASE_OUTAGE_RETRY_AFTER_SECONDS)
    if exc is None or is_database_outage(exc):
        message, code = outage_message(), "database_unavailable"
    else:
        message, code = service_outage_message(), "service_unavailable"
    if wants_json(request):
        response = JsonResponse({"detail": message, "code": code})
    else:
        response = HttpResponse(
            loader.get_template("503.html").render({"message": message}),
            content_type="text/html; charset=utf-8",
        )
    response.status_code = 503
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request):
    """``handler500``: a database, Redis or broker error raised outside a view (in a
    middleware, a context processor) still gets the 503; anything else the portal's 500 page,
    rendered without the database, or JSON under /api/."""
    exc = sys.exc_info()[1]
    if is_outage(exc):
        return database_outage_response(request, exc)
    if wants_json(request):
        return JsonResponse({"detail": _("Server error."), "code": "server_error"}, status=500)
    return HttpResponse(
        loader.get_template("500.html").render({}),
        content_type="text/html; charset=utf-8",
        status=500,
    )
