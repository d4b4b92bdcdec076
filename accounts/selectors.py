"""Reads of the accounts app."""

from __future__ import annotations

from members.models import AuditEvent

#: Changes made to a person's sign-in by someone else, told to them in the portal at their
#: next login (they are also emailed).
NOTICE_ACTIONS = ("two_factor.reset",)


def security_notices_since_last_login(*, user, request_id: str = "") -> list[AuditEvent]:
    """The audit events of ``NOTICE_ACTIONS`` on ``user``'s account since their previous
    login (the newest ``auth.login`` event not of the current request), oldest first. Two
    statements, on the ``(object_type, object_id, -id)`` index; run at login only."""
    on_user = AuditEvent.objects.filter(object_type="user", object_id=user.pk)
    previous_login = (
        on_user.filter(action="auth.login")
        .exclude(request_id=request_id or None)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    notices = on_user.filter(action__in=NOTICE_ACTIONS)
    if previous_login is not None:
        notices = notices.filter(id__gt=previous_login)
    return list(notices.order_by("id")[:10])
