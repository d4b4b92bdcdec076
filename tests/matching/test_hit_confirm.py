"""A hit is confirmed when a seizure report links its follow-up query: every confirmation
writes its audit event ``hit.confirm`` in the same transaction."""

import pytest
from rest_framework.test import APIClient

from matching import auditing
from matching import hits as matching_hits
from matching.models import Hit, HitState
from members.models import AuditEvent
from tests.factories.exchange import file_query

from .conftest import kz_report, tj_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(kz, tj, focal_tj):
    """TJ's container hit on KZ's report, asked about with a follow-up query to KZ."""
    kz_report(kz)
    tj_query(focal_tj, recipients=("KZ",))
    hit = Hit.objects.get(for_member=tj, kind="container")
    follow_up = file_query(focal_tj, recipients=["KZ"], handling_code="H1")
    return matching_hits.hit_ask(hit=hit, user=focal_tj, query=follow_up), follow_up


def _report(user, reference: str, query_id: int):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        "/api/v1/seizures/",
        {
            "reference": reference,
            "member": "KZ",
            "seized_on": "2026-05-20",
            "transport_mode": "sea-container",
            "commodity": "cigarettes",
            "quantity": "10000",
            "unit": "pieces",
            "sharing": "national",
            "query": str(query_id),
        },
        format="json",
    )


def test_a_report_linking_the_follow_up_query_confirms_the_hit_with_its_audit_event(
    asked, focal_kz
):
    hit, follow_up = asked
    assert not AuditEvent.objects.filter(action="hit.confirm").exists()

    response = _report(focal_kz, "KZ-FOLLOW-UP-1", follow_up.pk)

    assert response.status_code == 201, response.content
    hit.refresh_from_db()
    assert hit.state == HitState.CONFIRMED
    event = AuditEvent.objects.get(action="hit.confirm")
    assert (event.object_type, event.object_id, event.actor) == ("hit", hit.pk, focal_kz)
    assert event.detail["follow_up_query"] == follow_up.pk
    assert event.detail["seizure_report"] == response.json()["id"]


def test_a_report_linking_another_query_confirms_nothing_and_records_nothing(
    asked, focal_kz, focal_tj
):
    hit, _follow_up = asked
    other = file_query(focal_tj, recipients=["KZ"], handling_code="H1")

    assert _report(focal_kz, "KZ-OTHER-1", other.pk).status_code == 201

    hit.refresh_from_db()
    assert hit.state == HitState.ASKED
    assert not AuditEvent.objects.filter(action="hit.confirm").exists()


def test_a_confirmation_whose_audit_event_fails_is_not_kept(asked, focal_kz, monkeypatch):
    hit, follow_up = asked

    def fail(**_kwargs):
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(auditing, "audit_record", fail)
    with pytest.raises(RuntimeError):
        matching_hits.hits_confirm_for_query(
            query_id=follow_up.pk, user=focal_kz, seizure_report_id=1
        )

    hit.refresh_from_db()
    assert hit.state == HitState.ASKED
