"""REST API v1: token authentication, the member and control-unit lists and their filters, and
the OpenAPI schema and docs served offline."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories.members import PASSWORD, ControlUnitFactory


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def token(api, focal_kz):
    response = api.post(
        "/api/v1/auth/token/", {"username": "focal.kz", "password": PASSWORD}, format="json"
    )
    return response.json()["token"]


@pytest.fixture
def units(kz, uz):
    return [
        ControlUnitFactory(member=kz, code="KZ-ALA-ACCU", kind="airport", city="Almaty"),
        ControlUnitFactory(member=kz, code="KZ-AKT-PCU", kind="seaport", city="Aktau"),
        ControlUnitFactory(member=uz, code="UZ-TAS-ACCU", kind="airport", city="Tashkent"),
    ]


def test_token_endpoint_returns_a_token(api, focal_kz):
    response = api.post(
        "/api/v1/auth/token/", {"username": "focal.kz", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token", "expires_at"}
    assert len(response.json()["token"]) >= 20


def test_token_endpoint_refuses_a_wrong_password(api, focal_kz):
    response = api.post(
        "/api/v1/auth/token/", {"username": "focal.kz", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_anonymous_request_is_refused(api, kz):
    assert api.get("/api/v1/members/").status_code in (401, 403)
    assert api.get("/api/v1/control-units/").status_code in (401, 403)


def test_a_bad_token_is_refused(api, kz):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/members/").status_code == 401


def test_token_authenticates_the_member_list(api, token, kz, uz):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/v1/members/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {"count", "next", "previous", "results"} <= set(body)
    kazakhstan = next(m for m in body["results"] if m["code"] == "KZ")
    assert set(kazakhstan) == {"code", "name", "administration", "status", "joined_on"}
    assert kazakhstan["name"] == "Kazakhstan"
    assert kazakhstan["status"] == "member"


def test_control_unit_list_is_paginated(api, token, kz):
    from members.models import ControlUnit

    ControlUnit.objects.bulk_create(
        ControlUnit(member=kz, code=f"KZ-T{n:02d}-PCU", name=f"Unit {n}", kind="seaport", city="X")
        for n in range(60)
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    first = api.get("/api/v1/control-units/").json()
    assert first["count"] == 60
    assert len(first["results"]) == 50
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 10
    assert second["previous"]


def test_control_unit_list_fields(api, token, units):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/v1/control-units/")
    assert response.status_code == 200
    unit = next(u for u in response.json()["results"] if u["code"] == "KZ-ALA-ACCU")
    assert {"code", "name", "member", "kind", "city", "active"} <= set(unit)
    assert unit["member"] == "KZ"
    assert unit["kind"] == "airport"
    assert unit["city"] == "Almaty"
    assert unit["active"] is True


def test_control_units_filtered_by_member(api, token, units):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = api.get("/api/v1/control-units/", {"member": "KZ"}).json()
    assert sorted(u["code"] for u in body["results"]) == ["KZ-AKT-PCU", "KZ-ALA-ACCU"]


def test_control_units_filtered_by_member_in_lower_case(api, token, units):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = api.get("/api/v1/control-units/", {"member": "uz"}).json()
    assert [u["code"] for u in body["results"]] == ["UZ-TAS-ACCU"]


def test_control_units_filtered_by_kind(api, token, units):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = api.get("/api/v1/control-units/", {"kind": "airport"}).json()
    assert sorted(u["code"] for u in body["results"]) == ["KZ-ALA-ACCU", "UZ-TAS-ACCU"]


def test_control_units_filtered_by_member_and_kind(api, token, units):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = api.get("/api/v1/control-units/", {"member": "KZ", "kind": "airport"}).json()
    assert [u["code"] for u in body["results"]] == ["KZ-ALA-ACCU"]


def test_control_unit_list_queries_do_not_grow_with_units(
    api, token, units, kz, django_assert_max_num_queries
):
    for _ in range(20):
        ControlUnitFactory(member=kz)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    # 7: one of them records the token's use (at most once a minute per token).
    with django_assert_max_num_queries(7):
        response = api.get("/api/v1/control-units/")
    assert response.json()["count"] == 23


def test_session_authentication_works_too(api, focal_kz, kz):
    api.force_login(focal_kz)
    assert api.get("/api/v1/members/").status_code == 200


def test_user_outside_the_network_sees_no_members(api, kz, db):
    from tests.factories.members import UserFactory

    api.force_authenticate(UserFactory(username="stranger"))
    assert api.get("/api/v1/members/").json()["count"] == 0


def test_openapi_schema_is_served(api, focal_kz):
    api.force_login(focal_kz)
    response = api.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/members/" in text
    assert "/api/v1/control-units/" in text


def test_api_docs_are_served_from_local_assets_only(client, focal_kz):
    client.force_login(focal_kz)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    external = [
        url
        for url in re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
        if re.match(r"(https?:)?//", url) and not re.match(r"(https?:)?//testserver/", url)
    ]
    assert external == []
    assert not re.search(r"https?://(?!testserver)[\w.-]+/[^\s\"']*\.(js|css)", html)


def test_member_detail_by_country_code(api, token, kz):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/v1/members/KZ/")
    assert response.status_code == 200
    assert response.json()["code"] == "KZ"


def test_control_unit_detail_by_code(api, token, units):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/v1/control-units/KZ-ALA-ACCU/")
    assert response.status_code == 200
    assert response.json()["member"] == "KZ"


def test_member_list_filtered_by_status(api, token, kz, uz):
    uz.status = "suspended"
    uz.save()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = api.get("/api/v1/members/", {"status": "suspended"}).json()
    assert [m["code"] for m in body["results"]] == ["UZ"]


def test_member_and_unit_detail_find_lower_case_codes(client, focal_kz):
    from tests.factories import ControlUnitFactory

    unit = ControlUnitFactory(member=focal_kz.member)
    client.force_login(focal_kz)
    assert client.get("/api/v1/members/kz/").json()["code"] == "KZ"
    assert client.get(f"/api/v1/control-units/{unit.code.lower()}/").json()["code"] == unit.code
