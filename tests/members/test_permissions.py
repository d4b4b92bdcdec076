"""The permission module as a matrix: every role x own / foreign / no country x every right.

The expected table is written out here on purpose, independently of ``ROLE_RIGHTS``: it is the
specification the module is checked against.
"""

import pytest

from members import permissions
from members.models import RoleName
from members.permissions import Right
from tests.factories.members import (
    ControlUnitFactory,
    MemberFactory,
    UserFactory,
    member_user,
    network_admin,
)

NOBODY = "nobody"
ROLES = [
    RoleName.NETWORK_ADMIN,
    RoleName.MEMBER_ADMIN,
    RoleName.FOCAL_POINT,
    RoleName.UNIT_OFFICER,
    RoleName.ANALYST,
    RoleName.RELEASER,
    NOBODY,
]

#: The rights each role holds for its OWN country. A network admin has no country of its own:
#: its row says what it holds for any member.
EXPECTED_OWN = {
    RoleName.NETWORK_ADMIN: {Right.MANAGE_PEOPLE},
    RoleName.MEMBER_ADMIN: {Right.MANAGE_PEOPLE, Right.VIEW_QUERIES, Right.VIEW_SEIZURES},
    RoleName.FOCAL_POINT: {
        Right.FILE_QUERIES,
        Right.RECEIVE_ALERTS,
        Right.VIEW_QUERIES,
        Right.VIEW_SEIZURES,
        Right.REPORT_SEIZURES,
        Right.RELEASE,
        Right.MANAGE_PROFILES,
    },
    RoleName.UNIT_OFFICER: {
        Right.FILE_QUERIES,
        Right.VIEW_UNIT_QUERIES,
        Right.VIEW_SEIZURES,
        Right.REPORT_SEIZURES,
    },
    RoleName.ANALYST: {Right.VIEW_SEIZURES, Right.REPORT_SEIZURES, Right.MANAGE_PROFILES},
    RoleName.RELEASER: {Right.RELEASE},
    NOBODY: set(),
}
#: For a FOREIGN country only network admins hold anything (they act for every member).
EXPECTED_FOREIGN = {role: set() for role in ROLES} | {RoleName.NETWORK_ADMIN: {Right.MANAGE_PEOPLE}}

NETWORK_LEVEL = {RoleName.NETWORK_ADMIN}
NETWORK_USERS = set(ROLES) - {NOBODY}


def make_user(role, member):
    """A user of ``member`` holding ``role``; network admins and nobodies have no country."""
    if role == RoleName.NETWORK_ADMIN:
        return network_admin("netadmin")
    if role == NOBODY:
        return UserFactory(username="nobody")
    return member_user(member, role, username=f"{role}.kz")


@pytest.fixture
def world(db):
    kz = MemberFactory(code="KZ")
    uz = MemberFactory(code="UZ")
    return kz, uz


def granted(user, member):
    """The rights ``user`` holds for ``member``, asked one right at a time."""
    return {right for right in Right if permissions.has_right(user, right, member)}


@pytest.mark.parametrize("role", ROLES)
def test_rights_for_own_country(world, role):
    kz, _uz = world
    assert granted(make_user(role, kz), kz) == EXPECTED_OWN[role]


@pytest.mark.parametrize("role", ROLES)
def test_rights_for_foreign_country(world, role):
    kz, uz = world
    assert granted(make_user(role, kz), uz) == EXPECTED_FOREIGN[role]


@pytest.mark.parametrize("role", ROLES)
def test_no_rights_for_no_country(world, role):
    kz, _uz = world
    assert granted(make_user(role, kz), None) == set()


@pytest.mark.parametrize("role", ROLES)
def test_member_ids_per_right(world, role):
    kz, uz = world
    user = make_user(role, kz)
    expected = {
        right: ({kz.pk, uz.pk} if role in NETWORK_LEVEL else {kz.pk})
        if right in EXPECTED_OWN[role]
        else set()
        for right in Right
    }
    assert {right: set(permissions.member_ids(user, right)) for right in Right} == expected


@pytest.mark.parametrize("role", ROLES)
def test_users_with_right_on_own_country(world, role):
    kz, _uz = world
    user = make_user(role, kz)
    listed = {right for right in Right if user in permissions.users_with_right(kz, right)}
    assert listed == EXPECTED_OWN[role]


@pytest.mark.parametrize("role", ROLES)
def test_users_with_right_on_foreign_country(world, role):
    kz, uz = world
    user = make_user(role, kz)
    listed = {right for right in Right if user in permissions.users_with_right(uz, right)}
    assert listed == EXPECTED_FOREIGN[role]


