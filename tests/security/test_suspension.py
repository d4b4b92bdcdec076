"""Finding 2: a suspended member's people can do nothing; its records stay for the others;
reinstating restores everything. Written from the suspended side (TJ, UZ) and from KZ."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from exchange.models import Alert
from members.models import MemberAdministration, MemberStatus
from tests.factories.exchange import VALID_CONTAINER, file_query
from tests.factories.members import PASSWORD
from tests.factories.seizures import commodity

pytestmark = pytest.mark.django_db

QUERY = {
    "kind": "request",
    "priority": "urgent",
    "handling_code": "H2",
    "source_evaluation": "B",
    "information_evaluation": "2",
    "subject": "Tobacco in transit",
    "body": "Please check the container.",
    "container_numbers": [VALID_CONTAINER],
}
SEIZURE = {
    "reference": "TJ-API-1",
    "member": "TJ",
    "seized_on": "2024-05-01",
    "transport_mode": "road",
    "commodity": "heroin",
    "quantity": "12.5",
    "unit": "kg",
    "origin_country": "AF",
    "destination_country": "TJ",
    "detection_method": "canine",
    "sharing": "network",
}


def token_for(username):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def api_with(token):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


@pytest.fixture
def world(focal_kz, focal_uz, focal_tj, admin_user):
    commodity("heroin")  # the vocabulary (a transactional test elsewhere may have flushed it)
    query = file_query(focal_kz, recipients=["UZ"], subject="KZ asks UZ about napkins")
    return {
        "query": query,
        "tokens": {u: token_for(u) for u in ("focal.kz", "focal.uz", "focal.tj")},
    }


def suspend(admin_user, code, reason="Membership fees unpaid"):
    api = APIClient()
    api.force_authenticate(admin_user)
    return api.post(f"/api/v1/members/{code}/suspend/", {"reason": reason}, format="json")


def reinstate(admin_user, code):
    api = APIClient()
    api.force_authenticate(admin_user)
    return api.post(f"/api/v1/members/{code}/reinstate/", {}, format="json")


@pytest.fixture
def suspended(world, admin_user):
    for code in ("UZ", "TJ"):
        response = suspend(admin_user, code)
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "suspended"
    return world


def test_network_admin_suspends_with_a_reason(world, admin_user):
    suspend(admin_user, "TJ", reason="Security incident")
    tj = MemberAdministration.objects.get(code="TJ")
    assert tj.status == MemberStatus.SUSPENDED
    assert tj.suspension_reason == "Security incident"
    assert tj.suspended_at is not None


@pytest.mark.parametrize("who", ["focal.kz", "focal.tj"])
def test_only_network_admins_suspend_others_get_404(world, who):
    api = api_with(world["tokens"][who])
    assert api.post("/api/v1/members/UZ/suspend/", {}, format="json").status_code == 404
    assert api.post("/api/v1/members/UZ/reinstate/", {}, format="json").status_code == 404
    assert MemberAdministration.objects.get(code="UZ").status == MemberStatus.MEMBER


def test_anonymous_suspend_is_401(world):
    assert APIClient().post("/api/v1/members/UZ/suspend/", {}).status_code == 401


def test_suspending_twice_is_a_field_error(suspended, admin_user):
    response = suspend(admin_user, "TJ")
    assert response.status_code == 400
    assert "status" in response.json()


def test_suspended_focal_point_token_answers_401_everywhere(suspended):
    api = api_with(suspended["tokens"]["focal.tj"])
    assert (
        api.post("/api/v1/queries/", {**QUERY, "recipients": ["KZ"]}, format="json").status_code
        == 401
    )
    assert api.get("/api/v1/seizures/").status_code == 401
    assert api.post("/api/v1/seizures/", SEIZURE, format="json").status_code == 401
    assert api.get("/api/v1/members/").status_code == 401


def test_suspended_member_gets_no_new_token(suspended):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "focal.tj", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_suspended_recipient_can_neither_read_nor_reply(suspended):
    query = suspended["query"]
    api = api_with(suspended["tokens"]["focal.uz"])
    assert api.get(f"/api/v1/queries/{query.pk}/").status_code == 401
    response = api.post(f"/api/v1/queries/{query.pk}/replies/", {"body": "x"}, format="json")
    assert response.status_code == 401
    assert not query.replies.exists()


def test_browser_login_is_refused_with_a_clear_message(suspended, client):
    response = client.post(reverse("login"), {"username": "focal.tj", "password": PASSWORD})
    assert response.status_code == 200
    assert b"suspended" in response.content
    assert "_auth_user_id" not in client.session


def test_browser_login_with_a_wrong_password_says_nothing_of_the_suspension(suspended, client):
    response = client.post(reverse("login"), {"username": "focal.tj", "password": "wrong-one"})
    assert response.status_code == 200
    assert b"suspended" not in response.content


def test_an_open_session_ends_when_the_member_is_suspended(world, admin_user, client, focal_uz):
    client.force_login(focal_uz)
    url = reverse("exchange:detail", args=[world["query"].pk])
    assert client.get(url).status_code == 200
    suspend(admin_user, "UZ")
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_nobody_can_address_a_suspended_member(suspended):
    api = api_with(suspended["tokens"]["focal.kz"])
    response = api.post("/api/v1/queries/", {**QUERY, "recipients": ["UZ"]}, format="json")
    assert response.status_code == 400
    assert "recipients" in response.json()


def test_no_alert_goes_to_a_suspended_member(suspended, focal_uz):
    query = suspended["query"]
    before = Alert.objects.filter(recipient=focal_uz).count()
    api = api_with(suspended["tokens"]["focal.kz"])
    response = api.post(
        f"/api/v1/queries/{query.pk}/replies/", {"body": "More details follow."}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Alert.objects.filter(recipient=focal_uz).count() == before


def test_the_other_party_still_sees_its_query_to_a_suspended_member(suspended):
    query = suspended["query"]
    api = api_with(suspended["tokens"]["focal.kz"])
    response = api.get(f"/api/v1/queries/{query.pk}/")
    assert response.status_code == 200
    assert response.json()["subject"] == "KZ asks UZ about napkins"
    listed = api.get("/api/v1/queries/").json()["results"]
    assert [q["id"] for q in listed] == [query.pk]


def test_reinstating_restores_everything(suspended, admin_user, client, focal_uz):
    for code in ("UZ", "TJ"):
        response = reinstate(admin_user, code)
        assert response.status_code == 200
        assert response.json()["status"] == "member"
    tj = api_with(suspended["tokens"]["focal.tj"])
    assert tj.get("/api/v1/seizures/").status_code == 200
    assert tj.post("/api/v1/seizures/", SEIZURE, format="json").status_code == 201
    uz = api_with(suspended["tokens"]["focal.uz"])
    query = suspended["query"]
    assert uz.get(f"/api/v1/queries/{query.pk}/").status_code == 200
    response = uz.post(f"/api/v1/queries/{query.pk}/replies/", {"body": "Found it."}, format="json")
    assert response.status_code == 201
    kz = api_with(suspended["tokens"]["focal.kz"])
    assert (
        kz.post("/api/v1/queries/", {**QUERY, "recipients": ["UZ"]}, format="json").status_code
        == 201
    )
    response = client.post(reverse("login"), {"username": "focal.tj", "password": PASSWORD})
    assert response.status_code == 302


def test_network_admin_suspends_and_reinstates_in_the_browser(world, admin_user, client):
    client.force_login(admin_user)
    page = client.get(reverse("member-detail", args=["TJ"]))
    assert b'data-testid="suspend"' in page.content
    response = client.post(reverse("member-suspend", args=["TJ"]), {"reason": "Audit"})
    assert response.status_code == 302
    assert MemberAdministration.objects.get(code="TJ").status == MemberStatus.SUSPENDED
    page = client.get(reverse("member-detail", args=["TJ"]))
    assert b'data-testid="reinstate"' in page.content
    client.post(reverse("member-reinstate", args=["TJ"]))
    assert MemberAdministration.objects.get(code="TJ").status == MemberStatus.MEMBER


def test_others_get_404_on_the_browser_suspend(world, client, focal_kz):
    client.force_login(focal_kz)
    assert client.post(reverse("member-suspend", args=["UZ"])).status_code == 404
    assert MemberAdministration.objects.get(code="UZ").status == MemberStatus.MEMBER
