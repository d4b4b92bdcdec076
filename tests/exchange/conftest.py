import pytest

from tests.factories.exchange import file_query


@pytest.fixture
def query_kz_uz(focal_kz, focal_uz):
    """An urgent query from KZ to UZ (TJ, the outsider, is not a party)."""
    return file_query(focal_kz, recipients=["UZ"])
