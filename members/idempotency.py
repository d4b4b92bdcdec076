"""Idempotency-Key for API writes: a client that lost the answer to a POST retries it with the
same key and gets the first answer back, with nothing done twice.

How it holds under retries and races:
- The key row (unique per user and key) is inserted *before* the handler runs, in the same
  transaction as the handler's own writes, and the answer is stored in that row before the
  commit. Either both the work and its stored answer commit, or neither does.
- A concurrent duplicate blocks on the unique index until the first transaction ends. If it
  committed, the duplicate's insert fails and it replays the stored answer; if it rolled back,
  the duplicate simply does the work itself.
- Only 2xx answers are stored: a refused request wrote nothing, so its key stays free and the
  client may correct the body and try again with it.
- The same key with a different body, method or path is a client bug: 422.
- Keys are kept for ``IDEMPOTENCY_KEY_TTL_SECONDS`` (24 h); ``manage.py idempotency_prune``
  and the beat task ``ireN.idempotency_prune`` delete older ones.

Usage on a DRF view method (innermost decorator)::

    @idempotent
    def create(self, request, *args, **kwargs): ...
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


class _Discard(Exception):
    """Not a 2xx answer: roll the key back and hand the answer out unchanged."""

    def __init__(self, response):
        self.response = response


class _Concurrent(Exception):
    """Another request with the same key committed first."""


def _canonical(value):
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)  # the handler reads it again
        return {"file": value.name, "sha256": digest.hexdigest()}
    return value


def request_fingerprint(request) -> str:
    """A hash of what the request asks for: its parsed body (files by content), independent of
    the multipart boundary or key order."""
    data = request.data
    if hasattr(data, "lists"):
        payload = {key: [_canonical(v) for v in values] for key, values in data.lists()}
    else:
        payload = data
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _expired_before():
    return timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)


def _replay(stored: IdempotencyKey, *, request, fingerprint: str) -> Response:
    if (
        stored.method != request.method
        or stored.path != request.path
        or stored.fingerprint != fingerprint
    ):
        return Response(
            {"detail": _("This Idempotency-Key was already used for a different request.")},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    return Response(
        stored.response_body,
        status=stored.response_status,
        headers={REPLAYED_HEADER: "true"},
    )


def idempotent(view_method):
    """Make a DRF view method replay its first answer to a retried POST with the same
    ``Idempotency-Key`` header (per user). Requests without the header are untouched."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            raise ValidationError(
                {HEADER: [_("Send a key of 1 to 255 characters, e.g. a random UUID.")]}
            )
        fingerprint = request_fingerprint(request)
        keys = IdempotencyKey.objects.filter(user=request.user, key=key)
        try:
            with transaction.atomic():
                stored = keys.select_for_update().first()
                if stored is not None and stored.created_at >= _expired_before():
                    return _replay(stored, request=request, fingerprint=fingerprint)
                if stored is not None:
                    stored.delete()
                try:
                    with transaction.atomic():
                        record = IdempotencyKey.objects.create(
                            user=request.user,
                            key=key,
                            method=request.method,
                            path=request.path[:500],
                            fingerprint=fingerprint,
                            response_status=0,
                        )
                except IntegrityError:
                    raise _Concurrent from None
                response = view_method(self, request, *args, **kwargs)
                if not 200 <= response.status_code < 300:
                    raise _Discard(response)
                record.response_status = response.status_code
                record.response_body = json.loads(JSONRenderer().render(response.data) or "null")
                record.save(update_fields=["response_status", "response_body"])
                return response
        except _Discard as discarded:
            return discarded.response
        except _Concurrent:
            stored = keys.first()
            if stored is None or not stored.response_status:
                return Response(
                    {"detail": _("A request with this Idempotency-Key is still being handled.")},
                    status=status.HTTP_409_CONFLICT,
                    headers={"Retry-After": "1"},
                )
            return _replay(stored, request=request, fingerprint=fingerprint)

    return wrapper


def idempotency_prune() -> int:
    """Delete keys older than their validity; returns how many went."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=_expired_before()).delete()
    return deleted
