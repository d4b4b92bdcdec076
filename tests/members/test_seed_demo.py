"""``seed_demo``: the demo network, and running it twice changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from guardian.models import GroupObjectPermission

from members import permissions
from members.models import ControlUnit, MemberAdministration, Role, RoleName

User = get_user_model()
PASSWORD = "demo-Password-2026"
CODES = ["AF", "AZ", "GE", "KG", "KZ", "PK", "TJ", "TM", "UA", "UZ"]


def seed():
    call_command("seed_demo", f"--password={PASSWORD}", stdout=open("/dev/null", "w"))


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """The demo network is built once for this module, inside a transaction that is rolled
    back at the end; each test runs in its own savepoint within it, so what one test changes
    is gone before the next."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def seeded(_seeded_once, db):
    """The seeded demo network (built once per module, see ``_seeded_once``)."""


def table_counts():
    return {
        "members": MemberAdministration.objects.count(),
        "control_units": ControlUnit.objects.count(),
        "users": User.objects.count(),
        "groups": Group.objects.count(),
        "roles": Role.objects.count(),
        "group_object_permissions": GroupObjectPermission.objects.count(),
        "memberships": User.groups.through.objects.count(),
    }


def test_seed_demo_creates_the_ten_members(seeded):
    assert sorted(MemberAdministration.objects.values_list("code", flat=True)) == CODES


def test_seed_demo_names_real_administrations(seeded):
    assert (
        MemberAdministration.objects.get(code="AZ").administration
        == "State Customs Committee of the Republic of Azerbaijan"
    )


def test_seed_demo_creates_at_least_thirty_control_units_in_every_country(seeded):
    assert ControlUnit.objects.count() >= 30
    for member in MemberAdministration.objects.all():
        assert member.control_units.exists(), member.code
        assert all(u.code.startswith(f"{member.code}-") for u in member.control_units.all())


def test_seed_demo_creates_the_demo_users_of_each_country_with_their_roles(seeded):
    for code in CODES:
        _assert_demo_users(code)


def _assert_demo_users(code):
    member = MemberAdministration.objects.get(code=code)
    focal = User.objects.get(username=f"focal.{code.lower()}")
    officer = User.objects.get(username=f"officer.{code.lower()}")
    analyst = User.objects.get(username=f"analyst.{code.lower()}")
    assert permissions.has_right(focal, permissions.Right.RECEIVE_ALERTS, member)
    assert permissions.has_right(officer, permissions.Right.VIEW_UNIT_QUERIES, member)
    assert officer.control_unit.member == member
    assert permissions.has_right(analyst, permissions.Right.VIEW_SEIZURES, member)
    assert not permissions.has_right(analyst, permissions.Right.FILE_QUERIES, member)
    for user in (focal, officer, analyst):
        assert user.member == member
        assert user.check_password(PASSWORD)


def test_seed_demo_creates_the_network_admin(seeded):
    admin = User.objects.get(username="admin")
    assert admin.check_password(PASSWORD)
    assert permissions.is_network_admin(admin)
    assert admin.member is None


def test_seed_demo_twice_changes_nothing(seeded):
    before = table_counts()
    seed()
    assert table_counts() == before


def test_seed_demo_twice_keeps_changed_passwords(seeded):
    focal = User.objects.get(username="focal.kz")
    focal.set_password("my-own-Secret-77")
    focal.save()
    seed()
    focal.refresh_from_db()
    assert focal.check_password("my-own-Secret-77")


def test_seed_demo_twice_keeps_roles_a_member_admin_changed(seeded):
    analyst = User.objects.get(username="analyst.kz")
    member = MemberAdministration.objects.get(code="KZ")
    permissions.grant_role(analyst, member, RoleName.MEMBER_ADMIN)
    seed()
    assert Role.objects.filter(
        group__user=analyst, member=member, name=RoleName.MEMBER_ADMIN
    ).exists()


def test_seed_demo_gives_each_member_a_member_admin(seeded):
    for code in CODES:
        manager = User.objects.get(username=f"manager.{code.lower()}")
        member = MemberAdministration.objects.get(code=code)
        assert manager.member == member
        assert manager.check_password(PASSWORD)
        assert permissions.is_member_admin_of(manager, member)
        assert not permissions.is_network_admin(manager)
