"""The board and the notice page in the browser (Django test client)."""

import re

from django.urls import reverse

from matching.lists import watch_entry_create

from .conftest import client_for, notice_data


def _file(officer_ge, **changes):
    response = client_for(officer_ge).post(
        "/api/v1/arrivals/", notice_data(**changes), format="json"
    )
    assert response.status_code == 201
    return response.json()["id"]


def test_incoming_board_shows_the_lane_to_the_receiver(client, officer_ge, officer_uz, focal_uz):
    watch_entry_create(user=focal_uz, kind="container", value="CSQU3054383")
    _file(officer_ge)
    client.force_login(officer_uz)
    page = client.get(reverse("arrivals:board")).content.decode()
    assert 'data-lane="red"' in page
    assert "IREN-GE-ARR-" in page


def test_outgoing_board_never_shows_the_lane(client, officer_ge, officer_uz, focal_uz):
    watch_entry_create(user=focal_uz, kind="container", value="CSQU3054383")
    notice_id = _file(officer_ge)
    client.force_login(officer_ge)
    page = client.get(reverse("arrivals:board") + "?direction=outgoing").content.decode()
    assert "IREN-GE-ARR-" in page
    assert "lane-red" not in page
    detail = client.get(reverse("arrivals:detail", args=[notice_id])).content.decode()
    assert 'data-testid="screening"' not in detail
    assert "watch list" not in detail


def test_receiver_records_arrival_and_outcome_in_the_browser(client, officer_ge, officer_uz):
    notice_id = _file(officer_ge)
    client.force_login(officer_uz)
    detail = client.get(reverse("arrivals:detail", args=[notice_id])).content.decode()
    assert 'data-testid="screening"' in detail
    client.post(
        reverse("arrivals:arrived", args=[notice_id]),
        {"containers": "CSQU3054383 GE000000", "gross_kg": "20000"},
    )
    client.post(
        reverse("arrivals:outcome", args=[notice_id]),
        {"outcome": "examined_nothing_found", "note": ""},
    )
    page = client.get(reverse("arrivals:detail", args=[notice_id])).content.decode()
    assert 'data-kind="seal_changed">Seal changed: ' in page
    assert re.search(r'data-testid="notice-outcome">[^<]+<', page)


def test_third_country_gets_404_on_the_notice_page(client, officer_ge, officer_uz, focal_tj):
    notice_id = _file(officer_ge)
    client.force_login(focal_tj)
    assert client.get(reverse("arrivals:detail", args=[notice_id])).status_code == 404


def test_filing_form_files_a_notice(client, officer_ge, tashkent):
    client.force_login(officer_ge)
    response = client.post(
        reverse("arrivals:create"),
        {
            "to_member": "UZ",
            "to_unit": "UZ-TAS-PCU",
            "mode": "sea",
            "transport_document_kind": "bill_of_lading",
            "transport_document": "MEDU7777777",
            "expected_arrival": "2026-12-20 08:00",
            "containers": "CSQU3054383 S1;S2",
            "goods": "6907.21 | Tiles | 10 | 1000",
            "handling_code": "H0",
            "source_evaluation": "X",
            "information_evaluation": "4",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    detail = client.get(response["Location"]).content.decode()
    assert "MEDU7777777" in detail


def test_a_linked_seizure_report_shows_the_notice(client, officer_ge, officer_uz):
    from seizures.services import seizure_report_create
    from tests.seizures.conftest import row

    notice_id = _file(officer_ge)
    report = seizure_report_create(
        user=officer_uz, data=row(reference="UZ-1", member="UZ", destination_country="UZ")
    )
    client_for(officer_uz).post(
        f"/api/v1/arrivals/{notice_id}/outcome/",
        {"outcome": "seizure", "seizure_report": report.pk},
        format="json",
    )
    client.force_login(officer_uz)
    page = client.get(reverse("seizures:report-detail", args=[report.pk])).content.decode()
    assert 'data-testid="arrival-notices-panel"' in page
    assert reverse("arrivals:detail", args=[notice_id]) in page
