"""Every write of targeting: profiles (create, change, activate, delete, restore a version),
a member's random rate, the re-screening of expected notices after a change, and the expiry
reminders. Views, the API, tasks and the demo call these.

Each write runs in one transaction: the profile, its new version, and, last, its audit event
(``members.audit``; the detail names no criterion). A change that alters what screens (any
change of a profile active before or after it) marks the profile for re-screening; the task
queued when the transaction commits, and beat for anything it missed, re-screens the notices
still expected.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arrivals.models import ArrivalNotice, NoticeStatus
from arrivals.services import notices_rescreen
from core.exceptions import Invalid, NotAllowed
from members.audit import audit_record
from members.models import ReleaseState

from . import alerting, auditing, permissions
from .models import ProfileScope, RiskProfile, RiskProfileVersion, TargetingSettings
from .validation import profile_clean, profile_state, random_rate_clean

logger = logging.getLogger(__name__)

#: Notices re-screened per transaction.
RESCREEN_BATCH = 1000
#: ``rescreen_scope`` values: nothing pending, the owner's incoming notices, every member's.
RESCREEN_NONE, RESCREEN_MEMBER, RESCREEN_NETWORK = "", "member", "network"


def _version_add(*, profile: RiskProfile, user, change: str) -> None:
    RiskProfileVersion.objects.create(
        profile=profile,
        number=profile.version,
        state=profile_state(profile),
        change=change,
        written_by=user,
        written_at=profile.updated_at,
    )


def _rescreen_scope(before: dict | None, after: dict | None) -> str:
    """Which notices a change makes screen differently: none when the profile screened
    nothing before and screens nothing after; every member's when it was or is network."""
    states = [s for s in (before, after) if s and s.get("active")]
    if not states:
        return RESCREEN_NONE
    if any(s.get("scope") == ProfileScope.NETWORK for s in states):
        return RESCREEN_NETWORK
    return RESCREEN_MEMBER


def _mark_for_rescreen(profile: RiskProfile, scope: str) -> None:
    if scope == RESCREEN_NONE:
        return
    if profile.rescreen_scope != RESCREEN_NETWORK:
        profile.rescreen_scope = scope
    RiskProfile.objects.filter(pk=profile.pk).update(rescreen_scope=profile.rescreen_scope)
    transaction.on_commit(rescreen_enqueue)


def rescreen_enqueue() -> None:
    """Ask a worker to re-screen; never raises (beat picks up what a lost task left)."""
    from .tasks import rescreen_notices

    try:
        rescreen_notices.delay()
    except Exception:
        logger.warning("Broker unreachable: re-screening left to the periodic task", exc_info=True)


# --- Profiles ----------------------------------------------------------------------------------


@transaction.atomic
def profile_create(*, user, data: dict, member=None) -> RiskProfile:
    """A new profile of ``member`` (by default the one member the user writes profiles for)
    from ``data`` (the API's field names). Raises ``Invalid`` and writes nothing on bad
    input."""
    member = member or permissions.profile_owner(user, data.get("member"))
    if member is None:
        raise Invalid({"member": [_("Name the member this profile belongs to.")]})
    if not permissions.may_write_profile(user, RiskProfile(member=member)):
        raise NotAllowed(_("You may not write this member's risk profiles."))
    values = profile_clean(data)
    now = timezone.now()
    profile = RiskProfile.objects.create(
        member=member, created_by=user, created_at=now, updated_at=now, **values
    )
    _version_add(profile=profile, user=user, change="create")
    _mark_for_rescreen(profile, _rescreen_scope(None, profile_state(profile)))
    auditing.profile_write_record(
        action="profile.create", user=user, profile=profile, detail=_summary(profile)
    )
    return profile


def _summary(profile: RiskProfile) -> dict:
    return {"scope": profile.scope, "lane": profile.lane, "active": profile.active}


def _locked(user, profile: RiskProfile) -> RiskProfile:
    if not permissions.may_write_profile(user, profile):
        raise NotAllowed(_("Only the owning member's analysts and focal points may do this."))
    return (
        RiskProfile.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=profile.pk, deleted_at__isnull=True)
    )


def _change(*, user, profile: RiskProfile, values: dict, change: str, action: str, detail=None):
    before = profile_state(profile)
    for name, value in values.items():
        setattr(profile, name, value)
    after = profile_state(profile)
    if after == before and change != "delete":
        return profile
    profile.version += 1
    profile.updated_at = timezone.now()
    profile.save()
    _version_add(profile=profile, user=user, change=change)
    if change == "delete":
        after = None
    _mark_for_rescreen(profile, _rescreen_scope(before, after))
    auditing.profile_write_record(
        action=action, user=user, profile=profile, detail={**_summary(profile), **(detail or {})}
    )
    return profile


@transaction.atomic
def profile_update(*, user, profile: RiskProfile, data: dict) -> RiskProfile:
    """Change a profile (the fields ``data`` gives; the others keep their values). A change
    keeps the previous version. Nothing changes, and no version is added, when ``data`` says
    what the profile already is."""
    profile = _locked(user, profile)
    values = profile_clean(data, current=profile)
    change = "update"
    if set(data) == {"active"}:
        change = "activate" if values["active"] else "deactivate"
    return _change(
        user=user, profile=profile, values=values, change=change, action="profile.update"
    )


@transaction.atomic
def profile_activate(*, user, profile: RiskProfile, active: bool) -> RiskProfile:
    """Switch a profile on or off."""
    return profile_update(user=user, profile=profile, data={"active": bool(active)})


