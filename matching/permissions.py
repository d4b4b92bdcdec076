"""Who sees what of matching (hits, lookup, watch entries, the exclusion list and the national
reports setting), built on ``members.permissions``; the disclosure rule, written once as SQL.

The rules, in one place:
- A member's hits, watch entries and lookups are for its people who work with queries or
  seizures (focal points, unit officers, analysts, member admins). Network admins see none.
- What a member learns of another member's record (``disclosable_sql``): nothing if the
  record may not be matched outward (H3, marked excluded, a national report of a member that
  switched national matching off); nothing of an H2 query unless the member is one of its
  parties.
- What it sees of a disclosed record (``visible_sql``): the reference only when the record is
  shared with the network or the member is one of its parties; otherwise only the holding
  member, the kind of record, the identifier and the month. ``visible_sql`` decides only
  whether a member is alerted; what a *person* is shown is decided per person, at read time:
- A person sees a record's id and reference (their own member's side of a hit as much as the
  holder's, and in a lookup) only when they may open the record, by the very rule of its
  page: ``record_open_q`` asks the reader each app registered (``record_reader_register``:
  urgent queries ``exchange.permissions.restrict_queries``, seizure reports
  ``seizures.permissions.restrict_seizures``). A record of their own member they may not open
  (a query, for an analyst; another unit's query, for a unit officer) is shown as held by the
  member, without id or reference.
- Counts and the *common* mark count only what may be disclosed to the network
  (``network_disclosable_sql``): H0/H1, not excluded, national reports only where their member
  lets them match. A record hidden from the network never changes what anyone else sees.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

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


def _readable(user) -> dict[str, QuerySet]:
    """Each record type's reader's answer for ``user`` (the empty ones left out)."""
    readable = {}
    for record_type, reader in _record_readers.items():
        records = reader(user)
        if not records.query.is_empty():
            readable[record_type] = records
    return readable


def record_open_q(
    user,
    *,
    type_field: str,
    id_field: str,
    member_field: str | None = None,
    readable: dict[str, QuerySet] | None = None,
) -> Q:
    """A condition on rows naming a record by ``type_field`` and ``id_field`` (a hit's own or
    holder's side, an index row): the user may open that record. One ``EXISTS`` per record
    type, built from the record's own reader, so a list stays one statement. A watch entry is
    open to the people of its member (``member_field``). ``readable``: the readers' answers
    for ``user``, when the caller already has them."""
    condition = Q(pk__in=[])
    readable = _readable(user) if readable is None else readable
    for record_type, records in readable.items():
        condition |= Q(**{type_field: record_type}) & Exists(
            records.filter(pk=OuterRef(id_field)).values("pk")
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
    record, and the holder's record? (In the same statement as the hits; each record type's
    reader asked once for both.)"""
    readable = _readable(user)
    return queryset.annotate(
        own_open=record_open_expression(
            user,
            type_field="record_type",
            id_field="record_id",
            member_field="for_member_id",
            readable=readable,
        ),
        holder_open=record_open_expression(
            user, type_field="holder_record_type", id_field="holder_record_id", readable=readable
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


def matchable_outward_for_query(handling_code: str, excluded: bool) -> bool:
    return handling_code != HandlingCode.H3 and not excluded


# --- The disclosure rule, as SQL ---------------------------------------------------------------
#
# Written once, over an index row's columns (``about``: the alias of the row learned of) and
# the SQL of the learning member's id (``learner``: a column of a join, such as a hit's
# ``for_member_id`` or a watch entry's ``member_id``). Pairing, watch entries, an edit's
# revision of its hits, the *common* mark and the lookup's counts all read it from here.
# Each returns ``(sql, params)``.


def _national_sql(about: str) -> str:
    """``about`` is a national report (a report shared with its parties only) of a member in
    the array parameter (the members that keep their national reports out of matching)."""
    return (
        f"({about}.record_type = '{RecordType.SEIZURE.value}'"
        f" AND {about}.visibility = '{RecordVisibility.PARTIES.value}'"
        f" AND {about}.owner_member_id = ANY(%s::bigint[]))"
    )


def _party_sql(about: str, learner: str) -> str:
    return f"{learner} = ANY({about}.party_ids)"


def disclosable_sql(about: str, learner: str, national_off) -> tuple[str, list]:
    """May ``learner`` learn that ``about``'s owner holds a record with this identifier? Not
    its own record; not a record that may not be matched outward (H3, marked excluded); not a
    national report of a member in ``national_off``; not an H2 record unless ``learner`` is
    one of its parties."""
    return (
        f"({about}.owner_member_id <> {learner} AND {about}.matchable_outward"
        f" AND NOT {_national_sql(about)}"
        f" AND NOT ({about}.handling = '{HandlingCode.H2.value}'"
        f" AND NOT {_party_sql(about, learner)}))",
        [sorted(national_off)],
    )


def visible_sql(about: str, learner: str) -> tuple[str, list]:
    """May ``learner`` already see the record (it is shared with the network, or ``learner``
    is one of its parties)? Decides whether a member is alerted of a hit (``holder_visible``),
    never what a person is shown."""
    return (
        f"({about}.visibility = '{RecordVisibility.NETWORK.value}'"
        f" OR {_party_sql(about, learner)})",
        [],
    )


def network_disclosable_sql(about: str, national_off) -> tuple[str, list]:
    """May the network learn of ``about`` at all: matched outward (not H3, not marked
    excluded), not H2 (its parties only), and not a national report of a member in
    ``national_off``? Only such records are counted (the *common* mark, lookup counts): a
    record hidden from the network must never change what another member sees."""
    return (
        f"({about}.matchable_outward"
        f" AND {about}.handling NOT IN ('{HandlingCode.H2.value}', '{HandlingCode.H3.value}')"
        f" AND NOT {_national_sql(about)})",
        [sorted(national_off)],
    )


def network_disclosable_condition(national_off) -> RawSQL:
    """``network_disclosable_sql`` as a filter on IdentifierEntry querysets."""
    sql, params = network_disclosable_sql(IdentifierEntry._meta.db_table, national_off)
    return RawSQL(sql, params, output_field=BooleanField())
