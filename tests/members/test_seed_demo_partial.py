"""``seed_demo`` on a database that already holds part of the network (kept apart from
test_seed_demo.py, whose tests share one seeded network)."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from members.models import MemberAdministration, Role, RoleName
from tests.factories.members import MemberFactory, member_user

User = get_user_model()


def seed():
    call_command("seed_demo", "--password=demo-Password-2026", stdout=open("/dev/null", "w"))


def test_seed_demo_completes_a_member_created_before(db):
    MemberFactory(code="KZ")
    call_command("seed_demo", "--password=demo-Password-2026", stdout=open("/dev/null", "w"))
    assert MemberAdministration.objects.count() == 10
    assert Role.objects.filter(member__code="KZ").count() == 5


def test_seed_demo_adds_no_manager_where_a_member_admin_exists(db):
    kz = MemberFactory(code="KZ")
    member_user(kz, RoleName.MEMBER_ADMIN, username="own.admin.kz")
    seed()
    assert not User.objects.filter(username="manager.kz").exists()
    assert User.objects.filter(username="manager.uz").exists()