@pytest.mark.parametrize("role", ROLES)
def test_is_network_admin_only_for_network_admins(world, role):
    kz, _uz = world
    assert permissions.is_network_admin(make_user(role, kz)) is (role in NETWORK_LEVEL)


@pytest.mark.parametrize("role", ROLES)
def test_may_onboard_members_only_for_network_admins(world, role):
    kz, _uz = world
    assert permissions.may_onboard_members(make_user(role, kz)) is (role in NETWORK_LEVEL)


@pytest.mark.parametrize("role", ROLES)
def test_may_view_network_figures_only_for_network_admins(world, role):
    kz, _uz = world
    assert permissions.may_view_network_figures(make_user(role, kz)) is (role in NETWORK_LEVEL)


@pytest.mark.parametrize("role", ROLES)
def test_is_network_user_for_every_role_but_nobody(world, role):
    kz, _uz = world
    assert permissions.is_network_user(make_user(role, kz)) is (role in NETWORK_USERS)


# restrict_people / restrict_control_units: which people and units of KZ (own), UZ (foreign)
# and of no country (the secretariat) each role may manage.
MANAGES = {
    RoleName.NETWORK_ADMIN: {"own": True, "foreign": True, "none": False},
    RoleName.MEMBER_ADMIN: {"own": True, "foreign": False, "none": False},
    RoleName.FOCAL_POINT: {"own": False, "foreign": False, "none": False},
    RoleName.UNIT_OFFICER: {"own": False, "foreign": False, "none": False},
    RoleName.ANALYST: {"own": False, "foreign": False, "none": False},
    RoleName.RELEASER: {"own": False, "foreign": False, "none": False},
    NOBODY: {"own": False, "foreign": False, "none": False},
}


def scope_params():
    return [
        pytest.param(role, scope, MANAGES[role][scope], id=f"{role}-{scope}")
        for role in ROLES
        for scope in ("own", "foreign", "none")
    ]


@pytest.mark.parametrize(("role", "scope", "allowed"), scope_params())
def test_restrict_people(world, role, scope, allowed):
    kz, uz = world
    user = make_user(role, kz)
    person = {
        "own": lambda: UserFactory(username="person.kz", member=kz),
        "foreign": lambda: UserFactory(username="person.uz", member=uz),
        "none": lambda: UserFactory(username="person.secretariat", member=None),
    }[scope]()
    assert permissions.restrict_people(user).filter(pk=person.pk).exists() is allowed


@pytest.mark.parametrize(
    ("role", "scope", "allowed"),
    [p for p in scope_params() if p.values[1] != "none"],
)
def test_restrict_control_units(world, role, scope, allowed):
    kz, uz = world
    user = make_user(role, kz)
    unit = ControlUnitFactory(member=kz if scope == "own" else uz)
    assert permissions.restrict_control_units(user).filter(pk=unit.pk).exists() is allowed


@pytest.mark.parametrize(
    ("role", "scope", "allowed"),
    [
        pytest.param(role, scope, Right.VIEW_SEIZURES in expected[role], id=f"{role}-{scope}")
        for role in ROLES
        for scope, expected in (("own", EXPECTED_OWN), ("foreign", EXPECTED_FOREIGN))
    ],
)
def test_restrict_control_units_by_another_right(world, role, scope, allowed):
    kz, uz = world
    user = make_user(role, kz)
    unit = ControlUnitFactory(member=kz if scope == "own" else uz)
    restricted = permissions.restrict_control_units(user, right=Right.VIEW_SEIZURES)
    assert restricted.filter(pk=unit.pk).exists() is allowed


@pytest.mark.parametrize("role", [r for r in ROLES if r != NOBODY])
def test_inactive_user_has_no_rights(world, role):
    kz, _uz = world
    user = make_user(role, kz)
    user.is_active = False
    user.save()
    assert not permissions.is_network_user(user)
    assert not permissions.is_network_admin(user)
    assert not any(permissions.member_ids(user, right) for right in Right)


@pytest.mark.parametrize("role", [r for r in ROLES if r != NOBODY])
def test_inactive_user_is_not_among_users_with_right(world, role):
    kz, _uz = world
    user = make_user(role, kz)
    user.is_active = False
    user.save()
    assert not any(user in permissions.users_with_right(kz, right) for right in Right)


