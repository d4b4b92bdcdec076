"""``seizures.permissions`` as a matrix: every role (of KZ) x own country (KZ) / foreign country
(UZ) / no country, for reading reports (national and network sharing), reporting, importing,
import jobs and operations.

The expected tables are written out by hand on purpose, independently of ``ROLE_RIGHTS``: they
are the specification the module is checked against.
"""

import pytest

from members.models import RoleName
from seizures import permissions
from seizures.models import ImportJob
from tests.factories.members import MemberFactory, UserFactory, member_user, network_admin
from tests.factories.seizures import OperationFactory, SeizureReportFactory

pytestmark = pytest.mark.django_db

NOBODY = "nobody"
ADMIN = RoleName.NETWORK_ADMIN
MEMBER_ADMIN = RoleName.MEMBER_ADMIN
FOCAL = RoleName.FOCAL_POINT
OFFICER = RoleName.UNIT_OFFICER
ANALYST = RoleName.ANALYST
ROLES = [ADMIN, MEMBER_ADMIN, FOCAL, OFFICER, ANALYST, NOBODY]

#: Which of the four reports (KZ/UZ x national/network) each role of KZ reads.
READS = {
    ADMIN: {"KZ network", "UZ network"},  # network admins: never a national report
    MEMBER_ADMIN: {"KZ national", "KZ network", "UZ network"},
    FOCAL: {"KZ national", "KZ network", "UZ network"},
    OFFICER: {"KZ national", "KZ network", "UZ network"},
    ANALYST: {"KZ national", "KZ network", "UZ network"},
    NOBODY: set(),
}

#: For which countries (own KZ, foreign UZ, none) each role of KZ may report and import.
REPORTS_FOR = {
    ADMIN: {"KZ": False, "UZ": False, None: False},
    MEMBER_ADMIN: {"KZ": False, "UZ": False, None: False},
    FOCAL: {"KZ": True, "UZ": False, None: False},
    OFFICER: {"KZ": True, "UZ": False, None: False},
    ANALYST: {"KZ": True, "UZ": False, None: False},
    NOBODY: {"KZ": False, "UZ": False, None: False},
}

#: For which countries each role of KZ may coordinate an operation.
COORDINATES_FOR = {
    ADMIN: {"KZ": True, "UZ": True, None: False},
    MEMBER_ADMIN: {"KZ": True, "UZ": False, None: False},
    FOCAL: {"KZ": True, "UZ": False, None: False},
    OFFICER: {"KZ": False, "UZ": False, None: False},
    ANALYST: {"KZ": False, "UZ": False, None: False},
    NOBODY: {"KZ": False, "UZ": False, None: False},
}

#: Who sees the seizures pages at all, and who keeps the commodity vocabulary.
VIEWS_SEIZURES = {ADMIN, MEMBER_ADMIN, FOCAL, OFFICER, ANALYST}
MANAGES_COMMODITIES = {ADMIN}


@pytest.fixture
def world():
    kz = MemberFactory(code="KZ")
    uz = MemberFactory(code="UZ")
    reports = {
        f"{member.code} {sharing}": SeizureReportFactory(
            reporting_member=member, reference=f"{member.code}-{sharing}", sharing=sharing
        )
        for member in (kz, uz)
        for sharing in ("national", "network")
    }
    return {"KZ": kz, "UZ": uz, None: None}, reports


def make_user(role, member):
    if role == ADMIN:
        return network_admin("netadmin")
    if role == NOBODY:
        return UserFactory(username="nobody")
    return member_user(member, role, username=f"{role}.kz")


def read_by(user, reports) -> set[str]:
    visible = set(permissions.restrict_seizures(user).values_list("pk", flat=True))
    return {name for name, report in reports.items() if report.pk in visible}


@pytest.mark.parametrize("role", ROLES)
def test_restrict_seizures_reads_own_reports_and_network_shared_ones_only(world, role):
    members, reports = world
    assert read_by(make_user(role, members["KZ"]), reports) == READS[role]


@pytest.mark.parametrize("role", ROLES)
def test_restrict_seizures_narrows_a_given_queryset(world, role):
    members, reports = world
    user = make_user(role, members["KZ"])
    uz_only = reports["UZ national"].__class__.objects.filter(reporting_member=members["UZ"])
    visible = set(permissions.restrict_seizures(user, uz_only).values_list("reference", flat=True))
    expected = {"UZ-network"} if "UZ network" in READS[role] else set()
    assert visible == expected


