"""While the database is unreachable the API answers JSON 503 with Retry-After and the browser
a plain 503 page in the portal's layout; 404 and 500 pages exist (500 needs no database)."""

import pytest
from django.db import OperationalError, connections
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from ops.outage import server_error
from tests.ops.test_idempotency import PAYLOAD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_unreachable():
    """Point the default connection at a closed port. The real connection is put back
    afterwards."""

    def cut():
        connection = connections["default"]
        saved = connection.connection, dict(connection.settings_dict)
        state.append(saved)
        connection.connection = None
        connection.settings_dict.update(HOST="127.0.0.1", PORT=1)
        with pytest.raises(OperationalError):  # the premise: it really cannot connect
            connection.ensure_connection()

    state = []
    yield cut
    connection = connections["default"]
    for saved_connection, saved_settings in state:
        connection.settings_dict.clear()
        connection.settings_dict.update(saved_settings)
        connection.connection = saved_connection


def test_api_answers_json_503_with_retry_after_when_the_database_is_down(
    focal_kz, database_unreachable, settings
):
    token = api_token_issue(user=focal_kz)[1]
    database_unreachable()

    response = APIClient().get("/api/v1/queries/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == str(settings.DATABASE_OUTAGE_RETRY_AFTER_SECONDS)
    assert response.json()["code"] == "database_unavailable"
    assert "database" in response.json()["detail"]


def test_api_filing_answers_json_503_when_the_database_is_down(focal_kz, database_unreachable):
    api = APIClient()
    api.force_authenticate(focal_kz)  # authentication itself needs no database here
    database_unreachable()

    response = api.post("/api/v1/queries/", PAYLOAD, format="json")

    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert "Retry-After" in response


def test_browser_gets_a_plain_503_page_in_the_portal_layout(focal_kz, database_unreachable):
    client = Client(raise_request_exception=False)
    client.force_login(focal_kz)
    database_unreachable()

    response = client.get("/queries/")

    assert response.status_code == 503
    assert response["Retry-After"]
    page = response.content.decode()
    assert "Temporarily unavailable" in page
    assert "cannot reach its database" in page
    assert 'class="container-fluid portal-header"' in page  # the portal's layout
    assert "Traceback" not in page


def test_the_500_page_renders_without_the_database(database_unreachable):
    database_unreachable()
    request = RequestFactory().get("/somewhere/")
    try:
        raise ValueError("boom")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert 'class="container-fluid portal-header"' in page


def test_a_database_error_outside_a_view_still_gets_the_503(database_unreachable):
    database_unreachable()
    request = RequestFactory().get("/api/v1/queries/")
    try:
        connections["default"].ensure_connection()
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"]


def test_the_404_page_is_the_portals(client, focal_kz):
    client.force_login(focal_kz)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert 'class="container-fluid portal-header"' in page
