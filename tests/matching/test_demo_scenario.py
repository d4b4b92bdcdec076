"""The issue's "Must show" on the demo network, through the real paths: analyst.kz imports a
national report through the import endpoint, focal.tj files queries through the API and the
filing form, and each side reads its hits through the API and the Hits page."""

import csv
import html
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from exchange.models import Query
from matching.models import Hit
from members.models import AuditEvent
from seizures.columns import IMPORT_COLUMNS
from seizures.models import SeizureReport

CONTAINER = "CSQU3054383"
KZ_REFERENCE = "KZ-NAT-2026-0042"
User = get_user_model()


@pytest.fixture(scope="module")
def _demo_network(django_db_setup, django_db_blocker):
    """``seed_demo`` once for the module inside a transaction rolled back at the end; each test
    runs in its own savepoint within it."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", "--password=demo-Password-2026", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def network(_demo_network, db):
    return {name: User.objects.get(username=name) for name in ("analyst.kz", "focal.tj")}


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _import_kz_report(analyst, *, reference=KZ_REFERENCE, container=CONTAINER):
    """analyst.kz imports one national report through ``POST /api/v1/seizures/import/``."""
    columns = [*IMPORT_COLUMNS, "consignee"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerow(
        {
            "reference": reference,
            "seized_on": "2026-05-12",
            "member": "KZ",
            "control_unit": "",
            "commodity": "heroin",
            "quantity": "12.5",
            "unit": "kg",
            "transport_mode": "sea-container",
            "origin_country": "AF",
            "destination_country": "KZ",
            "container_number": container,
            "concealment": "machine parts",
            "detection_method": "x-ray",
            "persons_detained": "2",
            "operation": "",
            "sharing": "national",
            "consignee": "ТОО «Aktau Ceramics»",
        }
    )
    upload = SimpleUploadedFile("kz.csv", buffer.getvalue().encode(), content_type="text/csv")
    response = _api(analyst).post("/api/v1/seizures/import/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    return SeizureReport.objects.get(reporting_member__code="KZ", reference=reference)


def _tj_files(focal_tj, handling_code: str) -> Query:
    """focal.tj files a query to UZ through ``POST /api/v1/queries/``."""
    data = {
        "kind": "request",
        "priority": "urgent",
        "handling_code": handling_code,
        "subject": "TJ-CONFIDENTIAL ceramics consignment",
        "body": "Please check the consignment on arrival.",
        "recipients": ["UZ"],
        "container_numbers": [CONTAINER],
        "consignee": "AKTAU CERAMICS, LLP",
    }
    response = _api(focal_tj).post("/api/v1/queries/", data, format="json")
    assert response.status_code == 201, response.content
    return Query.objects.get(pk=response.json()["id"])


def _about(report=None, query=None):
    if report is not None:
        return Hit.objects.filter(holder_record_type="seizure", holder_record_id=report.pk)
    return Hit.objects.filter(holder_record_type="query", holder_record_id=query.pk)


def test_h1_query_tj_and_kz_learn_uz_does_not_and_ask_kz_prefills(network, client):
    analyst_kz, focal_tj = network["analyst.kz"], network["focal.tj"]
    report = _import_kz_report(analyst_kz)
    query = _tj_files(focal_tj, "H1")

    # TJ learns that KZ holds a record, for the container and for the consignee; no reference.
    tj_hits = _about(report=report).filter(for_member__code="TJ")
    assert {h.kind for h in tj_hits} == {"container", "company"}
    body = _api(focal_tj).get("/api/v1/hits/", {"kind": "container"}).content.decode()
    assert '"holder":"KZ"' in body and KZ_REFERENCE not in body
    items = [
        i
        for i in _api(focal_tj).get("/api/v1/hits/").json()["results"]
        if i["holder"] == "KZ" and i["holder_record"]["type"] == "seizure"
    ]
    assert len(items) == 2
    assert all(
        i["holder_record"] == {"type": "seizure", "id": None, "reference": None} for i in items
    )
    assert all(i["record"]["reference"] == query.reference for i in items)

    # KZ learns that TJ holds a query, without its reference (KZ is no party).
    kz_hits = _about(query=query).filter(for_member__code="KZ")
    assert {h.kind for h in kz_hits} == {"container", "company"}
    kz_body = _api(analyst_kz).get("/api/v1/hits/").content.decode()
    assert '"holder":"TJ"' in kz_body
    assert query.reference not in kz_body and "TJ-CONFIDENTIAL" not in kz_body

    # UZ (the query's recipient) learns nothing of KZ's national report.
    assert not _about(report=report).filter(for_member__code="UZ").exists()
    focal_uz = User.objects.get(username="focal.uz")
    uz_body = _api(focal_uz).get("/api/v1/hits/").content.decode()
    assert KZ_REFERENCE not in uz_body

    # "Ask KZ" on TJ's Hits page opens the filing form pre-filled, linked to the hit.
    client.force_login(focal_tj)
    page = client.get("/matching/hits/", {"kind": "container"}).content.decode()
    links = [html.unescape(h) for h in re.findall(r'href="(/queries/new/\?[^"]+)"', page)]
    hit = tj_hits.get(kind="container")
    link = next(h for h in links if f"hit={hit.pk}" in h)
    assert "recipients=KZ" in link and f"container_numbers={CONTAINER}" in link
    form = client.get(link).content.decode()
    assert re.search(r'<input[^>]*value="KZ"[^>]*checked', form)
    assert re.search(rf'name="container_numbers"[^>]*value="{CONTAINER}"', form)
    assert re.search(rf'type="hidden" name="hit" value="{hit.pk}"', form)

    # Filing it records the follow-up query on the hit (asked) and in the audit trail.
    response = client.post(
        "/queries/new/",
        {
            "recipients": ["KZ"],
            "kind": "request",
            "priority": "high",
            "handling_code": "H1",
            "source_evaluation": "X",
            "information_evaluation": "4",
            "subject": "Your record on CSQU3054383",
            "body": "Matching says you hold a record on this container; please tell us more.",
            "container_numbers": CONTAINER,
            "hit": hit.pk,
            "draft": "",
        },
    )
    assert response.status_code == 302
    hit.refresh_from_db()
    follow_up = Query.objects.get(subject="Your record on CSQU3054383")
    assert hit.state == "asked" and hit.follow_up_query_id == follow_up.pk
    assert AuditEvent.objects.filter(action="hit.ask", object_id=hit.pk).exists()

    # KZ links a seizure report to the follow-up query: the hit is confirmed.
    focal_kz = User.objects.get(username="focal.kz")
    created = _api(focal_kz).post(
        "/api/v1/seizures/",
        {
            "reference": "KZ-FOLLOW-UP-1",
            "member": "KZ",
            "seized_on": "2026-05-20",
            "transport_mode": "sea-container",
            "commodity": "heroin",
            "quantity": "3",
            "unit": "kg",
            "sharing": "national",
            "query": str(follow_up.pk),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    hit.refresh_from_db()
    assert hit.state == "confirmed"


def test_h2_query_tj_learns_kz_does_not(network):
    analyst_kz, focal_tj = network["analyst.kz"], network["focal.tj"]
    report = _import_kz_report(analyst_kz)
    query = _tj_files(focal_tj, "H2")
    assert {h.kind for h in _about(report=report).filter(for_member__code="TJ")} == {
        "container",
        "company",
    }
    assert not _about(query=query).filter(for_member__code="KZ").exists()
    kz_body = _api(analyst_kz).get("/api/v1/hits/").content.decode()
    assert '"holder":"TJ"' not in kz_body and query.reference not in kz_body


def test_ask_link_to_someone_elses_hit_is_a_404(network, client):
    analyst_kz, focal_tj = network["analyst.kz"], network["focal.tj"]
    _import_kz_report(analyst_kz)
    query = _tj_files(focal_tj, "H1")
    kz_hit = _about(query=query).filter(for_member__code="KZ").first()
    client.force_login(focal_tj)
    response = client.get("/queries/new/", {"recipients": "KZ", "hit": kz_hit.pk})
    assert response.status_code == 404
    api = _api(focal_tj).post(
        "/api/v1/queries/",
        {"subject": "s", "body": "b", "recipients": ["KZ"], "hit": kz_hit.pk},
        format="json",
    )
    assert api.status_code == 400 and "hit" in api.json()
    kz_hit.refresh_from_db()
    assert kz_hit.state == "new" and kz_hit.follow_up_query_id is None


def test_watchlist_entry_raises_a_hit_on_a_later_import(network):
    analyst_kz, focal_tj = network["analyst.kz"], network["focal.tj"]
    watched = "MSCU1234566"
    created = _api(focal_tj).post(
        "/api/v1/watchlist/",
        {"kind": "container", "value": watched, "note": "Known route"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert not Hit.objects.filter(for_member__code="TJ", value=watched).exists()
    report = _import_kz_report(analyst_kz, reference="KZ-NAT-2026-0043", container=watched)
    hit = Hit.objects.get(for_member__code="TJ", value=watched)
    assert hit.record_type == "watch" and hit.holder_record_id == report.pk
    assert hit.holder_visible is False and hit.holder_member.code == "KZ"
    body = _api(focal_tj).get("/api/v1/hits/").content.decode()
    assert watched in body and "KZ-NAT-2026-0043" not in body
