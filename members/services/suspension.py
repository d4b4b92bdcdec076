"""Suspending a member and lifting the suspension."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Invalid

from ..audit import audit_record
from ..models import MemberAdministration, MemberStatus


@transaction.atomic
def member_suspend(
    *, member: MemberAdministration, reason: str = "", by=None
) -> MemberAdministration:
    """Suspend a member, as ``by`` (None: the request's user): its people can no longer sign
    in or use their tokens, nobody can address a query to it and no alert goes to it. Its
    records stay as they are."""
    member = MemberAdministration.objects.select_for_update().get(pk=member.pk)
    reason = (reason or "").strip()
    if member.status == MemberStatus.SUSPENDED:
        raise Invalid({"status": [_("%(code)s is already suspended.") % {"code": member.code}]})
    if len(reason) > 1000:
        raise Invalid({"reason": [_("Keep the reason under 1000 characters.")]})
    return _status_set(
        member=member,
        status=MemberStatus.SUSPENDED,
        suspended_at=timezone.now(),
        reason=reason,
        action="member.suspended",
        by=by,
        recorded_reason=reason,
    )


@transaction.atomic
def member_reinstate(*, member: MemberAdministration, by=None) -> MemberAdministration:
    """Lift a member's suspension, as ``by`` (None: the request's user): everything its
    people could do before comes back. The event's detail keeps the reason it was
    suspended for."""
    member = MemberAdministration.objects.select_for_update().get(pk=member.pk)
    if member.status != MemberStatus.SUSPENDED:
        raise Invalid({"status": [_("%(code)s is not suspended.") % {"code": member.code}]})
    return _status_set(
        member=member,
        status=MemberStatus.MEMBER,
        suspended_at=None,
        reason="",
        action="member.reinstated",
        by=by,
        recorded_reason=member.suspension_reason,
    )


def _status_set(
    *, member, status, suspended_at, reason: str, action: str, by, recorded_reason: str
) -> MemberAdministration:
    """Save ``member``'s suspension state and record ``action``, with ``recorded_reason`` (the
    reason it is, or was, suspended for) in the event's detail."""
    member.status = status
    member.suspended_at = suspended_at
    member.suspension_reason = reason
    member.save(update_fields=["status", "suspended_at", "suspension_reason"])
    audit_record(
        action=action,
        actor=by,
        obj=member,
        object_reference=member.code,
        members=[member],
        detail={"reason": recorded_reason},
    )
    return member
