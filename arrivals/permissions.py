"""Who sees and does what with pre-arrival notices, built only on ``members.permissions``.

- A notice is seen by the people of its sending member and of its receiving member (anyone
  holding a working right there: focal points, unit officers, analysts, member admins), and
  by nobody else: not a third country, not the network admins. Outside: 404.
- The receiving side alone sees the screening (lane, reasons): the sender never does.
- Filing: those who file queries, for their member (focal points) or from their own unit
  (unit officers). Arrival and outcome: the receiving member's focal points, and unit
  officers of the receiving unit (any of its units when the notice names none).
- Handling codes bind as for queries (``matching.permissions`` for matching; H3
  needs its restrictions stated).
- A notice awaiting release (or returned) under its sending member's release policy exists
  only for its author and the sending member's releasers (``held_item_condition``): not for
  the receiving member, not for the rest of the sending member.
- A suspended member's people hold no right at all (the base sees to it).
"""

from __future__ import annotations

from django.db.models import Q

from members.models import ControlUnit, ReleaseState
from members.permissions import (
    Right,
    has_right,
    held_item_condition,
    member_ids,
    members_for,
    release_member_ids,
    users_with_right,
)

from .models import ArrivalImportJob, ArrivalNotice

#: The rights that make someone one of "the member's people" for notices (network admins hold
#: none of them: only ``manage_people``).
NOTICE_RIGHTS = (
    Right.FILE_QUERIES,
    Right.VIEW_QUERIES,
    Right.VIEW_UNIT_QUERIES,
    Right.VIEW_SEIZURES,
    Right.REPORT_SEIZURES,
)


def notice_member_ids(user) -> frozenset[int]:
    """Members whose notices (sent or received) the user sees."""
    ids: set[int] = set()
    for right in NOTICE_RIGHTS:
        ids |= member_ids(user, right)
    return frozenset(ids)


def may_use_arrivals(user) -> bool:
    """The board and its navigation link."""
    return bool(notice_member_ids(user))


def restrict_notices(user, queryset=None, *, direction: str | None = None):
    """Notices the user may see: sent or received by a member whose people they are; only
    those received (``direction="incoming"``) or only those sent (``"outgoing"``). A board's
    direction is one member column, so each partition's index on it, the expected arrival and
    the id serves the page in order."""
    queryset = ArrivalNotice.objects.all() if queryset is None else queryset
    scope = sorted(notice_member_ids(user))
    released = Q(release_state=ReleaseState.RELEASED)
    visible = None
    if scope:
        condition = direction_condition(user, direction, scope=scope)
        if condition is None:
            condition = Q(from_member_id__in=scope) | Q(to_member_id__in=scope)
        visible = condition & released
    if direction != "incoming" and getattr(user, "is_authenticated", False):
        # Held notices are outgoing only, and only for their author and releasers.
        held = ~released & held_item_condition(
            user, member_field="from_member_id", author_field="author_id"
        )
        visible = held if visible is None else visible | held
    if visible is None:
        return queryset.none()
    return queryset.filter(visible)


def direction_condition(user, direction: str | None, *, scope=None) -> Q | None:
    """``incoming``: received by a member of the user; ``outgoing``: sent by one."""
    scope = sorted(notice_member_ids(user)) if scope is None else scope
    if direction == "incoming":
        return Q(to_member_id__in=scope)
    if direction == "outgoing":
        return Q(from_member_id__in=scope)
    return None


def is_receiving_side(user, notice: ArrivalNotice) -> bool:
    """Does the user belong to the receiving side (who alone see the screening)?"""
    return notice.to_member_id in notice_member_ids(user)


def is_sending_side(user, notice: ArrivalNotice) -> bool:
    return notice.from_member_id in notice_member_ids(user)


def may_see_screening(user, notice: ArrivalNotice) -> bool:
    return is_receiving_side(user, notice)


# --- Filing ----------------------------------------------------------------------------------


