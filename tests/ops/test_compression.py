"""gzip only for API answers to header-authenticated clients; never for browser pages (BREACH:
see ops/middleware.py)."""

import gzip
import json

import pytest
from django.test import Client

from accounts.services import api_token_issue
from tests.factories.exchange import file_query

pytestmark = pytest.mark.django_db


def test_token_authenticated_api_json_is_gzipped(focal_kz, focal_uz):
    for _ in range(3):
        file_query(focal_kz)
    token = api_token_issue(user=focal_kz)[1]
    response = Client().get(
        "/api/v1/queries/", HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert len(json.loads(gzip.decompress(response.content))["results"]) == 3


def test_session_authenticated_api_and_pages_are_not_gzipped(focal_kz, focal_uz):
    file_query(focal_kz)
    client = Client()
    client.force_login(focal_kz)
    api = client.get("/api/v1/queries/", HTTP_ACCEPT_ENCODING="gzip")
    page = client.get("/queries/", HTTP_ACCEPT_ENCODING="gzip")
    assert api.status_code == page.status_code == 200
    assert not api.has_header("Content-Encoding")
    assert not page.has_header("Content-Encoding")


def test_compression_can_be_switched_off(focal_kz, settings):
    settings.API_COMPRESSION = False
    token = api_token_issue(user=focal_kz)[1]
    response = Client().get(
        "/api/v1/queries/", HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
