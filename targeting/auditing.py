"""Audit events of risk profiles, through ``members.audit.audit_record``: reads (page, API
detail), every write and backtests. The member concerned is the profile's owner only (the
members whose notices a network profile screens are not told of its changes); details name
the version, scope, lane and counts, never a criterion or the name."""

from __future__ import annotations

from members.audit import audit_record

from .models import RiskProfile

OBJECT_TYPE = "riskprofile"


def profile_read_record(*, request, profile: RiskProfile) -> None:
    """``profile.read``: once per user and profile per AUDIT_READ_DEDUPE_SECONDS."""
    audit_record(
        action="profile.read",
        request=request,
        obj=profile,
        object_type=OBJECT_TYPE,
        members=[profile.member.code],
        dedupe=True,
    )


def profile_write_record(
    *, action: str, user, profile: RiskProfile, detail: dict | None = None
) -> None:
    """One event for a write on ``profile``; call it last in the service's transaction."""
    audit_record(
        action=action,
        actor=user,
        obj=profile,
        object_type=OBJECT_TYPE,
        members=[profile.member.code],
        detail={"version": profile.version, **(detail or {})},
    )
