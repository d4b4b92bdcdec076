"""Idempotency-Key on filing, reply and import: a retry returns the first answer and does
nothing twice; the same key with another body is a 422; keys are per user."""

import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from exchange.models import Alert, Query, Reply
from members.models import IdempotencyKey, RoleName
from seizures.models import SeizureReport
from tests.factories import member_user
from tests.factories.exchange import VALID_CONTAINER, file_query
from tests.seizures.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "kind": "risk-alert",
    "priority": "urgent",
    "handling_code": "H1",
    "source_evaluation": "A",
    "information_evaluation": "2",
    "subject": "Heroin concealed in machine parts",
    "body": "High-risk container en route to Tashkent.",
    "recipients": ["UZ"],
    "container_numbers": [VALID_CONTAINER],
}


def api_as(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def file_with_key(user, key, payload=PAYLOAD):
    return api_as(user).post("/api/v1/queries/", payload, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_with_the_same_key_returns_the_first_query_and_files_nothing_new(
    focal_kz, focal_uz
):
    first = file_with_key(focal_kz, "3f1c2a4e-retry")
    assert first.status_code == 201
    counts = Query.objects.count(), Alert.objects.count()

    retry = file_with_key(focal_kz, "3f1c2a4e-retry")

    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert retry.json()["id"] == Query.objects.get().pk
    assert (Query.objects.count(), Alert.objects.count()) == counts == (1, counts[1])
    assert "Idempotent-Replayed" not in first


def test_the_same_key_with_a_different_body_is_422_and_files_nothing(focal_kz, focal_uz):
    assert file_with_key(focal_kz, "key-1").status_code == 201

    response = file_with_key(focal_kz, "key-1", {**PAYLOAD, "subject": "Another subject"})

    assert response.status_code == 422
    assert "different request" in response.json()["detail"]
    assert Query.objects.count() == 1


def test_another_user_with_the_same_key_is_independent(focal_kz, focal_uz):
    focal_kz_2 = member_user(focal_kz.member, RoleName.FOCAL_POINT, username="focal2.kz")
    first = file_with_key(focal_kz, "shared-key")
    second = file_with_key(focal_kz_2, "shared-key")
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert first.json()["id"] != second.json()["id"]
    assert Query.objects.count() == 2


def test_without_the_header_each_post_files_a_query(focal_kz, focal_uz):
    api = api_as(focal_kz)
    api.post("/api/v1/queries/", PAYLOAD, format="json")
    api.post("/api/v1/queries/", PAYLOAD, format="json")
    assert Query.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_a_refused_request_does_not_use_up_its_key(focal_kz, focal_uz):
    refused = file_with_key(focal_kz, "fix-and-retry", {**PAYLOAD, "recipients": ["XX"]})
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()

    accepted = file_with_key(focal_kz, "fix-and-retry")
    assert accepted.status_code == 201
    assert Query.objects.count() == 1


def test_a_key_past_its_validity_is_a_new_request(focal_kz, focal_uz, settings):
    file_with_key(focal_kz, "old-key")
    IdempotencyKey.objects.update(
        created_at=timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS + 1)
    )
    response = file_with_key(focal_kz, "old-key")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Query.objects.count() == 2


def test_an_overlong_key_is_a_field_error(focal_kz, focal_uz):
    response = file_with_key(focal_kz, "k" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert Query.objects.count() == 0


def test_a_reply_retry_writes_one_reply(focal_kz, focal_uz):
    query = file_query(focal_kz)
    api = api_as(focal_uz)
    url = f"/api/v1/queries/{query.pk}/replies/"
    body = {"body": "Examined, nothing found."}
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="reply-1")
    retry = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="reply-1")
    assert first.status_code == retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert Reply.objects.filter(query=query).count() == 1


def test_an_import_retry_imports_once(analyst_kz, settings, tmp_path):
    from seizures.vocabulary import ensure_commodities

    ensure_commodities()
    settings.MEDIA_ROOT = tmp_path / "media"
    content = csv_bytes([row(reference="1"), row(reference="2")])
    api = api_as(analyst_kz)

    def upload():
        # A fresh multipart body each time: another boundary, the same file.
        return api.post(
            "/api/v1/seizures/import/",
            {"file": SimpleUploadedFile("seizures.csv", content, content_type="text/csv")},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="import-1",
        )

    first, retry = upload(), upload()
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() == {"imported": 2}
    assert retry["Idempotent-Replayed"] == "true"
    assert SeizureReport.objects.count() == 2


def test_prune_deletes_only_expired_keys(focal_kz, focal_uz, settings):
    file_with_key(focal_kz, "expired")
    IdempotencyKey.objects.update(
        created_at=timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS + 1)
    )
    file_with_key(focal_kz, "current")
    call_command("idempotency_prune")
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["current"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_file_one_query(focal_kz, focal_uz):
    barrier = threading.Barrier(2, timeout=10)
    answers = []

    def post():
        try:
            barrier.wait()
            answers.append(file_with_key(focal_kz, "race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(a.status_code for a in answers) == [201, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert Query.objects.count() == 1
