"""Who may see and do what in urgent queries, and who is alerted: the exchange's rules, built
only on the base in ``members.permissions`` (rights per member, roles, ``member_ids``).

Views, the API, selectors, services and tasks of the exchange ask here; none of them decides
country access itself. Outside the user's scope the answer is 404 (a restricted queryset and
``get_object_or_404``), never 403.
"""

from __future__ import annotations

from django.db.models import Q

from alerts.permissions import may_oversee_alerts  # noqa: F401  (exchange's views ask it)
from members.models import ControlUnit, ReleaseState
from members.permissions import (
    Right,
    has_any_member_right,
    has_right,
    held_item_condition,
    member_ids,
    members_for,
    users_with_right,
)

from .models import Query, QueryRecipient, RecipientState

# --- Reading ---------------------------------------------------------------------------------


def _unit_scope(user) -> int | None:
    """The control unit whose queries the user reads as a unit officer, if any."""
    unit_id = getattr(user, "control_unit_id", None)
    if unit_id and has_right(user, Right.VIEW_UNIT_QUERIES, getattr(user, "member_id", None)):
        return unit_id
    return None


def _held_condition(user, prefix: str = "") -> Q:
    """Queries awaiting release or returned that the user reads: their own, and those of the
    members they release for."""
    return ~Q(**{f"{prefix}release_state": ReleaseState.RELEASED}) & held_item_condition(
        user, member_field=f"{prefix}sender_member_id", author_field=f"{prefix}author_id"
    )


def restrict_queries(user, queryset=None):
    """Urgent queries the user may read: those whose sender or a recipient is a member the
    user holds ``view_queries`` for, plus, for unit officers, those naming their unit as sender
    unit or recipient unit. Network admins get none (they see figures, not content).

    A query awaiting release (or returned) exists only for its author and its sender's
    releasers (``members.permissions.held_item_condition``); it has no recipient yet."""
    queryset = Query.objects.all() if queryset is None else queryset
    member_scope = member_ids(user, Right.VIEW_QUERIES)
    unit_id = _unit_scope(user)
    held = _held_condition(user)
    if not member_scope and not unit_id:
        return (
            queryset.filter(held) if getattr(user, "is_authenticated", False) else queryset.none()
        )
    # ``pk IN (SELECT query_id …)`` rather than a correlated EXISTS: PostgreSQL hashes the
    # subquery once, and its cost estimate stays low enough not to trigger JIT compilation
    # (which cost more than the query itself on 100,000 queries; see docs/PERFORMANCE.md).
    condition = Q(sender_member_id__in=member_scope) | Q(
        pk__in=QueryRecipient.objects.filter(member_id__in=member_scope).values("query_id")
    )
    if unit_id:
        condition |= Q(sender_unit_id=unit_id) | Q(
            pk__in=QueryRecipient.objects.filter(control_units=unit_id).values("query_id")
        )
    return queryset.filter((Q(release_state=ReleaseState.RELEASED) & condition) | held)


def restrict_query_related(user, queryset):
    """Rows of a model with a ``query`` foreign key (alerts, replies, attachments) whose query
    the user may read, by the rule of ``restrict_queries``. Written on the foreign key alone
    (id lists, each from an index) so a user's few rows never make the database read every
    query."""
    member_scope = member_ids(user, Right.VIEW_QUERIES)
    unit_id = _unit_scope(user)
    held = Query.objects.filter(_held_condition(user)).values("pk")
    if not member_scope and not unit_id:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        return queryset.filter(query_id__in=held)
    sent = Query.objects.filter(
        sender_member_id__in=member_scope, release_state=ReleaseState.RELEASED
    ).values("pk")
    # Recipient rows exist only once a query is released.
    received = QueryRecipient.objects.filter(member_id__in=member_scope).values("query_id")
    condition = Q(query_id__in=sent) | Q(query_id__in=received) | Q(query_id__in=held)
    if unit_id:
        condition |= Q(
            query_id__in=Query.objects.filter(
                sender_unit_id=unit_id, release_state=ReleaseState.RELEASED
            ).values("pk")
        ) | Q(query_id__in=QueryRecipient.objects.filter(control_units=unit_id).values("query_id"))
    return queryset.filter(condition)


def query_box_condition(user, box: str) -> Q | None:
    """The inbox's boxes as a condition on queries the user already sees: ``incoming``,
    addressed to a member (or unit) the user reads for; ``outgoing``, sent by one. ``None``
    for every other box (no narrowing)."""
    if box not in ("incoming", "outgoing"):
        return None
    view_scope = member_ids(user, Right.VIEW_QUERIES)
    unit_id = _unit_scope(user)
    if box == "outgoing":
        condition = Q(sender_member_id__in=view_scope)
        if unit_id:
            condition |= Q(sender_unit_id=unit_id)
        return condition
    condition = Q(pk__in=QueryRecipient.objects.filter(member_id__in=view_scope).values("query_id"))
    if unit_id:
        condition |= Q(
            pk__in=QueryRecipient.objects.filter(control_units=unit_id).values("query_id")
        )
    return condition


