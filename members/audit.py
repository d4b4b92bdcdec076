"""The audit trail: one recording function every app calls, and the chain it keeps.

``audit_record`` appends one ``AuditEvent`` on the current database connection, so a caller
inside ``transaction.atomic`` records the event in the same transaction as its change (and
loses it with a rollback). Each row's ``hash`` is SHA-256 over the previous row's ``hash`` and
this row's canonical fields.

One statement per event. The row is written by a single ``INSERT … SELECT`` that reads the tip
of the chain (the newest row's hash) and computes the new hash inside the database
(PostgreSQL's ``sha256``). A unique constraint on
``prev_hash`` forbids forks: when two writers read the same tip, the database makes the second
wait for the first to commit and then skips its row (``ON CONFLICT DO NOTHING``, no error, so
no savepoint is needed inside a caller's transaction); ``audit_record`` then retries on the new
tip. Chain order is therefore id order, which ``audit_verify`` walks. See docs/AUDIT.md.

Reads (``dedupe=True``) are recorded once per user, action and object per
``AUDIT_READ_DEDUPE_SECONDS``; the check is a cache ``add``, not SQL.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from core import request_context

from .models import AuditEvent

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 100
_COLUMNS = (
    "at",
    "actor_id",
    "actor_username",
    "actor_member_id",
    "action",
    "object_type",
    "object_id",
    "object_reference",
    "members",
    "ip",
    "user_agent",
    "request_id",
    "detail",
)


class AuditChainBusy(RuntimeError):
    """The chain's tip kept moving for ``MAX_ATTEMPTS`` tries (never seen in practice)."""


# --- Canonical form and hash -------------------------------------------------------------------


def member_codes(members: Iterable) -> list[str]:
    """The codes of member objects or codes: upper case, sorted, unique."""
    return sorted(
        {str(getattr(member, "code", member)).upper() for member in members or () if member}
    )


def members_text(codes: Iterable[str]) -> str:
    """``|KZ|UZ|``: how the members concerned enter a row's hash (fixed, so that the chain
    written before they were stored as an array still verifies)."""
    codes = list(codes or ())
    return f"|{'|'.join(codes)}|" if codes else ""


def canonical_payload(
    *,
    at,
    actor_username,
    action,
    object_type,
    object_id,
    object_reference,
    members,
    ip,
    user_agent,
    request_id,
    detail,
) -> str:
    """The text a row's hash covers (after its ``prev_hash``). Foreign keys are not in it:
    deleting a user or member sets them to NULL, which must not break the chain; the username
    snapshot is."""
    return json.dumps(
        [
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor_username or "",
            action,
            object_type or "",
            "" if object_id is None else str(object_id),
            object_reference or "",
            members_text(members),
            ip or "",
            user_agent or "",
            request_id or "",
            detail or {},
        ],
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )


def chain_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def row_payload(event: AuditEvent | dict) -> str:
    get = event.get if isinstance(event, dict) else lambda name: getattr(event, name)
    return canonical_payload(**{name: get(name) for name in PAYLOAD_FIELDS})


#: The fields a row's hash covers, in order (audit_verify reads the same).
PAYLOAD_FIELDS = (
    "at",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "object_reference",
    "members",
    "ip",
    "user_agent",
    "request_id",
    "detail",
)


# --- Recording ---------------------------------------------------------------------------------


def _normal_ip(value) -> str | None:
    if not value:
        return None
    try:
        return ipaddress.ip_address(str(value).strip()).compressed
    except ValueError:
        return None


#: The types of the columns a bare parameter would leave unknown in ``INSERT … SELECT``.
_CASTS = {"members": "::varchar(2)[]", "detail": "::jsonb"}


