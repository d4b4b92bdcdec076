import pytest
from django.core.management import call_command

from arrivals.models import ArrivalNotice
from targeting import selectors
from targeting.models import RiskProfile, TargetingSettings

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_both_profiles_selections_and_findings_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", password="demo-password-2026")
    uz = RiskProfile.objects.get(member__code="UZ")
    kz = RiskProfile.objects.get(member__code="KZ")
    assert (uz.scope, uz.lane, uz.active) == ("national", "red", True)
    assert (kz.scope, kz.lane, kz.active) == ("network", "amber", True)
    assert TargetingSettings.objects.get(member__code="UZ").random_rate == 0.05
    stats = selectors.profiles_stats([uz.pk, kz.pk])
    assert stats[uz.pk]["selected"] == 4 and stats[uz.pk]["seizures"] == 1
    assert stats[uz.pk]["findings"] == 2 and stats[uz.pk]["lift"] is not None
    assert stats[kz.pk]["selected"] == 3 and stats[kz.pk]["findings"] == 1
    red = ArrivalNotice.objects.get(transport_document="TGTUZ0004")
    assert red.lane == "red"
    assert any(r.get("profile") == uz.pk for r in red.screening["reasons"])
    count = ArrivalNotice.objects.count()
    call_command("seed_demo", password="demo-password-2026")
    assert ArrivalNotice.objects.count() == count
    assert RiskProfile.objects.count() == 2
