"""Seizure writes through the real pages, API and Django admin leave exactly one event each:
a report created (form and API), an import (one event per file with its row count, in the
request and through the Celery job), an operation created, the vocabulary changed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import AuditEvent
from seizures.models import Commodity, ImportJob, Operation, SeizureReport
from tests.factories import UserFactory
from tests.seizures.conftest import csv_bytes, row, xlsx_bytes

from .conftest import events, only_event


@pytest.fixture(autouse=True)
def _vocabulary(db):
    from seizures.vocabulary import ensure_commodities

    ensure_commodities()


def _not_auth():
    return AuditEvent.objects.exclude(action__startswith="auth.")


FORM = {
    "reference": "KZ-F-1",
    "member": "KZ",
    "seized_on": "2024-02-01",
    "transport_mode": "air-cargo",
    "commodity": "pregabalin",
    "quantity": "1200",
    "unit": "pills",
    "sharing": "national",
    "persons_detained": "0",
}


def _assert_on_report(event, *, actor, report):
    assert event.actor == actor and event.actor_member_id == actor.member_id
    assert (event.object_type, event.object_id) == ("seizure_report", report.pk)
    assert event.object_reference == report.reference
    assert event.member_codes == ["KZ"]


def test_entry_form_records_the_report(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.post(reverse("seizures:report-new"), FORM, HTTP_X_REQUEST_ID="req-seize-0001")
    assert response.status_code == 302
    event = only_event("seizure.create")
    _assert_on_report(event, actor=analyst_kz, report=SeizureReport.objects.get())
    assert event.request_id == "req-seize-0001"


def test_refused_entry_records_nothing(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.post(reverse("seizures:report-new"), {**FORM, "commodity": "heroin"})
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not _not_auth().exists()


def test_api_entry_records_the_report(client, analyst_kz):
    client.force_login(analyst_kz)
    payload = {
        "reference": "KZ-API-1",
        "member": "KZ",
        "seized_on": "2024-05-01",
        "transport_mode": "road",
        "commodity": "heroin",
        "quantity": "12.5",
        "unit": "kg",
        "sharing": "network",
    }
    response = client.post(reverse("seizure-list"), payload, content_type="application/json")
    assert response.status_code == 201, response.content
    _assert_on_report(
        only_event("seizure.create"), actor=analyst_kz, report=SeizureReport.objects.get()
    )


def test_member_outside_scope_enters_nothing_and_nothing_is_recorded(client, analyst_tj):
    client.force_login(analyst_tj)
    response = client.post(reverse("seizure-list"), {**FORM}, content_type="application/json")
    assert response.status_code == 400
    assert not _not_auth().exists()


# --- Imports -----------------------------------------------------------------------------------


def _assert_import(event, *, actor, rows, filename):
    assert event.actor == actor and event.actor_member_id == actor.member_id
    assert event.object_type == "seizure_report" and event.object_id is None
    assert event.member_codes == ["KZ"]
    assert event.detail["rows"] == rows and event.detail["filename"] == filename


def test_small_import_in_the_request_records_one_event(client, analyst_kz):
    client.force_login(analyst_kz)
    content = csv_bytes([row(reference=f"S{i}") for i in range(3)])
    response = client.post(
        reverse("seizures:import"), {"file": SimpleUploadedFile("three.csv", content)}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.imported == 3
    event = only_event("seizures.import")
    _assert_import(event, actor=analyst_kz, rows=3, filename="three.csv")
    assert event.detail["job"] == job.pk
    assert events("seizure.create") == []  # one event per import, not per row


def test_large_import_through_the_celery_job_records_one_event(
    client, analyst_kz, settings, django_capture_on_commit_callbacks
):
    settings.SEIZURES_IMPORT_SYNC_MAX_ROWS = 3
    rows = [row(reference=f"B{i}") for i in range(5)]
    client.force_login(analyst_kz)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(
            reverse("seizures:import"), {"file": SimpleUploadedFile("b.xlsx", xlsx_bytes(rows))}
        )
    assert ImportJob.objects.get().status == "pending"
    assert events("seizures.import") == []
    for callback in callbacks:  # hands the job to Celery (in-process in tests)
        callback()
    job = ImportJob.objects.get()
    assert (job.status, job.imported) == ("succeeded", 5)
    event = only_event("seizures.import")
    _assert_import(event, actor=analyst_kz, rows=5, filename="b.xlsx")
    assert event.detail["job"] == job.pk
    # Run again (a redelivered task): nothing more is imported or recorded.
    from seizures.tasks import run_seizure_import

    run_seizure_import.apply(args=[job.pk])
    assert len(events("seizures.import")) == 1


def test_api_import_records_one_event(client, analyst_kz):
    client.force_login(analyst_kz)
    content = csv_bytes([row(reference="A1"), row(reference="A2")])
    response = client.post(
        reverse("seizure-import-file"), {"file": SimpleUploadedFile("api.csv", content)}
    )
    assert response.status_code == 201, response.content
    _assert_import(only_event("seizures.import"), actor=analyst_kz, rows=2, filename="api.csv")


def test_rejected_import_records_nothing(client, analyst_kz):
    client.force_login(analyst_kz)
    content = csv_bytes([row(reference="A"), row(reference="B", quantity="0")])
    response = client.post(
        reverse("seizure-import-file"), {"file": SimpleUploadedFile("bad.csv", content)}
    )
    assert response.status_code == 400
    assert SeizureReport.objects.count() == 0
    assert events("seizures.import") == []


# --- Operations and the vocabulary -------------------------------------------------------------


def test_operation_created_in_the_browser_is_recorded(client, focal_kz, kz, uz):
    client.force_login(focal_kz)
    response = client.post(
        reverse("seizures:operation-new"),
        {
            "code": "nicotiana",
            "name": "Nicotiana",
            "coordinating_member": kz.pk,
            "participating_members": [uz.pk],
            "starts_on": "2022-10-01",
            "ends_on": "2022-12-31",
            "target_categories": ["tobacco"],
        },
    )
    assert response.status_code == 302
    operation = Operation.objects.get()
    event = only_event("operation.create")
    assert event.actor == focal_kz
    assert (event.object_type, event.object_id) == ("operation", operation.pk)
    assert event.object_reference == "nicotiana"
    assert event.member_codes == ["KZ", "UZ"]


def test_operation_refused_records_nothing(client, focal_kz, uz):
    client.force_login(focal_kz)
    response = client.post(
        reverse("seizures:operation-new"),
        {
            "code": "x",
            "name": "X",
            "coordinating_member": uz.pk,
            "starts_on": "2022-10-01",
            "ends_on": "2022-12-31",
        },
    )
    assert "coordinating_member" in response.context["form"].errors
    assert events("operation.create") == []


def test_commodity_added_on_the_portal_is_recorded(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("seizures:commodities"),
        {"code": "caviar", "name": "Caviar", "category": "cites", "dimensions": ["mass"]},
    )
    assert response.status_code == 302
    commodity = Commodity.objects.get(code="caviar")
    event = only_event("vocabulary.change")
    assert event.actor == admin_user and event.actor_member is None
    assert (event.object_type, event.object_id) == ("commodity", commodity.pk)
    assert event.object_reference == "caviar"
    assert event.detail == {"change": "create", "fields": []}


def test_analyst_adding_a_commodity_records_nothing(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.post(
        reverse("seizures:commodities"),
        {"code": "caviar", "name": "Caviar", "category": "cites", "dimensions": ["mass"]},
    )
    assert response.status_code == 404
    assert events("vocabulary.change") == []


def test_commodity_changed_in_the_django_admin_is_recorded(client, db):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    commodity = Commodity.objects.get(code="heroin")
    client.force_login(root)
    url = reverse("admin:seizures_commodity_change", args=[commodity.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, bool)
    }
    data.update(
        {name: "on" for name, value in form.initial.items() if value is True},
        name="Heroin (diacetylmorphine)",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = only_event("vocabulary.change")
    assert event.actor == root
    assert (event.object_type, event.object_id) == ("commodity", commodity.pk)
    assert event.object_reference == "heroin"
    assert event.detail == {"change": "update", "fields": ["name"]}
