"""Finding 8, sessions part: an idle session ends after 30 minutes and any session after 12
hours (both configurable); invitation and reset links are valid 72 hours."""

import time

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import sessions
from tests.factories.members import PASSWORD


def log_in(client, username="focal.kz"):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def shift(client, **ago_seconds):
    """Move the session's clocks into the past."""
    session = client.session
    now = time.time()
    if "login" in ago_seconds:
        session[sessions.LOGIN_AT] = now - ago_seconds["login"]
    if "seen" in ago_seconds:
        session[sessions.SEEN_AT] = now - ago_seconds["seen"]
    session.save()


def signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def test_a_session_idle_for_more_than_thirty_minutes_is_logged_out(client, focal_kz):
    log_in(client)
    shift(client, seen=31 * 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert b"Your session has expired" in client.get(response.url).content
    assert not signed_in(client)


def test_a_session_used_within_thirty_minutes_stays_and_its_clock_restarts(client, focal_kz):
    log_in(client)
    shift(client, seen=29 * 60)
    assert signed_in(client)
    assert time.time() - client.session[sessions.SEEN_AT] < 5
    shift(client, seen=29 * 60)
    assert signed_in(client)


def test_any_session_ends_twelve_hours_after_login(client, focal_kz):
    log_in(client)
    shift(client, login=12 * 3600 + 60, seen=10)
    assert not signed_in(client)


def test_a_session_within_twelve_hours_of_login_stays(client, focal_kz):
    log_in(client)
    shift(client, login=11 * 3600, seen=10)
    assert signed_in(client)


def test_the_limits_come_from_the_settings(client, focal_kz, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    log_in(client)
    shift(client, seen=6 * 60)
    assert not signed_in(client)

    settings.SESSION_ABSOLUTE_HOURS = 1
    log_in(client)
    shift(client, login=3700, seen=10)
    assert not signed_in(client)


def test_the_api_by_session_ends_too(client, focal_kz):
    log_in(client)
    assert client.get("/api/v1/members/").status_code == 200
    shift(client, seen=31 * 60)
    assert client.get("/api/v1/members/").status_code in (401, 403)


def test_the_session_cookie_a_login_sets_lasts_at_most_twelve_hours(client, focal_kz):
    response = client.post(reverse("login"), {"username": "focal.kz", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert 0 < int(cookie["max-age"]) <= 12 * 3600


def _reset_path(user, hours_ago):
    generator = default_token_generator
    timestamp = generator._num_seconds(generator._now()) - int(hours_ago * 3600)
    token = generator._make_token_with_timestamp(user, timestamp, generator.secret)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def test_invitation_and_reset_links_are_valid_for_seventy_two_hours(client, focal_kz, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 72 * 3600
    fresh = client.get(_reset_path(focal_kz, hours_ago=71))
    assert fresh.status_code == 302  # on to the set-password form
    stale = client.get(_reset_path(focal_kz, hours_ago=73))
    assert stale.status_code == 200
    assert stale.context["validlink"] is False
