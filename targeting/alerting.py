"""Alerts about risk profiles, through the outbox of ``alerts``: the reminder to a profile's
author (or, when they can no longer write it, to its member's analysts and focal points) that
it expires soon. The alert names the profile by number only (``PROFILE-12``): its name and
criteria stay in the portal."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertEvent, AlertState
from alerts.outbox import alerts_enqueue
from alerts.preferences import alert_modes, alert_rows
from alerts.subjects import AlertSubject
from core.bulk import instances_insert
from members.permissions import Right, users_with_right

from . import permissions
from .models import RiskProfile

SUBJECT_TYPE = "riskprofile"


def profile_reference(profile_id: int) -> str:
    return f"PROFILE-{profile_id}"


def _people(profile: RiskProfile) -> list:
    author = profile.created_by
    if author.is_active and permissions.may_write_profile(author, profile):
        return [author]
    return list(users_with_right(profile.member, Right.MANAGE_PROFILES).order_by("pk"))


def profile_expiring_alert(*, profile: RiskProfile) -> list[int]:
    """Write the reminder's outbox rows in the caller's transaction; delivery is asked for
    once it commits."""
    people = _people(profile)
    if not people:
        return []
    event = AlertEvent.PROFILE_EXPIRING
    modes = alert_modes(people, event)
    now = timezone.now()
    rows: list[Alert] = []
    for person in people:
        rows += alert_rows(
            person,
            modes=modes,
            subject_type=SUBJECT_TYPE,
            subject_id=profile.pk,
            subject_reference=profile_reference(profile.pk),
            event=event,
            created_at=now,
        )
    instances_insert(Alert, rows)
    to_send = [row.pk for row in rows if row.state == AlertState.PENDING]
    if to_send:
        transaction.on_commit(lambda: alerts_enqueue(alert_ids=to_send))
    return [row.pk for row in rows]


# --- How the outbox handles them ------------------------------------------------------------


def _link(alert) -> str:
    return reverse("targeting:detail", args=[alert.subject_id])


def _facts(alert) -> dict | None:
    row = RiskProfile.objects.filter(pk=alert.subject_id, deleted_at__isnull=True).values(
        "valid_until"
    )
    profile = row.first()
    if profile is None:
        return None
    return {
        "reference": profile_reference(alert.subject_id),
        "valid_until": profile["valid_until"],
    }


def _scope(user) -> Q:
    return Q(
        subject_type=SUBJECT_TYPE,
        subject_id__in=permissions.restrict_profiles(user).values("id"),
    )


def _members(alert) -> list[str]:
    code = RiskProfile.objects.filter(pk=alert.subject_id).values_list("member__code", flat=True)
    return [str(c) for c in code[:1]]


PROFILE_ALERTS = AlertSubject(link=_link, scope=_scope, members=_members, facts=_facts)
