"""Who sees what of matching (hits, lookup, watch entries, the exclusion list and the national
reports setting). Built only on ``members.permissions``; to be folded into
``exchange/permissions.py`` when that module lands.

The rules, in one place:
- A member's hits, watch entries and lookups are for its people who work with queries or
  seizures (focal points, unit officers, analysts, member admins). Network admins see none.
- What a member learns of another member's record (``disclosable``): nothing if the record
  may not be matched outward (H3, marked excluded, a national report of a member that switched
  national matching off); nothing of an H2 query unless the member is one of its parties.
- What it sees of a disclosed record (``visible``): the reference only when the record is
  shared with the network or the member is one of its parties; otherwise only the holding
  member, the kind of record, the identifier and the month. ``visible`` decides only whether
  a member is alerted; what a *person* is shown is decided per person, at read time:
- A person sees a record's id and reference (their own member's side of a hit as much as the
  holder's, and in a lookup) only when they may open the record, by the very rule of its
  page: ``record_open_q`` asks the reader each app registered (``record_reader_register``:
  urgent queries ``exchange.permissions.restrict_queries``, seizure reports
  ``seizures.permissions.restrict_seizures``). A record of their own member they may not open
  (a query, for an analyst; another unit's query, for a unit officer) is shown as held by the
  member, without id or reference.
- Counts and the *common* mark count only what may be disclosed to the network
  (``network_disclosable_q``): H0/H1, not excluded, national reports only where their member
  lets them match. A record hidden from the network never changes what anyone else sees.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value

from core.handling import HandlingCode
from members import permissions
from members.models import MemberAdministration
from members.permissions import Right

from .models import IdentifierEntry, RecordType, RecordVisibility

#: The rights that make someone one of "the member's people" for matching.
MATCHING_RIGHTS = (
    Right.FILE_QUERIES,
    Right.VIEW_QUERIES,
    Right.VIEW_UNIT_QUERIES,
    Right.VIEW_SEIZURES,
    Right.REPORT_SEIZURES,
)


def matching_member_ids(user) -> frozenset[int]:
    """Members whose hits, watch entries and lookups the user works with."""
    ids: set[int] = set()
    for right in MATCHING_RIGHTS:
        ids |= permissions.member_ids(user, right)
    return frozenset(ids)


def may_use_matching(user) -> bool:
    return bool(matching_member_ids(user))


def may_act_on_hit(user, hit) -> bool:
    return hit.for_member_id in matching_member_ids(user)


def may_keep_watch_entries(user, member_id: int) -> bool:
    return member_id in matching_member_ids(user)


def may_manage_exclusions(user) -> bool:
    return permissions.is_network_admin(user)


def may_set_national_matching(user, member_id: int) -> bool:
    """The member's own admins: they manage its people and read its reports (network admins
    manage people everywhere but read no reports, so they cannot)."""
    return permissions.has_right(user, Right.MANAGE_PEOPLE, member_id) and permissions.has_right(
        user, Right.VIEW_SEIZURES, member_id
    )


def national_setting_member_ids(user) -> list[int]:
    return sorted(
        m
        for m in permissions.member_ids(user, Right.MANAGE_PEOPLE)
        if may_set_national_matching(user, m)
    )


# --- May the person open the record? -----------------------------------------------------------
#
# Each app that owns indexed records registers, from its ``AppConfig.ready()``, the function
# its own pages use to restrict those records to a user (``reader(user) -> QuerySet``): the
# query page's ``restrict_queries``, the report page's ``restrict_seizures``. Matching asks
# them, as subqueries, and never writes who may open a record itself.

RecordReader = Callable[..., QuerySet]

_record_readers: dict[str, RecordReader] = {}


def record_reader_register(record_type: str, reader: RecordReader) -> None:
    """``reader(user)``: the records of ``record_type`` the user may open (its detail page's
    own restriction)."""
    _record_readers[record_type] = reader


def record_open_q(user, *, type_field: str, id_field: str, member_field: str | None = None) -> Q:
    """A condition on rows naming a record by ``type_field`` and ``id_field`` (a hit's own or
    holder's side, an index row): the user may open that record. One ``EXISTS`` per record
    type, built from the record's own reader, so a list stays one statement. A watch entry is
    open to the people of its member (``member_field``)."""
    condition = Q(pk__in=[])
    for record_type, reader in _record_readers.items():
        readable = reader(user)
        if readable.query.is_empty():
            continue
        condition |= Q(**{type_field: record_type}) & Exists(
            readable.filter(pk=OuterRef(id_field)).values("pk")
        )
    if member_field is not None:
        members = sorted(matching_member_ids(user))
        if members:
            condition |= Q(**{type_field: RecordType.WATCH, f"{member_field}__in": members})
    return condition


def record_open_expression(user, **fields) -> ExpressionWrapper | Value:
    """``record_open_q`` as a boolean to annotate rows with."""
    condition = record_open_q(user, **fields)
    if condition == Q(pk__in=[]):
        return Value(False, output_field=BooleanField())
    return ExpressionWrapper(condition, output_field=BooleanField())


def hits_open_annotate(user, queryset):
    """Hits annotated with ``own_open`` and ``holder_open``: may the user open the hit's own
    record, and the holder's record? (In the same statement as the hits.)"""
    return queryset.annotate(
        own_open=record_open_expression(
            user, type_field="record_type", id_field="record_id", member_field="for_member_id"
        ),
        holder_open=record_open_expression(
            user, type_field="holder_record_type", id_field="holder_record_id"
        ),
    )


#: The right that opens every record of a type of the member's own (its focal points').
_MEMBER_WIDE_RIGHT = {
    RecordType.QUERY: Right.VIEW_QUERIES,
    RecordType.SEIZURE: Right.VIEW_SEIZURES,
}


def hit_alert_people(member_id: int, record_type: str = RecordType.WATCH):
    """Who is alerted of a hit for ``member_id`` on its record of ``record_type``: the
    member's focal points (those who receive its alerts; none while it is suspended) who may
    open that record, so act on the hit. The member's own records open to whoever holds the
    record type's member-wide right (``restrict_queries``, ``restrict_seizures``); a watch
    entry to every one of them."""
    member = MemberAdministration.objects.only("pk", "status").get(pk=member_id)
    people = permissions.users_with_right(member, Right.RECEIVE_ALERTS)
    right = _MEMBER_WIDE_RIGHT.get(record_type)
    if right is not None:
        people = people.filter(pk__in=permissions.users_with_right(member, right).values("pk"))
    return people


def hit_alert_people_many(keys) -> dict[tuple[int, str], list]:
    """``hit_alert_people`` for several (member id, record type) pairs at once, in one
    statement: who they are comes from the rights cache (ids, read again on any change of
    roles, rights, members or users), the people themselves (active, with their email address
    as it is now) from the database."""
    from django.contrib.auth import get_user_model

    from members import caching

    ids = {
        (member_id, record_type): caching.rights_rows(
            f"hit-alert-people:{member_id}:{record_type}",
            lambda member_id=member_id, record_type=record_type: list(
                hit_alert_people(member_id, record_type).values_list("pk", flat=True)
            ),
        )
        for member_id, record_type in keys
    }
    wanted = {pk for pks in ids.values() for pk in pks}
    people = (
        {u.pk: u for u in get_user_model().objects.filter(pk__in=wanted, is_active=True)}
        if wanted
        else {}
    )
    return {key: [people[pk] for pk in pks if pk in people] for key, pks in ids.items()}


def is_national_report(entry: IdentifierEntry) -> bool:
    return entry.record_type == RecordType.SEIZURE and entry.visibility == RecordVisibility.PARTIES


def disclosable(entry: IdentifierEntry, to_member_id: int, national_off: frozenset[int]) -> bool:
    """May ``to_member_id`` learn that ``entry``'s owner holds a record with this identifier?
    ``national_off``: members whose national reports do not take part in matching."""
    if entry.owner_member_id == to_member_id:
        return False
    if not entry.matchable_outward:
        return False
    if is_national_report(entry) and entry.owner_member_id in national_off:
        return False
    if entry.handling == HandlingCode.H2 and not entry.is_party(to_member_id):
        return False
    return True


def visible(entry: IdentifierEntry, to_member_id: int) -> bool:
    """May ``to_member_id`` already see the record (its reference, a link to it)?"""
    return entry.visible_to(to_member_id)


def matchable_outward_for_query(handling_code: str, excluded: bool) -> bool:
    return handling_code != HandlingCode.H3 and not excluded


def disclosable_q(member_ids, national_off) -> Q:
    """``disclosable`` as a filter on IdentifierEntry rows, for members ``member_ids`` (a row
    disclosable to any of them): the lookup counts in SQL instead of reading every row."""
    member_ids = sorted(member_ids)
    return (
        ~Q(owner_member_id__in=member_ids)
        & Q(matchable_outward=True)
        & ~Q(
            record_type=RecordType.SEIZURE,
            visibility=RecordVisibility.PARTIES,
            owner_member_id__in=sorted(national_off),
        )
        & ~(Q(handling=HandlingCode.H2) & ~party_q(member_ids))
    )


def network_disclosable(entry, national_off: frozenset[int]) -> bool:
    """May the network learn of ``entry`` at all: matched outward (not H3, not marked
    excluded), not H2 (its parties only), and not a national report of a member that keeps its
    national reports out? Only such records are counted (the *common* mark, lookup counts):
    a record hidden from the network must never change what another member sees."""
    return (
        bool(entry.matchable_outward)
        and entry.handling not in (HandlingCode.H2, HandlingCode.H3)
        and not (is_national_report(entry) and entry.owner_member_id in national_off)
    )


def network_disclosable_q(national_off) -> Q:
    """``network_disclosable`` as a filter on IdentifierEntry rows."""
    return (
        Q(matchable_outward=True)
        & ~Q(handling__in=[HandlingCode.H2, HandlingCode.H3])
        & ~Q(
            record_type=RecordType.SEIZURE,
            visibility=RecordVisibility.PARTIES,
            owner_member_id__in=sorted(national_off),
        )
    )


def network_disclosable_sql(national_off) -> tuple[str, list]:
    """``network_disclosable`` as SQL over the index table's columns, with its parameters."""
    off = sorted(national_off)
    national = (
        f" AND NOT (record_type = %s AND visibility = %s"
        f" AND owner_member_id IN ({', '.join(['%s'] * len(off))}))"
        if off
        else ""
    )
    return (
        f"matchable_outward AND handling NOT IN (%s, %s){national}",
        [HandlingCode.H2.value, HandlingCode.H3.value]
        + ([RecordType.SEIZURE.value, RecordVisibility.PARTIES.value, *off] if off else []),
    )


def party_q(member_ids) -> Q:
    condition = Q(pk__in=[])
    for member_id in member_ids:
        condition |= Q(party_ids__contains=f",{member_id},")
    return condition


def visible_q(member_ids) -> Q:
    return Q(visibility=RecordVisibility.NETWORK) | party_q(member_ids)


# --- The same rules as SQL, for matching a large batch inside the database -------------------
#
# ``matching.services`` pairs a big batch's index rows with every other member's rows in one
# ``INSERT … SELECT`` on PostgreSQL, where the member who would learn is a column of the join,
# not a constant. These fragments are ``disclosable`` and ``visible`` written for that join
# (``about``: the alias of the row learned of; ``learner``: the SQL of the learning member's
# id); tests/matching/test_sql_rules.py checks them against the Python rules case by case.


def _party_sql(about: str, learner: str) -> str:
    return f"{about}.party_ids LIKE '%%,' || {learner} || ',%%'"


def disclosable_sql(about: str, learner: str) -> str:
    """``disclosable(about, learner, national_off)`` as a condition; it takes one parameter,
    the ids of ``national_off`` as an array. (The join already pairs rows of different
    members, which is the rule's first clause.)"""
    return (
        f"{about}.owner_member_id <> {learner} AND {about}.matchable_outward"
        f" AND NOT ({about}.record_type = '{RecordType.SEIZURE.value}'"
        f" AND {about}.visibility = '{RecordVisibility.PARTIES.value}'"
        f" AND {about}.owner_member_id = ANY(%s))"
        f" AND NOT ({about}.handling = '{HandlingCode.H2.value}'"
        f" AND NOT {_party_sql(about, learner)})"
    )


def visible_sql(about: str, learner: str) -> str:
    """``visible(about, learner)`` as a condition (no parameters)."""
    return (
        f"({about}.visibility = '{RecordVisibility.NETWORK.value}' OR {_party_sql(about, learner)})"
    )