def test_anonymous_user_has_no_rights(world):
    from django.contrib.auth.models import AnonymousUser

    kz, _uz = world
    assert not permissions.is_network_user(AnonymousUser())
    assert not permissions.has_right(AnonymousUser(), Right.VIEW_SEIZURES, kz)


def test_superuser_is_a_network_admin(world):
    superuser = UserFactory(username="root", is_superuser=True)
    assert permissions.is_network_admin(superuser)


@pytest.mark.parametrize("role", ROLES)
def test_rights_are_computed_in_at_most_two_queries_then_cached(
    world, role, django_assert_max_num_queries, django_assert_num_queries
):
    kz, uz = world
    user = make_user(role, kz)
    permissions.forget(user)
    with django_assert_max_num_queries(2):
        permissions.is_network_admin(user)
    with django_assert_num_queries(0):
        for right in Right:
            permissions.has_right(user, right, kz)
            permissions.has_right(user, right, uz)
        permissions.is_network_user(user)


def test_granting_a_role_is_seen_at_once(world):
    kz, _uz = world
    user = member_user(kz, RoleName.ANALYST, username="analyst.kz")
    assert not permissions.has_right(user, Right.FILE_QUERIES, kz)
    permissions.grant_role(user, kz, RoleName.FOCAL_POINT)
    assert permissions.has_right(user, Right.FILE_QUERIES, kz)


def test_member_roles_ensure_is_idempotent(world):
    from guardian.models import GroupObjectPermission

    from members.models import Role

    kz, _uz = world
    before = (Role.objects.count(), GroupObjectPermission.objects.count())
    permissions.member_roles_ensure(member=kz)
    assert (Role.objects.count(), GroupObjectPermission.objects.count()) == before


QUERY_PARTICIPANTS = {RoleName.MEMBER_ADMIN, RoleName.FOCAL_POINT, RoleName.UNIT_OFFICER}


@pytest.mark.parametrize("role", ROLES)
def test_who_takes_part_in_queries(world, role):
    kz, _uz = world
    assert permissions.takes_part_in_queries(make_user(role, kz)) is (role in QUERY_PARTICIPANTS)


# --- Suspension and separation of duties --------------------------------------------

