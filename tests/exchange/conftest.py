import pytest

from members.models import RoleName
from tests.factories.exchange import file_query
from tests.factories.members import member_user


@pytest.fixture
def query_kz_uz(focal_kz, focal_uz):
    """An urgent query from KZ to UZ (TJ, the outsider, is not a party)."""
    return file_query(focal_kz, recipients=["UZ"])


@pytest.fixture
def admin_uz(uz):
    return member_user(uz, RoleName.MEMBER_ADMIN, username="admin.uz")


@pytest.fixture
def admin_tj(tj):
    return member_user(tj, RoleName.MEMBER_ADMIN, username="admin.tj")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Test users are made by the dozen here; a slow hasher would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
