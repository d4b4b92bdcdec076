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
  member, the kind of record, the identifier and the month.
"""

from __future__ import annotations

from django.db.models import Q

from members import permissions
from members.models import MemberAdministration
from members.permissions import Right

from .models import HandlingCode
from .models_matching import IdentifierEntry, RecordType, RecordVisibility

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


#: ``rule(user, member_id) -> bool`` for record types of apps above the exchange (registered
#: from their ``AppConfig.ready``): may the user see their member's own records of that type?
OWN_RECORD_RULES: dict = {}


def own_record_rule_register(record_type: str, rule) -> None:
    OWN_RECORD_RULES[record_type] = rule


def own_record_visible(user, member_id: int, record_type: str) -> bool:
    """May the user see the reference of their member's own side of a hit?"""
    if record_type in OWN_RECORD_RULES:
        return OWN_RECORD_RULES[record_type](user, member_id)
    if record_type == RecordType.WATCH:
        return member_id in matching_member_ids(user)
    if record_type == RecordType.SEIZURE:
        return permissions.has_right(user, Right.VIEW_SEIZURES, member_id)
    return permissions.has_right(user, Right.VIEW_QUERIES, member_id)


def hit_alert_people(member_id: int):
    """Who is alerted of a hit for ``member_id``: the member's focal points (those who receive
    its alerts; none while it is suspended)."""
    member = MemberAdministration.objects.only("pk", "status").get(pk=member_id)
    return permissions.users_with_right(member, Right.RECEIVE_ALERTS)


def hit_alert_people_many(member_ids) -> dict[int, list]:
    """``hit_alert_people`` for several members at once, in one statement: who they are comes
    from the rights cache (ids, read again on any change of roles, rights, members or users),
    the people themselves (active, with their email address as it is now) from the database."""
    from django.contrib.auth import get_user_model

    from members import caching

    ids = {
        member_id: caching.rights_rows(
            f"hit-alert-people:{member_id}",
            lambda member_id=member_id: list(
                hit_alert_people(member_id).values_list("pk", flat=True)
            ),
        )
        for member_id in member_ids
    }
    wanted = {pk for pks in ids.values() for pk in pks}
    people = (
        {u.pk: u for u in get_user_model().objects.filter(pk__in=wanted, is_active=True)}
        if wanted
        else {}
    )
    return {member_id: [people[pk] for pk in pks if pk in people] for member_id, pks in ids.items()}


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


def party_q(member_ids) -> Q:
    condition = Q(pk__in=[])
    for member_id in member_ids:
        condition |= Q(party_ids__contains=f",{member_id},")
    return condition


def visible_q(member_ids) -> Q:
    return Q(visibility=RecordVisibility.NETWORK) | party_q(member_ids)


# --- The same rules as SQL, for matching a large batch inside the database -------------------
#
# ``exchange.matching`` pairs a big batch's index rows with every other member's rows in one
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
