"""The query rules of ``exchange.permissions``, asked directly: every role × own / foreign /
no party, against a table written out by hand (not derived from the code under test).

Three members: KZ sends, UZ receives, TJ is the third country. Three queries:
- ``plain``: KZ → UZ;
- ``to_unit``: KZ → UZ, naming UZ's unit U1;
- ``from_unit``: KZ, from KZ's unit K1 → UZ.
"""

import pytest

from exchange import permissions
from exchange.models import Query
from members.models import RoleName
from tests.factories.exchange import file_query
from tests.factories.members import ControlUnitFactory, member_user, network_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(kz, uz, tj):
    units = {
        "K1": ControlUnitFactory(member=kz, code="KZ-K1-PCU"),
        "K2": ControlUnitFactory(member=kz, code="KZ-K2-PCU"),
        "U1": ControlUnitFactory(member=uz, code="UZ-U1-PCU"),
        "U2": ControlUnitFactory(member=uz, code="UZ-U2-PCU"),
    }
    people = {
        "focal.kz": member_user(kz, RoleName.FOCAL_POINT, username="focal.kz"),
        "focal.uz": member_user(uz, RoleName.FOCAL_POINT, username="focal.uz"),
        "focal.tj": member_user(tj, RoleName.FOCAL_POINT, username="focal.tj"),
        "admin.kz": member_user(kz, RoleName.MEMBER_ADMIN, username="admin.kz"),
        "admin.uz": member_user(uz, RoleName.MEMBER_ADMIN, username="admin.uz"),
        "admin.tj": member_user(tj, RoleName.MEMBER_ADMIN, username="admin.tj"),
        "analyst.kz": member_user(kz, RoleName.ANALYST, username="analyst.kz"),
        "officer.k1": member_user(
            kz, RoleName.UNIT_OFFICER, username="officer.k1", control_unit=units["K1"]
        ),
        "officer.u1": member_user(
            uz, RoleName.UNIT_OFFICER, username="officer.u1", control_unit=units["U1"]
        ),
        "officer.u2": member_user(
            uz, RoleName.UNIT_OFFICER, username="officer.u2", control_unit=units["U2"]
        ),
        "network": network_admin("network"),
    }
    focal = people["focal.kz"]
    queries = {
        "plain": file_query(focal, recipients=["UZ"], subject="plain"),
        "to_unit": file_query(
            focal, recipients=["UZ"], recipient_units=["UZ-U1-PCU"], subject="to_unit"
        ),
        "from_unit": file_query(
            focal, recipients=["UZ"], sender_unit="KZ-K1-PCU", subject="from_unit"
        ),
    }
    return {"members": {"KZ": kz, "UZ": uz, "TJ": tj}, "units": units, **people, **queries}


# Who reads which query: written by hand from the rules in DESIGN.md.
READS = {
    "focal.kz": {"plain", "to_unit", "from_unit"},  # own member sent them
    "focal.uz": {"plain", "to_unit", "from_unit"},  # own member received them
    "focal.tj": set(),  # third country
    "admin.kz": {"plain", "to_unit", "from_unit"},  # member admins read their member's
    "admin.uz": {"plain", "to_unit", "from_unit"},
    "admin.tj": set(),
    "analyst.kz": set(),  # analysts: seizures only
    "officer.k1": {"from_unit"},  # sent from their unit
    "officer.u1": {"to_unit"},  # addressed to their unit
    "officer.u2": set(),  # a unit the queries do not name
    "network": set(),  # figures, never content
}


@pytest.mark.parametrize("person", sorted(READS))
def test_restrict_queries_matrix(world, person):
    visible = permissions.restrict_queries(world[person], Query.objects.all())
    assert set(visible.values_list("subject", flat=True)) == READS[person]


@pytest.mark.parametrize("person", sorted(READS))
def test_restrict_query_related_agrees_with_restrict_queries(world, person):
    from exchange.models import QueryRecipient

    rows = permissions.restrict_query_related(world[person], QueryRecipient.objects.all())
    assert set(rows.values_list("query__subject", flat=True)) == READS[person]


