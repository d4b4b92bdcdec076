"""Fixtures of the arrivals tests: Georgia sends (Poti), Uzbekistan receives (Tashkent),
Tajikistan is the third country."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from arrivals import partitioning
from members.models import RoleName
from tests.factories import ControlUnitFactory, MemberFactory, member_user


@pytest.fixture(autouse=True)
def _partitions_forgotten():
    # Partitions made inside a rolled-back test are gone: the process must not remember them.
    partitioning.forget_known()
    yield
    partitioning.forget_known()


@pytest.fixture
def ge(db):
    return MemberFactory(code="GE")


@pytest.fixture
def poti(ge):
    return ControlUnitFactory(member=ge, code="GE-PTI-PCU", name="Poti PCU")


@pytest.fixture
def tashkent(uz):
    return ControlUnitFactory(
        member=uz, code="UZ-TAS-PCU", name="Tashkent dry port", kind="dry-port"
    )


@pytest.fixture
def officer_ge(ge, poti):
    return member_user(ge, RoleName.UNIT_OFFICER, control_unit=poti, username="officer.ge")


@pytest.fixture
def focal_ge(ge):
    return member_user(ge, RoleName.FOCAL_POINT, username="focal.ge")


@pytest.fixture
def officer_uz(uz, tashkent):
    return member_user(uz, RoleName.UNIT_OFFICER, control_unit=tashkent, username="officer.uz")


@pytest.fixture
def analyst_uz(uz):
    return member_user(uz, RoleName.ANALYST, username="analyst.uz")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def notice_data(**changes) -> dict:
    """A valid sea notice from Poti to Tashkent unless told otherwise."""
    data = {
        "mode": "sea",
        "vessel_imo": "9074729",
        "conveyance": "MSC ANNA / 214E",
        "transport_document": "MEDU1234567",
        "transport_document_kind": "bill_of_lading",
        "place_of_loading": "GEPTI",
        "place_of_discharge": "UZTAS",
        "transit_countries": ["AZ", "KZ"],
        "departed_at": (timezone.now() - timedelta(days=2)).isoformat(),
        "expected_arrival": (timezone.now() + timedelta(days=5)).isoformat(),
        "shipper": "Black Sea Trading LLC",
        "shipper_country": "GE",
        "consignee": "Tashkent Ceramics LLP",
        "consignee_country": "UZ",
        "containers": [{"number": "CSQU3054383", "seals": ["GE123456"]}],
        "goods": [
            {
                "description": "Ceramic tiles",
                "hs_code": "6907.21",
                "packages": 40,
                "gross_kg": 20000,
            }
        ],
        "from_unit": "GE-PTI-PCU",
        "to_member": "UZ",
        "to_unit": "UZ-TAS-PCU",
    }
    data.update(changes)
    return data
