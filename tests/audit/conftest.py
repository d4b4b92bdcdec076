import pytest
from django.core.cache import cache

from members.models import AuditEvent
from tests.factories.exchange import file_query


@pytest.fixture(autouse=True)
def _fresh_audit_state(settings, tmp_path):
    """Reads are de-duplicated through the cache: each test starts with none remembered."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def query_kz_uz(focal_kz, focal_uz):
    return file_query(focal_kz, recipients=["UZ"])


def events(action, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters))


def only_event(action, **filters):
    found = events(action, **filters)
    assert len(found) == 1, f"{action}: {len(found)} events"
    return found[0]