# may_file_query(user, member, unit): (person, member, unit or None, expected)
FILES = [
    ("focal.kz", "KZ", None, True),
    ("focal.kz", "KZ", "K1", True),
    ("focal.kz", "KZ", "U1", False),  # a unit of another member
    ("focal.kz", "UZ", None, False),  # a foreign member
    ("focal.tj", "TJ", None, True),
    ("focal.tj", "KZ", None, False),
    ("officer.k1", "KZ", "K1", True),  # from their own unit
    ("officer.k1", "KZ", "K2", False),  # another unit of their member
    ("officer.k1", "KZ", None, False),  # not for the member as a whole
    ("officer.k1", "UZ", "U1", False),
    ("admin.kz", "KZ", None, False),  # member admins read, never file
    ("admin.kz", "KZ", "K1", False),
    ("analyst.kz", "KZ", None, False),
    ("network", "KZ", None, False),
    ("network", "TJ", None, False),
]


@pytest.mark.parametrize(("person", "member", "unit", "expected"), FILES)
def test_may_file_query_matrix(world, person, member, unit, expected):
    unit_object = world["units"][unit] if unit else None
    member_object = world["members"][member]
    assert permissions.may_file_query(world[person], member_object, unit_object) is expected


def test_may_file_query_for_no_member_is_refused(world):
    assert permissions.may_file_query(world["focal.kz"], None) is False


# may_act_in_query(user, member, units named for that party): (person, member, units, expected)
ACTS = [
    ("focal.kz", "KZ", [], True),
    ("focal.kz", "UZ", [], False),  # the other party's side
    ("focal.uz", "UZ", [], True),
    ("focal.uz", "UZ", ["U1"], True),  # focal points act whatever units are named
    ("focal.tj", "UZ", [], False),
    ("focal.tj", "KZ", [], False),
    ("admin.uz", "UZ", [], False),  # member admins only read
    ("admin.kz", "KZ", [], False),
    ("analyst.kz", "KZ", [], False),
    ("officer.u1", "UZ", ["U1"], True),  # their unit is named
    ("officer.u1", "UZ", [], False),  # the member as a whole
    ("officer.u1", "UZ", ["U2"], False),  # another unit is named
    ("officer.u2", "UZ", ["U1"], False),
    ("officer.k1", "KZ", ["K1"], True),
    ("officer.k1", "UZ", ["U1"], False),  # foreign member
    ("network", "KZ", [], False),
    ("network", "UZ", ["U1"], False),
]


@pytest.mark.parametrize(("person", "member", "units", "expected"), ACTS)
def test_may_act_in_query_matrix(world, person, member, units, expected):
    unit_ids = [world["units"][u].pk for u in units]
    member_id = world["members"][member].pk
    assert permissions.may_act_in_query(world[person], member_id, unit_ids) is expected


# What the query page offers (the same predicates the services check).
OFFERS = [
    # person, query, acknowledge, reply, outcome, close
    ("focal.kz", "plain", False, True, False, True),
    ("focal.uz", "plain", True, True, False, False),
    ("admin.uz", "plain", False, False, False, False),
    ("officer.u1", "to_unit", True, True, False, False),
    ("officer.k1", "from_unit", False, True, False, True),
]


@pytest.mark.parametrize(("person", "query", "ack", "reply", "outcome", "close"), OFFERS)
def test_query_actions(world, person, query, ack, reply, outcome, close):
    actions = permissions.query_actions(world[person], world[query])
    assert actions == {"acknowledge": ack, "reply": reply, "outcome": outcome, "close": close}


def test_query_actions_offer_an_outcome_on_risk_alerts_only(world):
    alert = file_query(world["focal.kz"], recipients=["UZ"], kind="risk-alert")
    assert permissions.query_actions(world["focal.uz"], alert)["outcome"] is True
    assert permissions.query_actions(world["focal.kz"], alert)["outcome"] is False


def test_officer_files_from_their_own_unit_only(world):
    members, units = permissions.query_filing_senders(world["officer.k1"])
    assert [m.code.code for m in members] == ["KZ"]
    assert units == [world["units"]["K1"]]
    members, units = permissions.query_filing_senders(world["focal.kz"])
    assert [m.code.code for m in members] == ["KZ"]
    assert {u.code for u in units} == {"KZ-K1-PCU", "KZ-K2-PCU"}
    assert permissions.query_filing_senders(world["admin.kz"]) == ([], [])
    assert (
        permissions.query_required_sender_unit(world["officer.k1"], world["members"]["KZ"])
        == (world["units"]["K1"])
    )
    assert permissions.query_required_sender_unit(world["focal.kz"], world["members"]["KZ"]) is None
