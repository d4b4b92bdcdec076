"""A session that ends (idle timeout, or gone from the server) sends a form's POST to the login
page, which says why; the login after it returns to the form's page and says the session had
ended. A successful save tells the browser to forget the form's draft."""

from django.contrib.sessions.backends.cached_db import SessionStore
from django.urls import reverse

from tests.factories.exchange import file_query
from tests.factories.members import PASSWORD

ENDED_ON_LOGIN_PAGE = b"Your session has expired"
ENDED_AFTER_LOGIN = b"Your session had ended"


def log_in(client, username="focal.kz", next_url=""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("login"), data)
    assert response.status_code == 302
    return response


def drop_session(client):
    SessionStore(session_key=client.cookies["sessionid"].value).delete()


def test_a_post_after_the_session_was_deleted_goes_to_login_which_says_why(client, focal_kz, uz):
    log_in(client)
    drop_session(client)
    response = client.post(reverse("exchange:file"), {"subject": "Half-written"})
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('exchange:file')}"
    assert ENDED_ON_LOGIN_PAGE in client.get(response.url).content

    response = log_in(client, next_url=reverse("exchange:file"))
    assert response.url == reverse("exchange:file")
    assert ENDED_AFTER_LOGIN in client.get(response.url).content


def test_a_plain_login_after_logging_out_says_nothing_of_an_ended_session(client, focal_kz):
    log_in(client)
    client.post(reverse("logout"))
    page = client.get(reverse("login"))
    assert ENDED_ON_LOGIN_PAGE not in page.content
    response = log_in(client)
    assert ENDED_AFTER_LOGIN not in client.get(response.url).content


def test_returning_to_a_reply_address_after_login_shows_the_query(client, focal_kz, focal_uz):
    query = file_query(focal_kz, recipients=("UZ",))
    log_in(client, "focal.uz")
    response = client.get(reverse("exchange:reply", args=[query.pk]))
    assert response.status_code == 302
    assert response.url == reverse("exchange:detail", args=[query.pk])


def test_the_page_after_a_filed_query_tells_the_browser_to_forget_the_draft(client, focal_kz, uz):
    log_in(client)
    response = client.post(
        reverse("exchange:file"),
        {
            "recipients": ["UZ"],
            "kind": "request",
            "priority": "routine",
            "handling_code": "H0",
            "source_evaluation": "X",
            "information_evaluation": "4",
            "subject": "Cigarettes",
            "body": "Please check.",
        },
    )
    assert response.status_code == 302, response.content[-3000:]
    page = client.get(response.url).content
    assert b'data-drafts-done="query-file"' in page
    # Once only.
    assert b"data-drafts-done" not in client.get(response.url).content


def test_a_form_sent_back_with_errors_is_marked_bound_so_its_draft_is_not_pasted_over_it(
    client, focal_kz, uz
):
    log_in(client)
    blank = client.get(reverse("exchange:file")).content
    assert b'data-draft="query-file"' in blank and b"data-draft-bound" not in blank
    refused = client.post(reverse("exchange:file"), {"subject": "Half-written"}).content
    assert b"data-draft-bound" in refused
