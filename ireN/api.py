"""Shared API pieces: the exception handler that turns domain validation errors into 400s and
an unreachable database (or Redis, or broker) into a JSON 503 with Retry-After; the schema
view that a browser can read."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Render a domain ``ValidationError`` raised by a service as a field-level 400, and a
    database (Redis, broker) that cannot be reached as a 503 (JSON, ``Retry-After``) rather
    than a bare 500."""
    from ops.outage import database_outage_response, is_outage

    if is_outage(exc):
        return database_outage_response(context["request"], exc)
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
