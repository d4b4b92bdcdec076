"""Finding 3 (brute force): five failed attempts for one username, from any address, lock the
account for 15 minutes on every way in (login page, admin login, API token endpoint); the
answer is the same for an unknown username; the token endpoint and anonymous API calls are
throttled per address with 429 and Retry-After."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories.members import PASSWORD
from tests.security.conftest import same_page

TOKEN_URL = "/api/v1/auth/token/"


def login_page(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def admin_login(client, username, password):
    return client.post(
        "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
    )


def token_request(api, username, password, address="127.0.0.1"):
    return api.post(
        TOKEN_URL, {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


# --- The lock on each way in ----------------------------------------------------------------


def test_fifty_wrong_passwords_on_the_login_page_lock_the_account_until_unlocked(client, focal_kz):
    answers = [login_page(client, "focal.kz", f"guess-{n}").status_code for n in range(50)]
    assert answers[:4] == [200] * 4
    assert set(answers[4:]) == {429}

    refused = login_page(client, "focal.kz", PASSWORD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(15 * 60)
    assert b"Account locked" in refused.content
    assert not signed_in(client)

    call_command("axes_reset_username", "focal.kz")
    assert login_page(client, "focal.kz", PASSWORD).status_code == 302
    assert signed_in(client)


def test_fifty_wrong_passwords_on_the_admin_login_lock_the_account_until_unlocked(
    client, superuser
):
    answers = [admin_login(client, "root", f"guess-{n}").status_code for n in range(50)]
    assert set(answers[4:]) == {429}
    assert admin_login(client, "root", PASSWORD).status_code == 429
    # Still not signed in: the admin site answers like an unknown page (tests/security/
    # test_admin_site.py).
    assert client.get("/admin/").status_code == 404

    call_command("axes_reset_username", "root")
    assert admin_login(client, "root", PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_fifty_wrong_passwords_on_the_token_endpoint_from_fifty_addresses_lock_the_account(
    api, focal_kz
):
    # One address per attempt: the per-address throttle never applies, the lock still does.
    answers = [
        token_request(api, "focal.kz", f"guess-{n}", address=f"10.0.{n}.1").status_code
        for n in range(50)
    ]
    assert answers[:4] == [400] * 4
    assert set(answers[4:]) == {429}

    refused = token_request(api, "focal.kz", PASSWORD, address="10.9.9.9")
    assert refused.status_code == 429
    assert "token" not in refused.json()
    assert refused["Retry-After"] == str(15 * 60)

    call_command("axes_reset_username", "focal.kz")
    granted = token_request(api, "focal.kz", PASSWORD, address="10.9.9.9")
    assert granted.status_code == 200
    assert granted.json()["token"]


def test_failures_on_the_login_page_lock_the_token_endpoint_and_the_admin_login_too(
    client, api, superuser
):
    for n in range(5):
        login_page(client, "root", f"guess-{n}")
    assert token_request(api, "root", PASSWORD).status_code == 429
    assert admin_login(client, "root", PASSWORD).status_code == 429


def test_the_lock_is_per_username_not_per_address(client, focal_kz, focal_uz):
    for n in range(5):
        login_page(client, "focal.kz", f"guess-{n}")
    assert login_page(client, "focal.uz", PASSWORD).status_code == 302


def test_four_failures_then_the_right_password_signs_in_and_starts_the_count_again(
    client, focal_kz
):
    for n in range(4):
        login_page(client, "focal.kz", f"guess-{n}")
    assert login_page(client, "focal.kz", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for n in range(4):
        assert login_page(client, "focal.kz", f"again-{n}").status_code == 200
    assert login_page(client, "focal.kz", PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, focal_kz):
    for n in range(5):
        login_page(client, "focal.kz", f"guess-{n}")
    assert login_page(client, "focal.kz", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login_page(client, "focal.kz", PASSWORD).status_code == 302


def test_limit_and_cool_off_come_from_the_settings(client, focal_kz, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=40)
    answers = [login_page(client, "focal.kz", f"guess-{n}").status_code for n in range(3)]
    assert answers == [200, 200, 429]
    assert login_page(client, "focal.kz", PASSWORD)["Retry-After"] == str(40 * 60)


# --- No enumeration -------------------------------------------------------------------------


@pytest.mark.parametrize("way_in", ["login_page", "admin_login"])
def test_login_pages_answer_an_unknown_username_exactly_like_a_real_one(client, focal_kz, way_in):
    attempt = {"login_page": login_page, "admin_login": admin_login}[way_in]
    real = [attempt(client, "focal.kz", f"guess-{n}") for n in range(6)]
    ghost = [attempt(client, "ghost.kz", f"guess-{n}") for n in range(6)]
    assert [r.status_code for r in real] == [r.status_code for r in ghost]
    assert real[-1].status_code == 429
    for r, g in zip(real, ghost, strict=True):
        assert same_page(r.content).replace(b"focal.kz", b"ghost.kz") == same_page(g.content)
        assert r.get("Retry-After") == g.get("Retry-After")
    # Even the right password of the real account gets the locked answer of the ghost.
    locked = attempt(client, "focal.kz", PASSWORD)
    ghost_locked = attempt(client, "ghost.kz", PASSWORD)
    assert locked.status_code == ghost_locked.status_code == 429
    assert same_page(locked.content) == same_page(ghost_locked.content)


def test_token_endpoint_answers_an_unknown_username_exactly_like_a_real_one(api, focal_kz):
    real = [token_request(api, "focal.kz", f"g-{n}", f"10.1.{n}.1") for n in range(6)]
    ghost = [token_request(api, "ghost.kz", f"g-{n}", f"10.2.{n}.1") for n in range(6)]
    assert [r.status_code for r in real] == [r.status_code for r in ghost] == [400] * 4 + [429] * 2
    assert [r.json() for r in real] == [g.json() for g in ghost]
    assert token_request(api, "focal.kz", PASSWORD, "10.3.0.1").json() == real[-1].json()


# --- Throttling -----------------------------------------------------------------------------


def test_token_endpoint_allows_twenty_attempts_a_minute_from_one_address(api, kz):
    answers = [
        token_request(api, f"nobody{n}", "wrong", address="192.0.2.7").status_code
        for n in range(20)
    ]
    assert answers == [400] * 20
    throttled = token_request(api, "nobody-else", "wrong", address="192.0.2.7")
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 60
    # Other anonymous calls from that address are refused the same way...
    members = api.get("/api/v1/members/", REMOTE_ADDR="192.0.2.7")
    assert members.status_code == 429
    assert members.has_header("Retry-After")
    # ...but another address is not affected.
    assert token_request(api, "nobody-else", "wrong", address="192.0.2.8").status_code == 400


def test_the_right_password_is_throttled_too_once_over_the_limit(api, focal_kz):
    for n in range(20):
        token_request(api, f"nobody{n}", "wrong", address="192.0.2.9")
    answer = token_request(api, "focal.kz", PASSWORD, address="192.0.2.9")
    assert answer.status_code == 429
    assert "token" not in answer.json()


def test_anonymous_calls_count_against_the_address(api, kz):
    for _ in range(20):
        assert api.get("/api/v1/members/", REMOTE_ADDR="192.0.2.10").status_code == 401
    assert api.get("/api/v1/members/", REMOTE_ADDR="192.0.2.10").status_code == 429


def test_token_rate_comes_from_the_settings(api, kz, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"address": "3/min", "user": "1200/min"},
    }
    answers = [token_request(api, f"n{n}", "x", "192.0.2.11").status_code for n in range(4)]
    assert answers == [400, 400, 400, 429]


def test_signed_in_calls_have_a_generous_per_user_rate(api, focal_kz, settings):
    api.force_authenticate(focal_kz)
    answers = [api.get("/api/v1/members/").status_code for _ in range(60)]
    assert set(answers) == {200}
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"address": "20/min", "user": "60/min"},
    }
    over = api.get("/api/v1/members/")
    assert over.status_code == 429
    assert over.has_header("Retry-After")


def test_the_per_user_rate_is_per_user(api, focal_kz, focal_uz, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"address": "20/min", "user": "5/min"},
    }
    api.force_authenticate(focal_kz)
    assert [api.get("/api/v1/members/").status_code for _ in range(6)][-1] == 429
    api.force_authenticate(focal_uz)
    assert api.get("/api/v1/members/").status_code == 200