def may_file_notices(user) -> bool:
    return bool(member_ids(user, Right.FILE_QUERIES))


def may_file_from(user, member, unit=None) -> bool:
    """May ``user`` file a notice for ``member`` (from ``unit``)? Focal points for their
    member from any of its units; unit officers only from their own unit."""
    if member is None or not has_right(user, Right.FILE_QUERIES, member):
        return False
    if unit is not None and unit.member_id != member.pk:
        return False
    if has_right(user, Right.VIEW_QUERIES, member):
        return True
    return unit is not None and unit.pk == getattr(user, "control_unit_id", None)


def filing_senders(user) -> tuple[list, list]:
    """The members the user files for and the units they may file from."""
    members = list(members_for(user, Right.FILE_QUERIES))
    whole = [m for m in members if has_right(user, Right.VIEW_QUERIES, m)]
    if whole:
        units = ControlUnit.objects.filter(member__in=whole, active=True).order_by("code")
    elif members and getattr(user, "control_unit_id", None):
        units = ControlUnit.objects.filter(pk=user.control_unit_id)
    else:
        units = ControlUnit.objects.none()
    return members, list(units)


def default_from_unit(user, member):
    """The unit a notice is filed from when the filer names none: their own unit."""
    unit = getattr(user, "control_unit", None)
    if unit is not None and member is not None and unit.member_id == member.pk:
        return unit
    return None


# --- Acting on a notice ------------------------------------------------------------------------


def may_act_as_receiver(user, notice: ArrivalNotice) -> bool:
    """Record arrival and outcome: the receiving member's focal points; its unit officers
    when the notice names their unit or none."""
    member_id = notice.to_member_id
    if not has_right(user, Right.FILE_QUERIES, member_id):
        return False
    if has_right(user, Right.VIEW_QUERIES, member_id):
        return True
    unit_id = getattr(user, "control_unit_id", None)
    return unit_id is not None and notice.to_unit_id in (None, unit_id)


def notice_actions(user, notice: ArrivalNotice) -> dict[str, bool]:
    receiver = may_act_as_receiver(user, notice)
    return {
        "arrived": receiver and notice.status == "expected",
        "outcome": receiver and notice.status != "closed",
    }


def may_view_access_history(user, notice: ArrivalNotice) -> bool:
    """Either party's focal points and member admins see who read the notice."""
    return any(
        has_right(user, right, member)
        for member in (notice.from_member_id, notice.to_member_id)
        for right in (Right.RECEIVE_ALERTS, Right.MANAGE_PEOPLE)
    ) and bool(notice_member_ids(user))


# --- Who is alerted ----------------------------------------------------------------------------


def party_people(member, unit_id=None) -> list:
    """One side's people to alert: the member's focal points and the officers of the unit."""
    people = {u.pk: u for u in users_with_right(member, Right.RECEIVE_ALERTS)}
    if unit_id:
        for officer in users_with_right(member, Right.VIEW_UNIT_QUERIES).filter(
            control_unit_id=unit_id
        ):
            people.setdefault(officer.pk, officer)
    return sorted(people.values(), key=lambda u: u.pk)


def receiving_unit_officers(member, unit_id=None) -> list:
    """The officers of the receiving unit, or of every unit of the member if none is named."""
    officers = users_with_right(member, Right.VIEW_UNIT_QUERIES)
    if unit_id:
        officers = officers.filter(control_unit_id=unit_id)
    return list(officers)


def restrict_import_jobs(user, queryset=None):
    """Manifest imports the user may open: their own uploads, and those held (or once held)
    for a member they release for. For anyone else a held import does not exist."""
    queryset = ArrivalImportJob.objects.all() if queryset is None else queryset
    condition = Q(created_by_id=getattr(user, "pk", None))
    releasing = release_member_ids(user) if getattr(user, "is_authenticated", False) else ()
    if releasing:
        condition |= ~Q(release_state="") & Q(from_member_id__in=releasing)
    return queryset.filter(condition)
