"""Domain exceptions a service raises, whatever calls it (a page, the API, a command, a task).

Each is also the Django exception of the same meaning, so every caller answers it the same way
without catching it: ``NotFound`` is an ``Http404`` (404), ``NotAllowed`` a
``PermissionDenied`` (403), and ``Invalid`` a ``ValidationError`` carrying field errors and a
``BadRequest`` (400); ``Conflict`` (409) has no Django counterpart. The API's exception
handler (``core.api.exception_handler``) answers each with its status (an ``Invalid`` as a
field-keyed 400); for pages, ``core.middleware.RefusalMiddleware`` turns a refusal no view
caught into a message on the page the user came from.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404


class DomainError(Exception):
    """Base of the domain exceptions."""


class NotFound(DomainError, Http404):
    """No such object, or not one the user may see (the two answer alike)."""


class NotAllowed(DomainError, PermissionDenied):
    """The user may see the object but not act on it this way."""


class Conflict(DomainError):
    """The object's state does not allow the action (a query that is closed)."""

    status_code = 409


class Invalid(DomainError, ValidationError, BadRequest):
    """Bad input: ``field_errors`` maps each field at fault (``non_field_errors`` for the
    whole) to its messages."""

    def __init__(self, field_errors: dict[str, list[str] | str] | str):
        # A bare message concerns the whole input (Django's and DRF's non-field errors).
        super().__init__(field_errors)

    @property
    def field_errors(self) -> dict[str, list[str]]:
        if not hasattr(self, "error_dict"):
            return {"non_field_errors": [str(m) for m in self.messages]}
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in self.error_dict.items()
        }
