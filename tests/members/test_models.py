"""Database constraints hold whatever writes to the tables."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError

from members.models import ControlUnit, MemberAdministration, Role, RoleName
from tests.factories.members import ControlUnitFactory, UserFactory


def test_country_code_is_unique(kz):
    with pytest.raises(IntegrityError):
        MemberAdministration.objects.create(code="KZ", name="Again", administration="Again")


def test_member_status_must_be_known(db):
    with pytest.raises(IntegrityError):
        MemberAdministration.objects.create(code="AZ", name="A", administration="A", status="x")


def test_control_unit_code_is_unique(kz):
    ControlUnitFactory(member=kz, code="KZ-ALA-ACCU")
    with pytest.raises(IntegrityError):
        ControlUnitFactory(member=kz, code="KZ-ALA-ACCU")


def test_control_unit_kind_must_be_known(kz):
    with pytest.raises(IntegrityError):
        ControlUnit.objects.create(member=kz, code="KZ-X", name="X", kind="harbour", city="X")


def test_member_role_needs_a_member(db):
    with pytest.raises(IntegrityError):
        Role.objects.create(group=Group.objects.create(name="g"), name=RoleName.FOCAL_POINT)


def test_network_admin_role_has_no_member(kz):
    with pytest.raises(IntegrityError):
        Role.objects.create(
            group=Group.objects.create(name="g"), member=kz, name=RoleName.NETWORK_ADMIN
        )


def test_one_role_group_per_member_and_role(kz):
    with pytest.raises(IntegrityError):
        Role.objects.create(group=Group.objects.create(name="g"), member=kz, name=RoleName.ANALYST)


def test_user_email_is_unique_whatever_the_case(focal_kz):
    with pytest.raises(IntegrityError):
        UserFactory(username="other", email=focal_kz.email.upper())


def test_user_with_a_control_unit_needs_a_member(kz):
    unit = ControlUnitFactory(member=kz)
    with pytest.raises(IntegrityError):
        UserFactory(username="lost", member=None, control_unit=unit)