#: Who may suspend and reinstate members.
SUSPENDS = {role: role == RoleName.NETWORK_ADMIN for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_suspend_and_reinstate(world, role):
    kz, _uz = world
    assert permissions.may_suspend_members(make_user(role, kz)) is SUSPENDS[role]


#: How each role manages KZ's people (own) and UZ's (foreign): everything as the member's own
#: admin, deactivate / appoint-a-member-admin only as a network admin, nothing otherwise.
PEOPLE_MANAGER = {
    RoleName.NETWORK_ADMIN: {"own": RoleName.NETWORK_ADMIN, "foreign": RoleName.NETWORK_ADMIN},
    RoleName.MEMBER_ADMIN: {"own": RoleName.MEMBER_ADMIN, "foreign": None},
    RoleName.FOCAL_POINT: {"own": None, "foreign": None},
    RoleName.UNIT_OFFICER: {"own": None, "foreign": None},
    RoleName.ANALYST: {"own": None, "foreign": None},
    RoleName.RELEASER: {"own": None, "foreign": None},
    NOBODY: {"own": None, "foreign": None},
}


@pytest.mark.parametrize("role", ROLES)
def test_how_each_role_manages_people(world, role):
    kz, uz = world
    user = make_user(role, kz)
    assert permissions.people_manager(user, kz) == PEOPLE_MANAGER[role]["own"]
    assert permissions.people_manager(user, uz) == PEOPLE_MANAGER[role]["foreign"]


#: Rights for KZ once KZ is suspended: its people hold nothing; network admins keep theirs.
EXPECTED_WHEN_SUSPENDED = {role: set() for role in ROLES} | {
    RoleName.NETWORK_ADMIN: {Right.MANAGE_PEOPLE}
}


@pytest.mark.parametrize("role", ROLES)
def test_rights_while_the_member_is_suspended(world, role):
    kz, _uz = world
    user = make_user(role, kz)
    kz.status = "suspended"
    kz.save()
    permissions.forget(user)
    assert granted(user, kz) == EXPECTED_WHEN_SUSPENDED[role]
    assert permissions.is_suspended(user) is (role not in (RoleName.NETWORK_ADMIN, NOBODY))
    listed = {right for right in Right if user in permissions.users_with_right(kz, right)}
    assert listed == EXPECTED_WHEN_SUSPENDED[role]
    kz.status = "member"
    kz.save()
    permissions.forget(user)
    assert granted(user, kz) == EXPECTED_OWN[role]


#: People changes, by who makes them. "appoint" is inviting a member admin for a member with
#: no active member admin; "appoint (one exists)" the same where one exists.
PEOPLE_CHANGES = {
    #  change                      member admin, network admin
    "add a focal point": (True, False),
    "add an analyst": (True, False),
    "appoint a member admin": (True, True),
    "appoint (one exists)": (True, False),
    "change email": (True, False),
    "change username": (True, False),
    "change unit": (True, False),
    "grant a role": (True, False),
    "deactivate": (True, True),
    "reactivate": (True, False),
}


def _people_change(change, *, by, kz):
    from members import services

    person = member_user(kz, RoleName.UNIT_OFFICER, username="officer.kz")
    other_unit = ControlUnitFactory(member=kz)
    current = {
        "username": person.username,
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "roles": [RoleName.UNIT_OFFICER],
        "control_unit": person.control_unit,
        "is_active": True,
    }
    if change == "reactivate":
        type(person).objects.filter(pk=person.pk).update(is_active=False)
        person.refresh_from_db()
    if change == "appoint (one exists)":
        member_user(kz, RoleName.MEMBER_ADMIN, username="existing.admin.kz")
    new = {"username": "new.kz", "email": "new@kz.example", "first_name": "", "last_name": ""}
    calls = {
        "add a focal point": dict(user=None, **new, roles=[RoleName.FOCAL_POINT]),
        "add an analyst": dict(user=None, **new, roles=[RoleName.ANALYST]),
        "appoint a member admin": dict(user=None, **new, roles=[RoleName.MEMBER_ADMIN]),
        "appoint (one exists)": dict(user=None, **new, roles=[RoleName.MEMBER_ADMIN]),
        "change email": dict(user=person, **{**current, "email": "other@kz.example"}),
        "change username": dict(user=person, **{**current, "username": "renamed.kz"}),
        "change unit": dict(user=person, **{**current, "control_unit": other_unit}),
        "grant a role": dict(
            user=person, **{**current, "roles": [RoleName.UNIT_OFFICER, RoleName.FOCAL_POINT]}
        ),
        "deactivate": dict(user=person, **{**current, "is_active": False}),
        "reactivate": dict(user=person, **current),
    }
    arguments = calls[change]
    person = arguments.pop("user")
    if person is None:
        services.person_create(member=kz, actor=by, **arguments)
    elif change == "deactivate":
        services.person_deactivate(member=kz, actor=by, person=person)
    else:
        services.person_update(member=kz, actor=by, person=person, **arguments)


@pytest.mark.parametrize("change", list(PEOPLE_CHANGES))
@pytest.mark.parametrize("manager", [RoleName.MEMBER_ADMIN, RoleName.NETWORK_ADMIN])
def test_people_changes_by_manager(world, change, manager):
    from django.core.exceptions import ValidationError

    kz, _uz = world
    if manager == RoleName.NETWORK_ADMIN:
        by = network_admin("netadmin")
    else:
        by = member_user(kz, RoleName.MEMBER_ADMIN, username="existing.admin.kz")
    allowed = PEOPLE_CHANGES[change][0 if manager == RoleName.MEMBER_ADMIN else 1]
    try:
        _people_change(change, by=by, kz=kz)
    except ValidationError:
        done = False
    else:
        done = True
    assert done is allowed


#: Who may unlock an account and reset a second factor of KZ's people (own) and UZ's
#: (foreign): only the member's own admins; network admins deactivate instead.
MANAGES_SIGN_IN = {role: {"own": False, "foreign": False} for role in ROLES} | {
    RoleName.MEMBER_ADMIN: {"own": True, "foreign": False}
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_unlock_and_reset_a_second_factor(world, role):
    kz, uz = world
    user = make_user(role, kz)
    person_kz = member_user(kz, RoleName.ANALYST, username="person.kz")
    person_uz = member_user(uz, RoleName.ANALYST, username="person.uz")
    assert permissions.may_manage_sign_in(user, kz) is MANAGES_SIGN_IN[role]["own"]
    assert permissions.may_manage_sign_in(user, uz) is MANAGES_SIGN_IN[role]["foreign"]
    reachable = set(permissions.restrict_people_sign_in(user))
    assert (person_kz in reachable) is MANAGES_SIGN_IN[role]["own"]
    assert (person_uz in reachable) is MANAGES_SIGN_IN[role]["foreign"]