def query_awaiting_acknowledgement_condition(user) -> Q:
    """A condition on queries the user already sees: addressed to a member (or unit) the user
    reads for, and not yet acknowledged for it."""
    pending = QueryRecipient.objects.filter(state=RecipientState.NEW)
    condition = Q(
        pk__in=pending.filter(member_id__in=member_ids(user, Right.VIEW_QUERIES)).values("query_id")
    )
    unit_id = _unit_scope(user)
    if unit_id:
        condition |= Q(pk__in=pending.filter(control_units=unit_id).values("query_id"))
    return condition


# --- Filing ----------------------------------------------------------------------------------


def may_file_queries(user) -> bool:
    """Does the user file queries for any member (the inbox's "new query" button)?"""
    return has_any_member_right(user, Right.FILE_QUERIES)


def may_file_query(user, member, unit=None) -> bool:
    """May ``user`` file a query on behalf of ``member`` (and ``unit``)? Focal points file for
    their member, with or without one of its units; unit officers only from their own unit."""
    if member is None or not has_right(user, Right.FILE_QUERIES, member):
        return False
    member_id = member if isinstance(member, int) else member.pk
    if unit is not None and unit.member_id != member_id:
        return False
    if has_right(user, Right.VIEW_QUERIES, member_id):
        return True
    return unit is not None and unit.pk == getattr(user, "control_unit_id", None)


def query_filing_senders(user) -> tuple[list, list]:
    """The members the user may file for, and the control units they may file from: every
    active unit of a member they file for as a whole (focal points), otherwise only their own
    unit (unit officers)."""
    members = list(members_for(user, Right.FILE_QUERIES))
    whole = [m for m in members if has_right(user, Right.VIEW_QUERIES, m)]
    if whole:
        units = ControlUnit.objects.filter(member__in=whole, active=True).order_by("code")
    elif members and getattr(user, "control_unit_id", None):
        units = ControlUnit.objects.filter(pk=user.control_unit_id)
    else:
        units = ControlUnit.objects.none()
    return members, list(units)


def query_default_sender_member(user):
    """The member a query is filed for when the filer names none: the only one they file for;
    ``None`` when they file for several or none."""
    members = list(members_for(user, Right.FILE_QUERIES)[:2])
    return members[0] if len(members) == 1 else None


def query_required_sender_unit(user, member):
    """The unit a query on behalf of ``member`` must be filed from when the filer names none:
    a unit officer's own unit (they file only from it); ``None`` for those who file for the
    member as a whole."""
    if member is None or has_right(user, Right.VIEW_QUERIES, member):
        return None
    return getattr(user, "control_unit", None)


# --- Acting in a query the user can see ------------------------------------------------------


def may_act_in_query(user, member_id: int, unit_ids) -> bool:
    """May ``user`` act (acknowledge, reply, report an outcome, close) for the party
    ``member_id`` of a query that names ``unit_ids`` for that party? Focal points act for their
    member; unit officers when the query names their unit. Member admins only read."""
    if not has_right(user, Right.FILE_QUERIES, member_id):
        return False
    if has_right(user, Right.VIEW_QUERIES, member_id):
        return True
    unit_id = getattr(user, "control_unit_id", None)
    return unit_id is not None and unit_id in set(unit_ids)


def query_recipients_acted_for(user, recipients) -> list[QueryRecipient]:
    """Of a query's recipient rows (with ``control_units`` prefetched), those the user acts
    for."""
    return [
        r
        for r in recipients
        if may_act_in_query(user, r.member_id, [u.pk for u in r.control_units.all()])
    ]


def may_act_for_sender(user, query: Query) -> bool:
    """Does the user act for the query's sender side (reply as sender, close)?"""
    return may_act_in_query(
        user, query.sender_member_id, [query.sender_unit_id] if query.sender_unit_id else []
    )


def query_actions(user, query: Query) -> dict[str, bool]:
    """What the user may do on a query they can see, as offered on its page. The service
    preconditions are asked of the model (``is_open``, ``awaits_acknowledgement``,
    ``takes_outcomes``), so page and services cannot disagree."""
    acting = query_recipients_acted_for(user, query.recipients.all())
    sender = may_act_for_sender(user, query)
    # A query not yet released (or returned) takes no action in its thread.
    is_open = query.is_open and query.is_released
    return {
        "acknowledge": is_open and any(r.awaits_acknowledgement for r in acting),
        "reply": is_open and (bool(acting) or sender),
        "outcome": is_open and query.takes_outcomes and bool(acting),
        "close": is_open and sender,
    }


# --- Who is alerted --------------------------------------------------------------------------


def query_party_people(member, unit_ids=()) -> list:
    """The people alerted for one party of a query: the member's focal points and the
    officers of the units the query names for it."""
    people = {u.pk: u for u in users_with_right(member, Right.RECEIVE_ALERTS)}
    if unit_ids:
        officers = users_with_right(member, Right.VIEW_UNIT_QUERIES).filter(
            control_unit_id__in=list(unit_ids)
        )
        for officer in officers:
            people.setdefault(officer.pk, officer)
    return sorted(people.values(), key=lambda u: u.pk)


def query_escalation_people(member) -> list:
    """The member admins an unacknowledged urgent query is escalated to: those who manage the
    member's people and may read its queries (never the network admins, who see no content)."""
    readers = users_with_right(member, Right.VIEW_QUERIES).values("pk")
    return list(users_with_right(member, Right.MANAGE_PEOPLE).filter(pk__in=readers))


# --- The outbox --------------------------------------------------------------------------------
