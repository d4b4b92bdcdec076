"""What the portal says about its inside is for those who may know it: /readyz (the state of
every check) answers only METRICS_ALLOWED_NETWORKS, as /metrics does; /healthz stays public and
says only "ok". The API schema and its documentation pages need a signed-in person (a token,
or a session past its second factor)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories.members import PASSWORD

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.7"
DOCS = ["/api/schema/", "/api/docs/", "/api/docs/?script=", "/api/redoc/"]
TITLE = b"IREN Portal API"


def test_readyz_is_404_for_an_outside_caller():
    response = Client(REMOTE_ADDR=OUTSIDE).get("/readyz")
    assert response.status_code == 404
    for word in (b"database", b"migrations", b"checks", b"outbox"):
        assert word not in response.content


def test_readyz_still_answers_the_host_itself():
    response = Client(REMOTE_ADDR="127.0.0.1").get("/readyz")
    assert response.status_code in (200, 503)
    assert "database" in response.json()["checks"]


def test_healthz_answers_anyone_and_says_only_ok():
    response = Client(REMOTE_ADDR=OUTSIDE).get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.parametrize("url", DOCS)
def test_the_api_schema_and_docs_refuse_an_anonymous_caller(url):
    response = Client().get(url, {"format": "json"} if "schema" in url else {})
    assert response.status_code in (401, 403)
    assert TITLE not in response.content
    assert b"swaggersettings" not in response.content.lower()
    assert b"redoc" not in response.content.lower()


@pytest.mark.parametrize("url", DOCS)
def test_the_api_schema_and_docs_refuse_a_half_verified_session(url, focal_kz, settings):
    settings.TWO_FACTOR_ROLES = ["focal_point"]
    client = Client()
    client.post(reverse("login"), {"username": "focal.kz", "password": PASSWORD})
    response = client.get(url, HTTP_AUTHORIZATION="Bearer x")
    assert response.status_code in (401, 403)
    assert TITLE not in response.content


@pytest.mark.parametrize("url", DOCS)
def test_the_api_schema_and_docs_answer_a_signed_in_person(url, focal_kz):
    client = Client()
    client.force_login(focal_kz)
    response = client.get(url)
    assert response.status_code == 200
    assert TITLE in response.content or b"swaggerSettings" in response.content
