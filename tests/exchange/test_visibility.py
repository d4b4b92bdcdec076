"""Visibility, from the side of those who must NOT see: a third country (TJ), its member
admin, an analyst, a network admin, an officer of another unit. All get 404 and never see the
query in lists, search or counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from exchange.models import Alert, AlertChannel
from members.models import RoleName
from tests.factories.exchange import VALID_CONTAINER, file_query
from tests.factories.members import ControlUnitFactory, member_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def query_with_attachment(focal_kz, focal_uz, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return file_query(
        focal_kz,
        recipients=["UZ"],
        attachments=[SimpleUploadedFile("manifest.pdf", b"%PDF-1.4 secret manifest")],
    )


@pytest.fixture
def outsider_api(focal_tj):
    client = APIClient()
    client.force_authenticate(focal_tj)
    return client


def test_third_country_gets_404_on_query_page(client, focal_tj, query_kz_uz):
    client.force_login(focal_tj)
    response = client.get(reverse("exchange:detail", args=[query_kz_uz.pk]))
    assert response.status_code == 404


def test_third_country_gets_404_on_attachment(client, focal_tj, query_with_attachment):
    attachment = query_with_attachment.attachments.get()
    client.force_login(focal_tj)
    url = reverse("exchange:attachment", args=[query_with_attachment.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_third_country_gets_404_on_attachment_through_the_api(outsider_api, query_with_attachment):
    attachment = query_with_attachment.attachments.get()
    url = f"/api/v1/queries/{query_with_attachment.pk}/attachments/{attachment.pk}/"
    assert outsider_api.get(url).status_code == 404


def test_parties_can_download_the_attachment(client, focal_uz, query_with_attachment):
    attachment = query_with_attachment.attachments.get()
    client.force_login(focal_uz)
    response = client.get(
        reverse("exchange:attachment", args=[query_with_attachment.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 secret manifest"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize(
    "method,suffix,data",
    [
        ("get", "/", None),
        ("post", "/acknowledge/", {}),
        ("get", "/replies/", None),
        ("post", "/replies/", {"body": "Hello"}),
        ("post", "/close/", {"outcome": "resolved"}),
        ("post", "/outcome/", {"outcome": "nothing-found"}),
    ],
)
def test_third_country_gets_404_on_every_query_endpoint(
    outsider_api, query_kz_uz, method, suffix, data
):
    url = f"/api/v1/queries/{query_kz_uz.pk}{suffix}"
    response = getattr(outsider_api, method)(url, data, format="json")
    assert response.status_code == 404
    query_kz_uz.refresh_from_db()
    assert query_kz_uz.status == "open" and query_kz_uz.replies.count() == 0


@pytest.mark.parametrize("action", ["acknowledge", "reply", "outcome", "close"])
def test_third_country_gets_404_on_every_browser_action(client, focal_tj, query_kz_uz, action):
    client.force_login(focal_tj)
    data = {"body": "x", "outcome": "resolved"}
    response = client.post(reverse(f"exchange:{action}", args=[query_kz_uz.pk]), data)
    assert response.status_code == 404


@pytest.fixture
def query_tj_kz(focal_kz, focal_tj):
    """TJ's own query, alike in every searchable way, so an empty answer for TJ means the
    KZ–UZ query was left out (not that the search found nothing at all)."""
    return file_query(focal_tj, recipients=["KZ"])


SEARCHES = (
    {},
    {"q": VALID_CONTAINER},
    {"q": "napkins"},
    {"container_number": VALID_CONTAINER},
    {"counterpart": "KZ"},
    {"status": "open"},
)


def _api_refs(client, params):
    return [q["reference"] for q in client.get("/api/v1/queries/", params).json()["results"]]


def test_third_country_never_sees_it_in_the_api_list_search_or_filters(
    outsider_api, query_kz_uz, query_tj_kz, focal_uz
):
    party = APIClient()
    party.force_authenticate(focal_uz)
    for params in SEARCHES:
        assert _api_refs(outsider_api, params) == [query_tj_kz.reference], params
        assert _api_refs(party, params) == [query_kz_uz.reference], params
    by_reference = {"q": query_kz_uz.reference}
    assert _api_refs(outsider_api, by_reference) == []
    assert _api_refs(party, by_reference) == [query_kz_uz.reference]


def _inbox_refs(client, params):
    response = client.get(reverse("exchange:inbox"), params)
    assert response.status_code == 200
    return response, [q.reference for q in response.context["page"]]


def test_third_country_never_sees_it_in_the_inbox_or_search(
    client, focal_tj, focal_uz, query_kz_uz, query_tj_kz
):
    params_list = ({}, {"q": VALID_CONTAINER}, {"q": "napkins"}, {"country": "KZ"})
    client.force_login(focal_tj)
    for params in params_list:
        response, refs = _inbox_refs(client, params)
        assert refs == [query_tj_kz.reference], params
        assert f'data-reference="{query_kz_uz.reference}"'.encode() not in response.content
    assert _inbox_refs(client, {"q": query_kz_uz.reference})[1] == []
    client.force_login(focal_uz)
    for params in (*params_list, {"q": query_kz_uz.reference}):
        assert _inbox_refs(client, params)[1] == [query_kz_uz.reference], params


def test_third_country_bell_counts_only_its_own(
    client, focal_tj, focal_uz, query_kz_uz, query_tj_kz, focal_kz
):
    addressed_to_tj = file_query(focal_kz, recipients=["TJ"])
    Alert.objects.update(sent_at=query_kz_uz.created_at)
    client.force_login(focal_tj)
    response = client.get(reverse("exchange:inbox"))
    # TJ's one unread notification is about the query addressed to it, none about KZ–UZ.
    assert response.context["exchange_bell"]["unread"] == 1
    assert set(
        Alert.objects.filter(recipient=focal_tj, channel=AlertChannel.PORTAL).values_list(
            "query_id", flat=True
        )
    ) == {addressed_to_tj.pk}
    client.force_login(focal_uz)
    assert client.get(reverse("exchange:inbox")).context["exchange_bell"]["unread"] == 1


def test_third_country_member_admin_gets_404(client, tj, query_kz_uz):
    admin_tj = member_user(tj, RoleName.MEMBER_ADMIN, username="admin.tj")
    client.force_login(admin_tj)
    assert client.get(reverse("exchange:detail", args=[query_kz_uz.pk])).status_code == 404


def test_analyst_of_a_party_country_gets_404(client, analyst_kz, query_kz_uz):
    client.force_login(analyst_kz)
    assert client.get(reverse("exchange:detail", args=[query_kz_uz.pk])).status_code == 404


def test_officer_of_an_unnamed_unit_gets_404(client, uz, query_kz_uz):
    officer = member_user(uz, RoleName.UNIT_OFFICER, username="officer.uz")
    client.force_login(officer)
    assert client.get(reverse("exchange:detail", args=[query_kz_uz.pk])).status_code == 404


def test_officer_of_the_named_unit_sees_it(client, focal_kz, uz):
    unit = ControlUnitFactory(member=uz)
    officer = member_user(uz, RoleName.UNIT_OFFICER, username="officer.uz", control_unit=unit)
    query = file_query(focal_kz, recipients=["UZ"], recipient_units=[unit.code])
    client.force_login(officer)
    assert client.get(reverse("exchange:detail", args=[query.pk])).status_code == 200
    assert Alert.objects.filter(query=query, recipient=officer).exists()


def test_recipient_member_admin_reads_it(client, query_kz_uz, admin_uz):
    client.force_login(admin_uz)
    assert client.get(reverse("exchange:detail", args=[query_kz_uz.pk])).status_code == 200


def test_network_admin_gets_404_on_content(client, admin_user, query_kz_uz):
    client.force_login(admin_user)
    assert client.get(reverse("exchange:detail", args=[query_kz_uz.pk])).status_code == 404


def test_network_admin_sees_counts_without_content(client, admin_user, query_kz_uz):
    client.force_login(admin_user)
    response = client.get(reverse("exchange:figures"))
    assert response.status_code == 200
    assert query_kz_uz.subject.encode() not in response.content
    assert query_kz_uz.reference.encode() not in response.content


def test_third_country_gets_404_on_figures(client, focal_tj):
    client.force_login(focal_tj)
    assert client.get(reverse("exchange:figures")).status_code == 404


def test_third_country_notifications_never_include_it(
    outsider_api, query_kz_uz, focal_kz, focal_uz
):
    addressed_to_tj = file_query(focal_kz, recipients=["TJ"])
    Alert.objects.filter(channel=AlertChannel.PORTAL).update(sent_at=query_kz_uz.created_at)
    data = outsider_api.get("/api/v1/notifications/").json()
    assert [n["reference"] for n in data["results"]] == [addressed_to_tj.reference]
    party = APIClient()
    party.force_authenticate(focal_uz)
    data = party.get("/api/v1/notifications/").json()
    assert [n["reference"] for n in data["results"]] == [query_kz_uz.reference]


def test_notifications_vanish_when_the_person_loses_the_role(query_kz_uz, focal_uz):
    from members import permissions

    Alert.objects.filter(channel=AlertChannel.PORTAL).update(sent_at=query_kz_uz.created_at)
    client = APIClient()
    client.force_authenticate(focal_uz)
    assert len(client.get("/api/v1/notifications/").json()["results"]) == 1
    focal_uz.groups.clear()
    permissions.forget(focal_uz)
    assert client.get("/api/v1/notifications/").json()["results"] == []
