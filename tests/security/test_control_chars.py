"""Finding 6 (URL and form part): NUL bytes and other control characters never give a 500.
In a member or unit code of a URL: 404 like any unknown page. In a form field or an API field:
a clear 400 naming the field, and nothing written. Tab, line feed and carriage return stay
allowed in free text."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from exchange.models import Query
from members.models import ControlUnit
from seizures.models import SeizureReport
from tests.factories.exchange import VALID_CONTAINER
from tests.factories.members import ControlUnitFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def unit_kz(kz):
    return ControlUnitFactory(member=kz, code="KZ-ALA-ACCU")


URL_PARTS = [
    "/members/%00/",
    "/members/K%00/",
    "/members/KZ%00/people/",
    "/members/%00/people/new/",
    "/members/KZ/units/KZ-ALA%00/",
    "/members/KZ/units/%01/",
    "/members/%1b/units/",
    "/seizures/operations/nico%00tiana/",
    "/api/v1/members/%00/",
    "/api/v1/control-units/KZ%00/",
    "/api/v1/members/K%7f/suspend/",
]


@pytest.mark.parametrize("url", URL_PARTS)
@pytest.mark.parametrize("who", ["admin.kz", "admin"])
def test_control_characters_in_url_parts_are_404(client, admin_kz, admin_user, unit_kz, url, who):
    client.force_login(User.objects.get(username=who))
    method = client.post if url.endswith("suspend/") else client.get
    assert method(url).status_code == 404


def test_control_characters_in_a_url_are_404_for_anonymous_too(client, kz):
    assert client.get("/members/%00/").status_code == 404


def test_members_form_field_gets_a_400_naming_the_field(client, admin_kz):
    client.force_login(admin_kz)
    response = client.post(
        reverse("member-person-new", args=["KZ"]),
        {
            "username": "new\x00person",
            "email": "new@kz.example",
            "roles": ["analyst"],
            "is_active": "on",
        },
    )
    assert response.status_code == 400
    assert "“username”" in response.content.decode()
    assert not User.objects.filter(email="new@kz.example").exists()


def test_unit_form_field_gets_a_400_naming_the_field(client, admin_kz):
    client.force_login(admin_kz)
    response = client.post(
        reverse("member-unit-new", args=["KZ"]),
        {"code": "KZ-NQZ-ACCU", "name": "Astana", "kind": "airport", "city": "Ast\x07ana"},
    )
    assert response.status_code == 400
    assert "“city”" in response.content.decode()
    assert not ControlUnit.objects.filter(code="KZ-NQZ-ACCU").exists()


def test_control_characters_in_a_query_string_are_400(client, focal_kz):
    client.force_login(focal_kz)
    response = client.get(reverse("exchange:inbox"), {"q": "abc\x00"})
    assert response.status_code == 400
    assert "“q”" in response.content.decode()


QUERY = {
    "kind": "request",
    "priority": "urgent",
    "handling_code": "H2",
    "source_evaluation": "B",
    "information_evaluation": "2",
    "subject": "Tobacco\x00 in transit",
    "body": "Please check.\r\n\tThanks.",
    "recipients": ["UZ"],
    "container_numbers": [VALID_CONTAINER],
}


def test_exchange_api_field_gets_a_400_naming_the_field(focal_kz, focal_uz):
    api = APIClient()
    api.force_authenticate(focal_kz)
    response = api.post("/api/v1/queries/", QUERY, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["subject"]
    assert not Query.objects.exists()


def test_exchange_api_nested_field_is_named(focal_kz, focal_uz):
    api = APIClient()
    api.force_authenticate(focal_kz)
    response = api.post(
        "/api/v1/queries/",
        {**QUERY, "subject": "Fine", "container_numbers": ["CSQU3054383", "AB\x00"]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["container_numbers.1"]


def test_exchange_multipart_api_field_gets_a_400(focal_kz, focal_uz):
    api = APIClient()
    api.force_authenticate(focal_kz)
    response = api.post("/api/v1/queries/", QUERY, format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["subject"]
    assert not Query.objects.exists()


def test_tab_newline_and_carriage_return_stay_allowed(focal_kz, focal_uz):
    api = APIClient()
    api.force_authenticate(focal_kz)
    response = api.post("/api/v1/queries/", {**QUERY, "subject": "Tobacco"}, format="json")
    assert response.status_code == 201, response.content
    assert Query.objects.get().body == "Please check.\r\n\tThanks."


SEIZURE = {
    "reference": "KZ-API-1",
    "member": "KZ",
    "seized_on": "2024-05-01",
    "transport_mode": "road",
    "commodity": "heroin",
    "quantity": "12.5",
    "unit": "kg",
    "origin_country": "AF",
    "destination_country": "KZ",
    "detection_method": "canine",
    "sharing": "network",
    "concealment": "false\x00floor",
}


def test_seizures_api_field_gets_a_400_naming_the_field(analyst_kz):
    api = APIClient()
    api.force_authenticate(analyst_kz)
    response = api.post("/api/v1/seizures/", SEIZURE, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["concealment"]
    assert not SeizureReport.objects.exists()


def test_seizures_form_field_gets_a_400_naming_the_field(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.post(reverse("seizures:report-new"), SEIZURE)
    assert response.status_code == 400
    assert "“concealment”" in response.content.decode()
    assert not SeizureReport.objects.exists()


def test_control_characters_in_a_login_attempt_are_400_not_500(client, focal_kz):
    response = client.post(reverse("login"), {"username": "focal\x00kz", "password": "x"})
    assert response.status_code == 400
