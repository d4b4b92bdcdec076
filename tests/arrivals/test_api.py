"""The notice API from every side: filing (field rules), reading (sender, receiver, third
country, network admin, suspended member), arrival and outcome."""

import pytest

from arrivals.models import ArrivalNotice
from members.models import MemberStatus
from members.permissions import forget
from tests.factories import network_admin

from .conftest import client_for, notice_data

URL = "/api/v1/arrivals/"


@pytest.fixture
def filed(officer_ge, officer_uz, focal_uz, tj):
    response = client_for(officer_ge).post(URL, notice_data(), format="json")
    assert response.status_code == 201, response.json()
    return ArrivalNotice.objects.get(pk=response.json()["id"])


def test_filing_answers_id_reference_and_expected(officer_ge, tashkent):
    response = client_for(officer_ge).post(URL, notice_data(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "expected"
    assert body["reference"].startswith("IREN-GE-ARR-")
    notice = ArrivalNotice.objects.get(pk=body["id"])
    assert notice.from_unit.code == "GE-PTI-PCU"
    assert notice.handling_code == "H0"
    assert notice.source_evaluation == "X"
    assert notice.information_evaluation == "4"


@pytest.mark.parametrize(
    "field, value",
    [
        ("vessel_imo", "9074728"),
        ("transport_document_kind", "telegram"),
        ("mode", "pipeline"),
        ("place_of_loading", "XXPTI"),
        ("place_of_discharge", "GE"),
        ("transit_countries", ["AZ", "QQ"]),
        ("shipper_country", "Georgia"),
        ("containers", [{"number": "CSQU3054384", "seals": []}]),
        ("goods", [{"description": "tiles", "hs_code": "69"}]),
        ("expected_arrival", "next week"),
        ("to_member", "FR"),
        ("to_unit", "GE-PTI-PCU"),
        ("handling_code", "H9"),
    ],
)
def test_a_bad_field_is_named_in_a_400(officer_ge, tashkent, field, value):
    response = client_for(officer_ge).post(URL, notice_data(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ArrivalNotice.objects.exists()


def test_air_waybill_check_digit(officer_ge, tashkent):
    data = notice_data(
        mode="air", transport_document_kind="air_waybill", transport_document="176-12345676"
    )
    response = client_for(officer_ge).post(URL, data, format="json")
    assert response.status_code == 400
    assert "transport_document" in response.json()
    data["transport_document"] = "176-12345675"
    assert client_for(officer_ge).post(URL, data, format="json").status_code == 201


def test_h3_needs_its_restrictions(officer_ge, tashkent):
    response = client_for(officer_ge).post(URL, notice_data(handling_code="H3"), format="json")
    assert response.status_code == 400
    assert "handling_restrictions" in response.json()


def test_a_notice_cannot_go_to_the_senders_own_member(officer_ge, tashkent):
    response = client_for(officer_ge).post(
        URL, notice_data(to_member="GE", to_unit=""), format="json"
    )
    assert response.status_code == 400
    assert "to_member" in response.json()


def test_an_officer_files_only_from_their_own_unit(officer_ge, ge, tashkent):
    from tests.factories import ControlUnitFactory

    ControlUnitFactory(member=ge, code="GE-BUS-PCU")
    response = client_for(officer_ge).post(URL, notice_data(from_unit="GE-BUS-PCU"), format="json")
    assert response.status_code == 400
    assert "from_unit" in response.json()


def test_receiving_side_reads_the_screening(filed, officer_uz, analyst_uz):
    for user in (officer_uz, analyst_uz):
        body = client_for(user).get(f"{URL}{filed.pk}/").json()
        assert body["screening"]["lane"] == "green"


def test_sender_never_reads_the_screening(filed, officer_ge, focal_ge):
    for user in (officer_ge, focal_ge):
        response = client_for(user).get(f"{URL}{filed.pk}/")
        assert response.status_code == 200
        assert "screening" not in response.json()
        assert "lane" not in response.json()
        listed = client_for(user).get(URL).json()["results"]
        assert [n["id"] for n in listed] == [filed.pk]
        assert "screening" not in listed[0]


def test_third_country_gets_404(filed, focal_tj):
    assert client_for(focal_tj).get(f"{URL}{filed.pk}/").status_code == 404
    assert client_for(focal_tj).get(URL).json()["results"] == []


def test_network_admin_gets_404(filed):
    admin = network_admin()
    assert client_for(admin).get(f"{URL}{filed.pk}/").status_code == 404
    assert client_for(admin).get(URL).json()["results"] == []


def test_suspended_member_gets_nothing(filed, officer_uz, uz):
    uz.status = MemberStatus.SUSPENDED
    uz.save()
    forget(officer_uz)
    # (A suspended member's people are refused at sign-in already: 401.)
    response = client_for(officer_uz).get(f"{URL}{filed.pk}/")
    assert response.status_code in (401, 404)
    assert "reference" not in response.json()
    response = client_for(officer_uz).post(
        f"{URL}{filed.pk}/arrived/", {"containers": []}, format="json"
    )
    assert response.status_code in (401, 404)
    filed.refresh_from_db()
    assert filed.status == "expected"


def test_direction_filters(filed, officer_ge, officer_uz):
    assert client_for(officer_uz).get(URL, {"direction": "outgoing"}).json()["results"] == []
    incoming = client_for(officer_uz).get(URL, {"direction": "incoming"}).json()["results"]
    assert [n["id"] for n in incoming] == [filed.pk]
    assert client_for(officer_ge).get(URL, {"direction": "incoming"}).json()["results"] == []


def test_the_lane_filter_shows_the_sender_nothing(filed, officer_ge, officer_uz):
    assert client_for(officer_ge).get(URL, {"lane": "green"}).json()["results"] == []
    assert len(client_for(officer_uz).get(URL, {"lane": "green"}).json()["results"]) == 1


def test_identifier_search(filed, officer_uz):
    found = client_for(officer_uz).get(URL, {"identifier": "csqu 305438-3"}).json()["results"]
    assert [n["id"] for n in found] == [filed.pk]
    assert client_for(officer_uz).get(URL, {"identifier": "MSCU1234566"}).json()["results"] == []


def test_window_and_status_filters(filed, officer_uz):
    after = filed.expected_arrival.isoformat()
    assert len(client_for(officer_uz).get(URL, {"expected_after": after}).json()["results"]) == 1
    assert client_for(officer_uz).get(URL, {"expected_before": after}).json()["results"] == []
    assert client_for(officer_uz).get(URL, {"status": "closed"}).json()["results"] == []


def test_sender_gets_404_on_arrival_and_outcome(filed, officer_ge, focal_ge):
    for user in (officer_ge, focal_ge):
        client = client_for(user)
        assert client.post(f"{URL}{filed.pk}/arrived/", {}, format="json").status_code == 404
        response = client.post(
            f"{URL}{filed.pk}/outcome/", {"outcome": "not_examined"}, format="json"
        )
        assert response.status_code == 404
    filed.refresh_from_db()
    assert filed.status == "expected"


def test_arrival_finds_discrepancies(filed, officer_uz, settings):
    settings.ARRIVALS_MASS_TOLERANCE = 5
    response = client_for(officer_uz).post(
        f"{URL}{filed.pk}/arrived/",
        {
            "arrived_at": filed.expected_arrival.isoformat(),
            "containers": [
                {"number": "CSQU3054383", "seals": ["GE999999"]},
                {"number": "MSCU1234566", "seals": []},
            ],
            "gross_kg": 21500,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "arrived"
    kinds = sorted(d["kind"] for d in body["discrepancies"])
    assert kinds == ["container_extra", "mass", "seal_changed"]


def test_mass_within_tolerance_is_no_discrepancy(filed, officer_uz):
    response = client_for(officer_uz).post(
        f"{URL}{filed.pk}/arrived/",
        {"containers": [{"number": "CSQU3054383", "seals": ["GE123456"]}], "gross_kg": 20900},
        format="json",
    )
    assert response.json()["discrepancies"] == []


def test_missing_container(filed, officer_uz):
    response = client_for(officer_uz).post(
        f"{URL}{filed.pk}/arrived/", {"containers": [], "gross_kg": 20000}, format="json"
    )
    assert [d["kind"] for d in response.json()["discrepancies"]] == ["container_missing"]


def test_seizure_outcome_needs_a_report(filed, officer_uz):
    response = client_for(officer_uz).post(
        f"{URL}{filed.pk}/outcome/", {"outcome": "seizure"}, format="json"
    )
    assert response.status_code == 400
    assert "seizure_report" in response.json()


def test_outcome_closes_and_the_sender_sees_it(filed, officer_uz, officer_ge):
    response = client_for(officer_uz).post(
        f"{URL}{filed.pk}/outcome/",
        {"outcome": "examined_nothing_found", "note": "Scanned, clean."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    body = client_for(officer_ge).get(f"{URL}{filed.pk}/").json()
    assert body["outcome"] == "examined_nothing_found"
    assert body["status"] == "closed"


def test_receiving_analyst_may_read_but_not_act(filed, analyst_uz):
    response = client_for(analyst_uz).post(
        f"{URL}{filed.pk}/outcome/", {"outcome": "not_examined"}, format="json"
    )
    assert response.status_code == 403


def test_reads_are_audited(filed, officer_uz):
    from members.models import AuditEvent

    client_for(officer_uz).get(f"{URL}{filed.pk}/")
    assert AuditEvent.objects.filter(action="arrival.read", object_id=filed.pk).count() == 1
    assert AuditEvent.objects.filter(action="arrival.file", object_id=filed.pk).count() == 1


def test_the_first_page_follows_new_notices_and_a_lost_role(filed, officer_ge, officer_uz):
    client = client_for(officer_uz)
    first = client.get(URL, {"direction": "incoming"}).json()
    assert first["count"] == 1
    assert [n["id"] for n in first["results"]] == [filed.pk]
    second = client_for(officer_ge).post(URL, notice_data(), format="json").json()["id"]
    paged = client.get(URL, {"direction": "incoming", "page_size": 1}).json()
    assert paged["count"] == 2
    assert len(paged["results"]) == 1
    assert paged["next"]
    rest = client.get(paged["next"]).json()["results"]
    assert {paged["results"][0]["id"], rest[0]["id"]} == {filed.pk, second}
    # The person loses their role: the same first page, asked again, shows nothing.
    officer_uz.groups.clear()
    forget(officer_uz)
    after = client.get(URL, {"direction": "incoming"}).json()
    assert after["count"] == 0
    assert after["results"] == []
    assert client.get(f"{URL}{filed.pk}/").status_code == 404
