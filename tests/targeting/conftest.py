"""Fixtures of the targeting tests: Georgia sends from Poti, Uzbekistan and Kazakhstan
receive, Tajikistan is the third country. Notices are filed and profiles written through the
real endpoints."""

import pytest

from targeting import screening
from tests.arrivals.conftest import (  # noqa: F401 (fixtures re-exported)
    _partitions_forgotten,
    analyst_uz,
    client_for,
    focal_ge,
    ge,
    notice_data,
    officer_ge,
    officer_uz,
    poti,
    tashkent,
)
from tests.factories import ControlUnitFactory

PROFILES = "/api/v1/profiles/"
ARRIVALS = "/api/v1/arrivals/"


@pytest.fixture(autouse=True)
def _compiled_forgotten():
    screening.compiled_profiles_forget()
    yield
    screening.compiled_profiles_forget()


@pytest.fixture
def aktau(kz):
    return ControlUnitFactory(member=kz, code="KZ-AKT-PCU", name="Aktau port")


def profile_body(**changes) -> dict:
    """A valid national red profile: tobacco loaded at Jebel Ali or Poti."""
    body = {
        "name": "Tobacco from Jebel Ali and Poti",
        "description": "Cigarettes declared as spare parts through the Caucasus.",
        "scope": "national",
        "lane": "red",
        "modes": [],
        "active": True,
        "criteria": [
            {"field": "hs_code", "op": "prefix", "value": ["2402", "2403"]},
            {"field": "place_of_loading", "op": "in", "value": ["AEJEA", "GEPTI"]},
        ],
    }
    body.update(changes)
    return body


def profile_write(user, **changes) -> dict:
    response = client_for(user).post(PROFILES, profile_body(**changes), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def notice_file(sender, **changes) -> int:
    response = client_for(sender).post(ARRIVALS, notice_data(**changes), format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def screening_of(receiver, notice_id) -> dict:
    response = client_for(receiver).get(f"{ARRIVALS}{notice_id}/")
    assert response.status_code == 200
    return response.json()["screening"]
