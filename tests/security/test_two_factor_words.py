"""The second factor's words and switches: a code used a moment ago is told apart from a wrong
one (page and API); recovery codes can be downloaded and printed from their page; an empty
TWO_FACTOR_ROLES asks nobody for a code, people who enrolled earlier included; the
invitation states the link's real lifetime from INVITATION_LINK_HOURS."""

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from members import services as member_services
from tests.factories.members import PASSWORD

from .test_two_factor import code_for, enrolled, log_in, unthrottle

REUSED = "This code was just used; wait for the next one."
NOT_VALID = "The code is not valid."


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.TWO_FACTOR_ROLES = ["network_admin", "member_admin", "focal_point"]


def test_a_code_used_a_moment_ago_is_called_used_not_invalid(client, focal_kz):
    key, _codes = enrolled(focal_kz)
    code = code_for(key)
    log_in(client, "focal.kz")
    assert client.post(reverse("two-factor-verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    unthrottle()

    log_in(client, "focal.kz")
    page = client.post(reverse("two-factor-verify"), {"code": code}).content.decode()
    assert REUSED in page
    assert NOT_VALID not in page


def test_a_wrong_code_is_still_called_not_valid(client, focal_kz):
    key, _codes = enrolled(focal_kz)
    log_in(client, "focal.kz")
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    page = client.post(reverse("two-factor-verify"), {"code": wrong}).content.decode()
    assert NOT_VALID in page
    assert REUSED not in page


def test_the_token_endpoint_tells_a_reused_code_too(focal_kz):
    key, _codes = enrolled(focal_kz)
    code = code_for(key)
    api = APIClient()
    data = {"username": "focal.kz", "password": PASSWORD, "otp": code}
    assert api.post("/api/v1/auth/token/", data).status_code in (200, 201)
    unthrottle()
    again = api.post("/api/v1/auth/token/", data)
    assert again.status_code == 400
    assert again.json()["otp"] == [REUSED]


def test_the_recovery_codes_page_offers_download_and_print(client, focal_kz):
    _key, codes = enrolled(focal_kz)
    log_in(client, "focal.kz")
    client.post(reverse("two-factor-verify"), {"code": codes[0]})
    page = client.post(reverse("recovery-codes-renew")).content.decode()
    assert 'data-testid="recovery-download"' in page
    assert 'data-testid="recovery-print"' in page
    assert "js/recovery_codes.js" in page
    assert "<script>" not in page  # static script only (CSP)


def test_an_empty_setting_asks_nobody_not_even_people_who_enrolled(
    client, focal_kz, analyst_kz, settings
):
    enrolled(focal_kz)
    enrolled(analyst_kz)
    settings.TWO_FACTOR_ROLES = []
    for person in (focal_kz, analyst_kz):
        client.post(reverse("logout"))
        log_in(client, person.username)
        assert client.get(reverse("home")).status_code == 200
    token = APIClient().post("/api/v1/auth/token/", {"username": "focal.kz", "password": PASSWORD})
    assert token.status_code in (200, 201), token.content
    assert TOTPDevice.objects.filter(user=focal_kz, confirmed=True).exists()


@pytest.mark.parametrize("hours", [72, 24])
def test_the_invitation_states_the_links_real_lifetime(focal_kz, settings, hours):
    settings.INVITATION_LINK_HOURS = hours
    settings.PASSWORD_RESET_TIMEOUT = hours * 3600
    member_services.invitation_send(user=focal_kz, base_url="http://portal.test")
    body = mail.outbox[-1].body
    assert f"valid for {hours} hours" in body
    assert "seven days" not in body
