"""Alerts about notices, through the outbox of ``alerts`` (the same rows, channels, preferences
and delivery as every alert; ``alerts.subjects`` is told how to link them, who may still see
them and what their mail may say; ``alerts.emails`` writes the mail). The one module of
arrivals that writes alerts.

- a red notice: the receiving unit's officers and the receiving member's focal points, at
  once (as their preferences say);
- an amber or green notice: listed in the daily digest of the same people (a read in-portal
  row marked for the digest: it does not ring the bell);
- an outcome: the sending member's focal points and the sending unit's officers;
- a notice held under the sending member's release policy: its releasers (never its author),
  and nobody outside the sending member; on release or return, its author.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertEvent, AlertMode
from alerts.outbox import alerts_write
from alerts.preferences import alert_modes, alert_rows
from alerts.subjects import AlertSubject
from members.permissions import releasers

from . import permissions
from .models import ArrivalNotice

SUBJECT_TYPE = "arrival"
EVENTS = AlertEvent


def _unique(people: Iterable) -> list:
    seen: set[int] = set()
    return [p for p in people if not (p.pk in seen or seen.add(p.pk))]


def _rows(
    notice: ArrivalNotice, event: str, people: list, modes: dict, now, note: str = ""
) -> list[Alert]:
    fields = {
        "subject_type": SUBJECT_TYPE,
        "subject_id": notice.pk,
        "subject_reference": notice.reference,
        "event": event,
        "created_at": now,
    }
    if note:
        fields["note"] = note
    rows = []
    for person in people:
        if event == AlertEvent.ARRIVAL_NOTICE:
            # Listed in the digest only: no email at once, no bell.
            if modes.get(person.pk) == AlertMode.PORTAL or not person.email:
                continue
            rows += alert_rows(person, modes={person.pk: AlertMode.DIGEST}, read_at=now, **fields)
        else:
            rows += alert_rows(person, modes=modes, **fields)
    return rows


def notice_alerts_create(
    *, notice: ArrivalNotice, event: str, people: Iterable, note: str = ""
) -> list[int]:
    """Write the outbox rows of ``event`` on ``notice`` for ``people`` in the caller's
    transaction; delivery is asked for once it commits."""
    people = _unique(people)
    if not people:
        return []
    modes = alert_modes(people, event)
    return alerts_write(_rows(notice, event, people, modes, timezone.now(), note=note))


def notices_held_alert(*, notices: list[ArrivalNotice], author) -> list[int]:
    """Tell the sending member's releasers (not the author) that notices await their
    release: one alert per notice, nobody outside the sending member."""
    ids: list[int] = []
    people_of: dict[int, list] = {}
    for notice in notices:
        member_id = notice.from_member_id
        if member_id not in people_of:
            people_of[member_id] = [
                p for p in releasers(notice.from_member) if p.pk != getattr(author, "pk", None)
            ]
        ids += notice_alerts_create(
            notice=notice, event=AlertEvent.AWAITING_RELEASE, people=people_of[member_id]
        )
    return ids


def notices_received_alert(*, notices: list[ArrivalNotice]) -> list[int]:
    """Alert the receiving side of each notice: a red notice at once; amber and green go to
    its digest. The people of each receiving
    side and their preferences are read once, the rows written in one statement."""
    now = timezone.now()
    people_of: dict = {}
    modes_of: dict = {}
    rows: list[Alert] = []
    for notice in notices:
        side = (notice.to_member_id, notice.to_unit_id)
        if side not in people_of:
            people_of[side] = _unique(permissions.party_people(notice.to_member, notice.to_unit_id))
        event = AlertEvent.ARRIVAL_RED if notice.lane == "red" else AlertEvent.ARRIVAL_NOTICE
        if (side, event) not in modes_of:
            modes_of[(side, event)] = alert_modes(people_of[side], event)
        rows += _rows(notice, event, people_of[side], modes_of[(side, event)], now)
    return alerts_write(rows)


def notice_outcome_alert(*, notice: ArrivalNotice) -> list[int]:
    people = permissions.party_people(notice.from_member, notice.from_unit_id)
    return notice_alerts_create(notice=notice, event=AlertEvent.ARRIVAL_OUTCOME, people=people)


# --- How the outbox handles them ------------------------------------------------------------


def _link(alert) -> str:
    return reverse("arrivals:detail", args=[alert.subject_id])


def _facts(alert) -> dict | None:
    """What a mail about the notice may say: reference, handling code, parties, expected
    arrival and outcome; never the screening."""
    notice = (
        ArrivalNotice.objects.select_related("from_member", "to_member")
        .filter(pk=alert.subject_id)
        .first()
    )
    if notice is None:
        return None
    return {
        "reference": notice.reference,
        "handling_code": notice.handling_code,
        "handling_display": notice.get_handling_code_display(),
        "from_member": notice.from_member.display_name,
        "to_member": notice.to_member.display_name,
        "expected_arrival": notice.expected_arrival,
        "outcome_display": notice.get_outcome_display() if notice.outcome else "",
    }


def _scope(user) -> Q:
    """The user's alerts about notices they may still see: a probe of each alert's notice by
    id (a person's alerts are few; the notices they may see are up to a million)."""
    visible = permissions.restrict_notices(user)
    if visible.query.is_empty():
        return Q(pk__in=[])
    return Q(subject_type=SUBJECT_TYPE) & Exists(
        visible.filter(pk=OuterRef("subject_id")).values("pk")
    )


def _members(alert) -> list[str]:
    row = (
        ArrivalNotice.objects.filter(pk=alert.subject_id)
        .values_list("from_member__code", "to_member__code")
        .first()
    )
    return sorted(str(code) for code in row) if row else []


ARRIVAL_ALERTS = AlertSubject(link=_link, scope=_scope, members=_members, facts=_facts)
