"""The whole loop through real endpoints: GE files to UZ, UZ's watch list makes it red, UZ's
officer and focal point are alerted by mail, UZ records arrival with a broken seal and an
outcome linked to a seizure report, GE is alerted and sees the outcome."""

from alerts.models import Alert
from alerts.subjects import alert_subject
from matching.lists import watch_entry_create
from seizures.services import seizure_report_create
from tests.seizures.conftest import row

from .conftest import client_for, notice_data

URL = "/api/v1/arrivals/"


def test_the_whole_loop_ge_to_uz(
    officer_ge, focal_ge, officer_uz, focal_uz, smtp_server, django_capture_on_commit_callbacks
):
    watch_entry_create(
        user=focal_uz, kind="container", value="CSQU3054383", note="Tip from the hotline."
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(officer_ge).post(URL, notice_data(), format="json")
    assert response.status_code == 201
    notice_id = response.json()["id"]

    detail = client_for(officer_uz).get(f"{URL}{notice_id}/").json()
    assert detail["screening"]["lane"] == "red"
    assert detail["screening"]["reasons"][0]["source"] == "watchlist"
    assert "screening" not in client_for(officer_ge).get(f"{URL}{notice_id}/").json()

    messages = smtp_server.wait_for(2, timeout=5)
    recipients = sorted(m["to"][0] for m in messages)
    assert recipients == [focal_uz.email, officer_uz.email]
    assert all(detail["reference"] in m["message"]["Subject"] for m in messages)
    # The mail names the notice, never the screening's reasons.
    assert all("hotline" not in smtp_server.body(i).lower() for i in range(2))

    arrived = client_for(officer_uz).post(
        f"{URL}{notice_id}/arrived/",
        {"containers": [{"number": "CSQU3054383", "seals": ["UZ000001"]}], "gross_kg": 20000},
        format="json",
    )
    assert [d["kind"] for d in arrived.json()["discrepancies"]] == ["seal_changed"]

    report = seizure_report_create(
        user=officer_uz,
        data=row(
            reference="UZ-2026-777",
            member="UZ",
            destination_country="UZ",
            commodity="cigarettes",
            quantity="400000",
            unit="pieces",
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        closed = client_for(officer_uz).post(
            f"{URL}{notice_id}/outcome/",
            {"outcome": "seizure", "seizure_report": report.pk, "note": "Cigarettes under tiles."},
            format="json",
        )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"

    mails = smtp_server.wait_for(4, timeout=5)[2:]
    assert sorted(m["to"][0] for m in mails) == sorted([focal_ge.email, officer_ge.email])
    outcome_alerts = Alert.objects.filter(
        subject_type="arrival", subject_id=notice_id, event="arrival-outcome"
    )
    assert {a.recipient_id for a in outcome_alerts} == {focal_ge.pk, officer_ge.pk}
    assert alert_subject("arrival").link(outcome_alerts.first()) == f"/arrivals/{notice_id}/"

    seen_by_ge = client_for(officer_ge).get(f"{URL}{notice_id}/").json()
    assert seen_by_ge["outcome"] == "seizure"
    assert seen_by_ge["seizure_report"] == report.pk


def test_the_red_alert_reaches_nobody_on_the_sending_side(
    officer_ge, focal_ge, officer_uz, focal_uz
):
    watch_entry_create(user=focal_uz, kind="container", value="CSQU3054383")
    client_for(officer_ge).post(URL, notice_data(), format="json")
    alerted = set(Alert.objects.filter(event="arrival-red").values_list("recipient_id", flat=True))
    assert alerted == {officer_uz.pk, focal_uz.pk}
