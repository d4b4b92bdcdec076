"""The answer while the database is unreachable: 503 with Retry-After, JSON for the API and a
plain page for the browser. Nothing here may touch the database: the page is rendered without
a request context (no context processors, no ``request.user``, no session)."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_database_outage(exc) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def outage_message() -> str:
    return _("The portal cannot reach its database just now. Please try again in a moment.")


def database_outage_response(request):
    retry_after = str(settings.DATABASE_OUTAGE_RETRY_AFTER_SECONDS)
    if wants_json(request):
        response = JsonResponse({"detail": outage_message(), "code": "database_unavailable"})
    else:
        response = HttpResponse(
            loader.get_template("503.html").render({"message": outage_message()}),
            content_type="text/html; charset=utf-8",
        )
    response.status_code = 503
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request):
    """``handler500``: a database error raised outside a view (in a middleware, a context
    processor) still gets the 503; anything else the portal's 500 page, rendered without the
    database, or JSON under /api/."""
    exc = sys.exc_info()[1]
    if is_database_outage(exc):
        return database_outage_response(request)
    if wants_json(request):
        return JsonResponse({"detail": _("Server error."), "code": "server_error"}, status=500)
    return HttpResponse(
        loader.get_template("500.html").render({}),
        content_type="text/html; charset=utf-8",
        status=500,
    )