def _insert_sql() -> str:
    """Append at the chain's tip in one statement: the row takes the newest hash as its
    ``prev_hash`` and PostgreSQL computes its own hash; a writer that lost the race to the
    same tip inserts nothing (``prev_hash`` is unique) and tries again."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    values = ", ".join(f"%s{_CASTS.get(c, '')}" for c in _COLUMNS)
    digest = "encode(sha256(convert_to(tip.h || %s, 'UTF8')), 'hex')"
    return (
        f"INSERT INTO {table} ({columns}, prev_hash, hash) "
        f"SELECT {values}, tip.h, {digest} "
        f"FROM (SELECT COALESCE((SELECT hash FROM {table} ORDER BY id DESC LIMIT 1), '') AS h) "
        "AS tip WHERE 1 = 1 "
        "ON CONFLICT (prev_hash) DO NOTHING RETURNING id"
    )


def audit_record(
    *,
    action: str,
    actor=None,
    request=None,
    obj=None,
    object_type: str | None = None,
    object_id: int | None = None,
    object_reference: str = "",
    members: Iterable = (),
    detail: dict | None = None,
    username: str = "",
    dedupe: bool = False,
    system: bool = False,
) -> int | None:
    """Append one audit event; returns its id (None when ``dedupe`` skipped it).

    ``action`` is dotted (``query.read``). The actor defaults to the request's user; IP, user
    agent and request id come from ``request`` or the current request's context. ``obj`` fills
    ``object_type`` (its model name), ``object_id`` and, if it has one, ``object_reference``.
    ``members`` are the members concerned (objects or codes). ``detail`` is small JSON and
    never content. ``username`` names an actor who is no user (a failed sign-in).

    Services need no request: they pass ``actor=user`` and the IP, user agent and request id
    are those of the request being served (the context variable ``RequestContextMiddleware``
    sets), or of the request that enqueued the Celery task (its request id only).

    ``system=True`` records something the portal did by itself (an alert mail sent by the
    outbox): no actor, and no client address or browser even when it happens to run inside a
    request (an in-process task); only the request id, for tracing.

    Runs on the current connection: call it inside the caller's ``transaction.atomic`` to
    record the change and its event together (last, since the chain's tip is held until the
    transaction ends).
    """
    actor, request = _actor_and_request(actor=actor, request=request, system=system)
    object_type, object_id, object_reference = _object_fields(
        obj=obj, object_type=object_type, object_id=object_id, object_reference=object_reference
    )
    key = None
    if dedupe:
        key = "audit-read:{}:{}:{}:{}:{}".format(
            action, getattr(actor, "pk", ""), object_type, object_id, object_reference
        )
        if not cache.add(key, 1, timeout=settings.AUDIT_READ_DEDUPE_SECONDS):
            return None
    fields = _event_fields(
        action=action,
        actor=actor,
        request=request,
        username=username,
        object_type=object_type,
        object_id=object_id,
        object_reference=object_reference,
        members=members,
        detail=detail,
    )
    try:
        return _append(fields, actor=actor)
    except Exception:
        if key is not None:
            cache.delete(key)
        raise


def _actor_and_request(*, actor, request, system: bool):
    """Who acted and the request it came with: the current request's user by default;
    nobody, and no request, for something the portal did by itself."""
    if system:
        return None, None
    request = request if request is not None else request_context.current_request()
    if actor is None:
        actor = request_context.resolved_user(request)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return actor, request


def _object_fields(*, obj, object_type, object_id, object_reference) -> tuple[str, object, str]:
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = obj.pk if object_id is None else object_id
        object_reference = object_reference or str(getattr(obj, "reference", "") or "")
        if not object_reference and hasattr(obj, "get_username"):
            object_reference = obj.get_username()
    return object_type or "", object_id, str(object_reference or "")


def _event_fields(
    *, action, actor, request, username, object_type, object_id, object_reference, members, detail
) -> dict:
    """The hashed fields of one event, cut to their columns' lengths."""
    headers = request.headers if request is not None else {}
    return {
        "at": timezone.now(),
        "actor_username": (actor.get_username() if actor is not None else username)[:150],
        "action": action,
        "object_type": object_type[:64],
        "object_id": object_id,
        "object_reference": object_reference[:100],
        "members": member_codes(members),
        "ip": _normal_ip(request_context.client_ip(request)),
        "user_agent": (headers.get("User-Agent") or "")[:300],
        "request_id": (getattr(request, "request_id", "") or request_context.request_id())[:64],
        "detail": detail or {},
    }


def _append(fields: dict, *, actor) -> int:
    """Write the event at the chain's tip, trying again while other writers move it."""
    params = [
        connection.ops.adapt_datetimefield_value(fields["at"]),
        getattr(actor, "pk", None),
        fields["actor_username"],
        getattr(actor, "member_id", None),
        fields["action"],
        fields["object_type"],
        fields["object_id"],
        fields["object_reference"],
        fields["members"],
        fields["ip"],
        fields["user_agent"],
        fields["request_id"],
        json.dumps(fields["detail"], ensure_ascii=False, sort_keys=True),
        canonical_payload(**fields),
    ]
    sql = _insert_sql()
    with connection.cursor() as cursor:
        for _attempt in range(MAX_ATTEMPTS):
            cursor.execute(sql, params)
            row = cursor.fetchone()
            if row is not None:
                return row[0]
    raise AuditChainBusy(fields["action"])
