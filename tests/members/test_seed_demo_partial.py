"""``seed_demo`` on a database that already holds part of the network (kept apart from
test_seed_demo.py, whose tests share one seeded network)."""

from django.core.management import call_command

from members.models import MemberAdministration, Role
from tests.factories.members import MemberFactory


def test_seed_demo_completes_a_member_created_before(db):
    MemberFactory(code="KZ")
    call_command("seed_demo", "--password=demo-Password-2026", stdout=open("/dev/null", "w"))
    assert MemberAdministration.objects.count() == 10
    assert Role.objects.filter(member__code="KZ").count() == 4
