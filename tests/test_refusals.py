"""One way to refuse: a service raises a domain exception (``core.exceptions``), and one place
answers it, the API's exception handler with its status and the pages' middleware with a
message on the way back, or a page saying why."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.exceptions import Conflict, Invalid, NotAllowed, NotFound
from exchange import services
from tests.factories.exchange import file_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_query(focal_kz, uz):
    query = file_query(focal_kz, recipients=["UZ"])
    services.query_close(query=query, user=focal_kz, outcome="resolved", note="")
    return query


def test_a_closed_query_is_a_conflict_and_its_api_answer_is_409(closed_query, focal_uz):
    with pytest.raises(Conflict):
        services.query_reply(query=closed_query, user=focal_uz, body="Late news.")
    api = APIClient()
    api.force_authenticate(focal_uz)
    answer = api.post(f"/api/v1/queries/{closed_query.pk}/replies/", {"body": "Late news."})
    assert answer.status_code == 409 and "closed" in answer.json()["detail"]


def test_a_refusal_on_a_page_without_a_way_back_is_a_page_with_its_status(rf, focal_kz):
    from core.middleware import RefusalMiddleware

    request = rf.post("/queries/1/close/")
    request.user = focal_kz
    middleware = RefusalMiddleware(lambda r: None)
    for exception, status in (
        (NotAllowed("Only the sender may close."), 403),
        (Conflict("Query X is closed."), 409),
        (Invalid({"note": ["Say why."]}), 400),
    ):
        response = middleware.process_exception(request, exception)
        assert response.status_code == status
        assert str(exception.args[0] if not isinstance(exception, Invalid) else "Say why.") in (
            response.content.decode()
        )
    assert middleware.process_exception(request, NotFound()) is None
    assert middleware.process_exception(request, ValueError("not ours")) is None


def test_a_refusal_on_a_page_goes_back_to_the_query_with_its_message(
    client, closed_query, focal_uz
):
    client.force_login(focal_uz)
    response = client.post(reverse("exchange:reply", args=[closed_query.pk]), {"body": "Late"})
    assert response.status_code == 302
    assert response.url == reverse("exchange:detail", args=[closed_query.pk])
    page = client.get(response.url)
    assert any("is closed" in str(m) for m in page.context["messages"])


def test_a_way_back_to_another_site_is_never_taken(rf, focal_kz):
    from core.middleware import RefusalMiddleware

    request = rf.post("/queries/1/close/", HTTP_REFERER="https://elsewhere.example/")
    request.user = focal_kz
    response = RefusalMiddleware(lambda r: None).process_exception(request, Conflict("Closed."))
    assert response.status_code == 409
