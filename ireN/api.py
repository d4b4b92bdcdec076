"""Shared API pieces: the exception handler that turns domain validation errors into 400s and
an unreachable database into a JSON 503 with Retry-After."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Render a domain ``ValidationError`` raised by a service as a field-level 400, and a
    database that cannot be reached as a 503 (JSON, ``Retry-After``) rather than a bare 500."""
    if isinstance(exc, OperationalError | InterfaceError):
        from ops.outage import database_outage_response

        return database_outage_response(context["request"])
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
