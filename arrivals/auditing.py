"""Audit events of pre-arrival notices, through ``members.audit.audit_record``: reads (page,
API detail), filing, import, arrival, outcome and removals (as counts). The members concerned
are the notice's two parties; details carry no content."""

from __future__ import annotations

from members.audit import audit_record
from members.models import ReleaseState
from members.selectors import audit_access_history

from . import permissions
from .models import ArrivalNotice

OBJECT_TYPE = "arrivalnotice"


def _members(notice: ArrivalNotice) -> list[str]:
    return [notice.from_member.code, notice.to_member.code]


def notice_read_record(*, request, notice: ArrivalNotice) -> None:
    """``arrival.read``: once per user and notice per AUDIT_READ_DEDUPE_SECONDS."""
    audit_record(
        action="arrival.read",
        request=request,
        obj=notice,
        object_type=OBJECT_TYPE,
        members=_members(notice),
        dedupe=True,
    )


def notice_write_record(
    *,
    action: str,
    user,
    notice: ArrivalNotice,
    detail: dict | None = None,
    sending_side_only: bool = False,
) -> None:
    """One event for a write on ``notice`` (``arrival.file``, ``arrival.arrived``,
    ``arrival.outcome``, ``arrival.release``, ``arrival.return``). Call it last in the
    service's transaction. ``sending_side_only``: a notice that has not left the sending
    member (held or returned) is no concern of the receiving member yet."""
    audit_record(
        action=action,
        actor=user,
        obj=notice,
        object_type=OBJECT_TYPE,
        members=[notice.from_member.code] if sending_side_only else _members(notice),
        detail=detail,
    )


def notices_import_record(*, user, notices: list, lines: int, filename: str) -> None:
    """``arrival.import``: the receiving member of a notice held for release is no party to
    it until the notice is released."""
    parties = {n.from_member for n in notices} | {
        n.to_member for n in notices if n.release_state == ReleaseState.RELEASED
    }
    members = {member.code for member in parties}
    held = sum(1 for n in notices if n.release_state != ReleaseState.RELEASED)
    audit_record(
        action="arrival.import",
        actor=user,
        object_type=OBJECT_TYPE,
        members=members,
        detail={
            "notices": len(notices),
            "lines": lines,
            "filename": filename[:100],
            **({"awaiting_release": held} if held else {}),
        },
    )


def notices_prune_record(*, removed: int, partitions: list[str], members=()) -> None:
    """``arrival.prune``: how many notices retention removed (a count, nothing else)."""
    audit_record(
        action="arrival.prune",
        system=True,
        object_type=OBJECT_TYPE,
        members=members,
        detail={"removed": removed, "partitions_dropped": len(partitions)},
    )


def notice_access_history(*, user, notice: ArrivalNotice):
    """Who read the notice, for either party's focal points and admins (None otherwise)."""
    owner = (
        notice.to_member_id
        if permissions.is_receiving_side(user, notice)
        else notice.from_member_id
    )
    return audit_access_history(
        user=user,
        object_type=OBJECT_TYPE,
        object_id=notice.pk,
        object_reference=notice.reference,
        owner_member_id=owner,
    )
