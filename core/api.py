"""Shared API pieces: the exception handler that turns domain validation errors into 400s (and
the domain exceptions of ``core.exceptions`` into 404/403/400), with answers that an app
registers for other exceptions (``ops`` registers the JSON 503 with Retry-After for an
unreachable database, Redis or broker); the schema view that a browser can read."""

from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import NotAllowed

#: Answers for exceptions an app knows better, in registration order: (types, responder), the
#: responder called with the request. ``ops`` registers the database outage's 503.
_responders: list[tuple[tuple[type[BaseException], ...], Callable]] = []


def exception_responder_register(types: tuple[type[BaseException], ...], responder) -> None:
    """Answer an exception of ``types`` raised in an API view with ``responder(request)``."""
    _responders.append((types, responder))


def exception_handler(exc, context):
    """Render a domain ``ValidationError`` raised by a service as a field-level 400, and an
    exception a registered responder knows (a database, Redis or broker that cannot be
    reached: a 503, JSON, ``Retry-After``) with its answer rather than a bare 500."""
    for types, responder in _responders:
        if isinstance(exc, types):
            return responder(context["request"], exc)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                field: [str(m) for e in errs for m in e.messages]
                for field, errs in exc.error_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


class _SchemaForBrowserRenderer(OpenApiYamlRenderer):
    """The YAML schema for a browser (which asks for text/html): sent as text/plain so that it
    is shown, not downloaded (issue 11). Listed last, so API clients get the usual types."""

    media_type = "text/html"
    format = "text"


class SchemaView(SpectacularAPIView):
    """``/api/schema/``: the OpenAPI document; readable when opened in a browser."""

    renderer_classes = [*SpectacularAPIView.renderer_classes, _SchemaForBrowserRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(getattr(response, "accepted_renderer", None), _SchemaForBrowserRenderer):
            response.content_type = "text/plain; charset=utf-8"
        return response
