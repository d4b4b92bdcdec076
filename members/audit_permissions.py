"""Who may read the audit trail, and what of each event: the audit rules of the permission
layer, built on ``members.permissions``.

A network admin (the secretariat) runs the network and sees no content, in the audit trail
too: content events come back without what names the record. A member's admins see every
event by their own people and every event concerning their member.
"""

from __future__ import annotations

import re

from django.db.models import Q

from .models import MemberAdministration
from .permissions import (
    Right,
    has_any_member_right,
    has_right,
    is_network_admin,
    member_admin_of,
    member_ids,
)


def may_view_audit(user) -> bool:
    """Network admins and member admins (those who manage a member's people) see audit
    events; nobody else does (the page and the API answer 404)."""
    return is_network_admin(user) or has_any_member_right(user, Right.MANAGE_PEOPLE)


#: The audit events about country content, by action prefix: queries, replies, attachments,
#: seizure reports, imports, exports, operations, hits, lookups, watch entries, alerts and
#: risk profiles.
#: Their object, reference and detail name what a member worked on; network admins see such
#: events without them (``audit_event_redactor``). ``audit.export`` is listed whole: its
#: detail keeps the filters a member admin used, which may name a reference.
AUDIT_CONTENT_ACTION_PREFIXES = (
    "query.",
    "attachment.",
    "seizure.",
    "seizures.",
    "import.",
    "export.",
    "operation.",
    "hit.",
    "identifier.",
    "watch.",
    "alert.",
    "arrival.",
    "profile.",
    "targeting.",
)
AUDIT_CONTENT_ACTIONS = ("audit.export",)

_EMAIL = re.compile(r"[^\s@<>\"',;]+@[^\s@<>\"',;]+")


def audit_action_is_content(action: str) -> bool:
    """Is an event with this action about country content (see the list above)?"""
    return action in AUDIT_CONTENT_ACTIONS or action.startswith(AUDIT_CONTENT_ACTION_PREFIXES)


def audit_content_condition() -> Q:
    """The same rule as ``audit_action_is_content``, as a database condition."""
    condition = Q(action__in=AUDIT_CONTENT_ACTIONS)
    for prefix in AUDIT_CONTENT_ACTION_PREFIXES:
        condition |= Q(action__startswith=prefix)
    return condition


def _audit_member_scope(member_ids_: frozenset[int]) -> tuple[Q, set[str]]:
    """Events by the members' people or concerning the members, and the members' codes."""
    codes = set(
        MemberAdministration.objects.filter(pk__in=member_ids_).values_list("code", flat=True)
    )
    condition = Q(actor_member_id__in=member_ids_)
    for code in codes:
        condition |= Q(members__contains=[code])
    return condition, codes


def restrict_audit_events(user, queryset=None):
    """Audit events the user may see. Network admins: all, content events without their
    content (``audit_event_redactor``). A member's admins: every event by their own people,
    and every event concerning their member (e.g. who at UZ opened KZ's query). Everyone
    else: none."""
    from .models import AuditEvent

    queryset = AuditEvent.objects.all() if queryset is None else queryset
    if is_network_admin(user):
        return queryset
    managed = member_ids(user, Right.MANAGE_PEOPLE)
    if not managed:
        return queryset.none()
    return queryset.filter(_audit_member_scope(managed)[0])


def restrict_audit_object_search(user, queryset):
    """Events a search by object (reference, or type and id) may find for the user: for a
    network admin, no content event outside the members they are a member admin of, so that a
    reference cannot link the events about one record together."""
    if not is_network_admin(user):
        return queryset
    own = member_admin_of(user)
    hidden = audit_content_condition()
    if own:
        hidden &= ~_audit_member_scope(own)[0]
    return queryset.exclude(hidden)


def _without_emails(value):
    if isinstance(value, str):
        return _EMAIL.sub("", value) if "@" in value else value
    if isinstance(value, dict):
        return {key: _without_emails(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_emails(item) for item in value]
    return value


def audit_event_redactor(user):
    """The one place that decides what of an audit event the user reads; None when the user
    reads events as recorded (a member admin, within their scope).

    A network admin (the secretariat) sees figures, never content, in the audit trail too:
    a content event (``audit_action_is_content``) comes back with ``object_id``,
    ``object_reference`` and ``detail`` set to None, unless it is in the scope of a member
    they are a member admin of; and no event shows an email address in any field (actor,
    reference, detail). Action, time, actor, actor's member and the members concerned stay.
    The audit page, its CSV and ``GET /api/v1/audit/`` all read events through this."""
    if not is_network_admin(user):
        return None
    own = member_admin_of(user)
    own_codes = _audit_member_scope(own)[1] if own else set()

    def redact(event):
        in_own_scope = event.actor_member_id in own or bool(own_codes & set(event.member_codes))
        if audit_action_is_content(event.action) and not in_own_scope:
            event.object_id = None
            event.object_reference = None
            event.detail = None
        event.actor_username = _without_emails(event.actor_username)
        event.object_reference = _without_emails(event.object_reference)
        event.detail = _without_emails(event.detail)
        return event

    return redact


def may_view_access_history(user, owner_member_id: int | None) -> bool:
    """The owning member's focal points and admins see who read, downloaded or exported one
    of its records."""
    if owner_member_id is None:
        return False
    return has_right(user, Right.MANAGE_PEOPLE, owner_member_id) or has_right(
        user, Right.RECEIVE_ALERTS, owner_member_id
    )
