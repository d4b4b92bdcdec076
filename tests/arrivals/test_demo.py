import pytest
from django.core.management import call_command

from arrivals.models import ArrivalNotice

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_the_notice_flows_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", password="demo-password-2026")
    notices = {n.transport_document: n for n in ArrivalNotice.objects.all()}
    demo = {"MEDUGE0001", "MEDUGE0002", "PKCMR2026017", "SMGS7730215", "AZBL2026118"}
    assert demo <= set(notices)
    count = len(notices)
    assert notices["MEDUGE0001"].lane == "red"
    assert notices["MEDUGE0001"].to_member.code == "UZ"
    assert notices["AZBL2026118"].lane == "amber"
    assert "KZ" in notices["AZBL2026118"].screening["reasons"][0]["text"]
    assert notices["SMGS7730215"].outcome == "discrepancy"
    assert notices["MEDUGE0002"].status == "closed"
    call_command("seed_demo", password="demo-password-2026")
    assert ArrivalNotice.objects.count() == count