@transaction.atomic
def profile_restore(*, user, profile: RiskProfile, number: int) -> RiskProfile:
    """Bring back an earlier version's state, as a new version."""
    profile = _locked(user, profile)
    version = profile.versions.filter(number=number).first()
    if version is None:
        raise Invalid({"version": [_("This profile has no such version.")]})
    values = profile_clean(version.state)
    return _change(
        user=user,
        profile=profile,
        values=values,
        change="restore",
        action="profile.restore",
        detail={"restored": number},
    )


@transaction.atomic
def profile_delete(*, user, profile: RiskProfile) -> None:
    """Remove a profile from lists and screening; its versions and past selections stay (the
    network's figures keep counting them)."""
    profile = _locked(user, profile)
    profile.deleted_at = timezone.now()
    _change(
        user=user,
        profile=profile,
        values={"active": False},
        change="delete",
        action="profile.delete",
    )


# --- Random selection --------------------------------------------------------------------------


def random_rate_get(*, member) -> float:
    """The member's rate of random selection (0 until its focal points set one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT random_rate FROM {TargetingSettings._meta.db_table} WHERE member_id = %s",
            [getattr(member, "pk", member)],
        )
        row = cursor.fetchone()
    return float(row[0] or 0.0) if row else 0.0


@transaction.atomic
def random_rate_set(*, user, member, data: dict) -> TargetingSettings:
    """Set the member's random rate (its focal points). Re-screens nothing: notices already
    screened keep their draw's answer under the rate of their screening."""
    if not permissions.may_set_random_rate(user, member):
        raise NotAllowed(_("Only the member's focal points set its random selection rate."))
    rate = random_rate_clean(data)
    row, _created = TargetingSettings.objects.select_for_update().get_or_create(member=member)
    before = row.random_rate
    row.random_rate, row.updated_by, row.updated_at = rate, user, timezone.now()
    row.save()
    audit_record(
        action="targeting.random_rate",
        actor=user,
        object_type="targetingsettings",
        object_id=row.pk,
        members=[member.code],
        detail={"before": before, "after": rate},
    )
    return row


# --- Re-screening ------------------------------------------------------------------------------


def _expected_notices(member_ids: list[int] | None):
    # A notice awaiting release (or returned) is no receiving member's yet: never screened.
    rows = ArrivalNotice.objects.filter(
        status=NoticeStatus.EXPECTED, release_state=ReleaseState.RELEASED
    )
    if member_ids is not None:
        rows = rows.filter(to_member_id__in=member_ids)
    return rows


def notices_rescreen_for(*, member_ids: list[int] | None) -> int:
    """Screen again every notice still expected by ``member_ids`` (None: every member), in
    batches of ``RESCREEN_BATCH``, each in its own transaction with its notices locked.
    Returns how many changed lane or reasons."""
    changed = 0
    last = None
    while True:
        with transaction.atomic():
            rows = _expected_notices(member_ids).order_by("expected_arrival", "id")
            if last is not None:
                rows = rows.filter(
                    Q(expected_arrival__gt=last[0]) | Q(expected_arrival=last[0], id__gt=last[1])
                )
            batch = list(
                rows.select_related("to_member").select_for_update(of=("self",))[:RESCREEN_BATCH]
            )
            if not batch:
                return changed
            changed += len(notices_rescreen(notices=batch))
        last = (batch[-1].expected_arrival, batch[-1].pk)


def profiles_rescreen() -> int:
    """Re-screen the expected notices of every profile marked for it, and clear each mark
    unless the profile changed again meanwhile. Safe to run twice (the second finds nothing
    marked, or re-screens to the same result)."""
    marked = list(
        RiskProfile.objects.exclude(rescreen_scope=RESCREEN_NONE).values_list(
            "id", "version", "member_id", "rescreen_scope"
        )
    )
    if not marked:
        return 0
    if any(scope == RESCREEN_NETWORK for *_rest, scope in marked):
        member_ids = None
    else:
        member_ids = sorted({member_id for _pk, _v, member_id, _s in marked})
    changed = notices_rescreen_for(member_ids=member_ids)
    for pk, version, _member_id, _scope in marked:
        RiskProfile.objects.filter(pk=pk, version=version).update(rescreen_scope=RESCREEN_NONE)
    return changed


# --- Expiry reminders --------------------------------------------------------------------------


def profiles_expiry_remind(*, today=None) -> int:
    """Remind the authors of active profiles ending within
    ``TARGETING_EXPIRY_REMINDER_DAYS``: once per end date (a profile whose validity is
    extended is reminded again before its new end). Each claimed by a conditional update in
    its own transaction: safe to run twice, even at once."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.TARGETING_EXPIRY_REMINDER_DAYS)
    due = RiskProfile.objects.filter(
        active=True,
        deleted_at__isnull=True,
        valid_until__gte=today,
        valid_until__lte=horizon,
    ).exclude(expiry_reminded_for=F("valid_until"))
    reminded = 0
    for profile in due.select_related("member", "created_by"):
        with transaction.atomic():
            claimed = (
                RiskProfile.objects.filter(pk=profile.pk, valid_until=profile.valid_until)
                .exclude(expiry_reminded_for=F("valid_until"))
                .update(expiry_reminded_for=F("valid_until"))
            )
            if claimed != 1:
                continue
            alerting.profile_expiring_alert(profile=profile)
            reminded += 1
    return reminded
