import pytest
from django.core.management import call_command

from exchange.models import Query

pytestmark = pytest.mark.django_db


def test_seed_demo_files_the_demo_queries_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", password="demo-password-2026")
    count = Query.objects.count()
    # Five went out; officer.az's sixth awaits release under Azerbaijan's policy.
    assert count == 6
    assert Query.objects.filter(release_state="awaiting_release").count() == 1
    call_command("seed_demo", password="demo-password-2026")
    assert Query.objects.count() == count
    assert Query.objects.filter(status="closed").count() == 1