def test_a_uz_national_report_is_read_by_uz_and_by_nobody_else(world):
    members, reports = world
    analyst_uz = member_user(members["UZ"], ANALYST, username="analyst.uz")
    assert "UZ national" in read_by(analyst_uz, reports)
    for role in ROLES:
        assert "UZ national" not in read_by(make_user(role, members["KZ"]), reports), role


@pytest.mark.parametrize("role", ROLES)
def test_reporting_member_ids_and_import(world, role):
    members, _reports = world
    user = make_user(role, members["KZ"])
    expected = {members[c].pk for c, allowed in REPORTS_FOR[role].items() if allowed}
    assert set(permissions.reporting_member_ids(user)) == expected
    assert permissions.may_import(user) is bool(expected)
    assert permissions.may_report_seizures(user) is bool(expected)


@pytest.mark.parametrize("role", ROLES)
def test_reporting_control_units_are_those_of_the_members_reported_for(world, role):
    from tests.factories.members import ControlUnitFactory

    members, _reports = world
    user = make_user(role, members["KZ"])
    kz_unit = ControlUnitFactory(member=members["KZ"], code="KZ-TEST-PCU")
    uz_unit = ControlUnitFactory(member=members["UZ"], code="UZ-TEST-PCU")
    units = set(permissions.reporting_control_units(user).values_list("pk", flat=True))
    assert (kz_unit.pk in units) is REPORTS_FOR[role]["KZ"]
    assert uz_unit.pk not in units


@pytest.mark.parametrize("role", ROLES)
def test_import_jobs_are_their_uploaders_own(world, role):
    members, _reports = world
    user = make_user(role, members["KZ"])
    colleague = member_user(members["KZ"], ANALYST, username="colleague.kz")
    own = ImportJob.objects.create(created_by=user, filename="own.csv", file="own.csv")
    foreign = ImportJob.objects.create(created_by=colleague, filename="c.csv", file="c.csv")
    visible = set(permissions.restrict_import_jobs(user).values_list("pk", flat=True))
    assert (own.pk in visible) is REPORTS_FOR[role]["KZ"]
    assert foreign.pk not in visible
    assert set(permissions.restrict_import_jobs(colleague).values_list("pk", flat=True)) == {
        foreign.pk
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("country", ["KZ", "UZ", None])
def test_may_coordinate_operation(world, role, country):
    members, _reports = world
    user = make_user(role, members["KZ"])
    allowed = COORDINATES_FOR[role][country]
    assert permissions.may_coordinate_operation(user, members[country]) is allowed


@pytest.mark.parametrize("role", ROLES)
def test_may_create_operations(world, role):
    members, _reports = world
    user = make_user(role, members["KZ"])
    assert permissions.may_create_operations(user) is any(COORDINATES_FOR[role].values())


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_seizures_pages_and_keeps_the_vocabulary(world, role):
    members, _reports = world
    user = make_user(role, members["KZ"])
    assert permissions.may_view_seizures(user) is (role in VIEWS_SEIZURES)
    assert permissions.may_manage_commodities(user) is (role in MANAGES_COMMODITIES)
    operation = OperationFactory(code="nicotiana", coordinating_member=members["KZ"])
    listed = permissions.restrict_operations(user).filter(pk=operation.pk).exists()
    assert listed is (role in VIEWS_SEIZURES)


@pytest.mark.parametrize(
    ("member", "expected"), [("KZ", True), ("UZ", True), ("TJ", False), (None, False)]
)
def test_a_report_links_only_operations_its_member_takes_part_in(member, expected):
    ids = {"KZ": 1, "UZ": 2, "TJ": 3, None: None}
    assert (
        permissions.may_link_operation(member_id=ids[member], operation_member_ids={1, 2})
        is expected
    )


def test_an_inactive_user_reads_and_reports_nothing(world):
    members, reports = world
    user = member_user(members["KZ"], FOCAL, username="gone.kz")
    user.is_active = False
    user.save()
    assert read_by(user, reports) == set()
    assert not permissions.reporting_member_ids(user)
    assert not permissions.may_coordinate_operation(user, members["KZ"])
