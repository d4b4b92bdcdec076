"""A session signed in with the password alone (second factor not yet given, or not yet set
up) opens nothing in the API, whatever ``Authorization`` header comes with it: not a read, not
a write, not a network admin's action. Only a valid API token (issued with ``otp``) or a
session that has passed its second factor authenticates.

Checked twice: through the whole stack, and with the second-factor middleware taken out, so
that the API's own session authentication is shown to refuse such a session by itself. And
every authentication class any API view accepts is asked about such a session directly."""

from base64 import b64encode

import pytest
from django.contrib.auth import get_user
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts import services, sessions
from accounts.models import ApiToken
from matching.models import WatchEntry
from members.models import MemberAdministration, MemberStatus
from tests.factories.exchange import file_query
from tests.factories.members import PASSWORD, network_admin

pytestmark = pytest.mark.django_db

SUBJECT = "HALFVERIFIED-SUBJECT-6b1e"
HEADERS = {
    "no header": None,
    "Bearer": "Bearer x",
    "Basic with the right password": "Basic " + b64encode(f"focal.kz:{PASSWORD}".encode()).decode(),
    "malformed": "Token",
    "three words": "Token a b",
    "not a scheme": "x",
}


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.TWO_FACTOR_ROLES = ["network_admin", "member_admin", "focal_point"]


def enrol(user) -> bytes:
    device = services.totp_device_start(user=user)
    services.totp_device_confirm(user=user, device=device, code=f"{totp(device.bin_key):06d}")
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return device.bin_key


def password_only(client, username):
    """Log ``username`` in through the login page and stop before the second factor."""
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[sessions.TWO_FACTOR] in (sessions.VERIFY, sessions.ENROL)
    return client


def _extra(header):
    return {} if header is None else {"HTTP_AUTHORIZATION": header}


def _refused(response):
    assert response.status_code in (401, 403), (response.status_code, response.content[:200])


@pytest.fixture
def query(focal_kz, uz):
    return file_query(focal_kz, recipients=["UZ"], subject=SUBJECT)


@pytest.fixture(params=["verify", "enrol"])
def half_verified_focal(request, client, focal_kz):
    """focal.kz with the password only: with an authenticator (asked for a code) or without
    one (asked to set it up)."""
    if request.param == "verify":
        enrol(focal_kz)
    return password_only(client, "focal.kz")


@pytest.fixture
def netadmin():
    admin = network_admin("admin")
    enrol(admin)
    return admin


def _without_two_factor_middleware(settings):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "accounts.middleware.TwoFactorMiddleware"
    ]


@pytest.fixture(params=["whole stack", "API authentication alone"])
def stack(request, settings):
    if request.param == "API authentication alone":
        _without_two_factor_middleware(settings)
    return request.param


# --- Through the endpoints ---------------------------------------------------------------------


@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
def test_half_verified_session_cannot_read_a_query(stack, half_verified_focal, query, header):
    response = half_verified_focal.get(f"/api/v1/queries/{query.pk}/", **_extra(header))
    _refused(response)
    assert SUBJECT.encode() not in response.content


@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
def test_half_verified_session_cannot_add_a_watch_entry(stack, half_verified_focal, header):
    response = half_verified_focal.post(
        "/api/v1/watchlist/",
        {"kind": "container", "value": "CSQU3054383", "note": "half"},
        content_type="application/json",
        **_extra(header),
    )
    _refused(response)
    assert not WatchEntry.objects.exists()


@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
def test_half_verified_network_admin_cannot_suspend_a_member(stack, client, netadmin, uz, header):
    password_only(client, "admin")
    response = client.post(
        f"/api/v1/members/{uz.code}/suspend/",
        {"reason": "half"},
        content_type="application/json",
        **_extra(header),
    )
    _refused(response)
    assert MemberAdministration.objects.get(pk=uz.pk).status != MemberStatus.SUSPENDED


def test_the_same_calls_work_once_the_second_factor_is_given(client, netadmin, uz, settings):
    """The refusals above are about the second factor, not the calls: verified, they work."""
    key = TOTPDevice.objects.get(user=netadmin).bin_key
    password_only(client, "admin")
    verified = client.post(reverse("two-factor-verify"), {"code": f"{totp(key):06d}"})
    assert verified.status_code == 302
    response = client.post(
        f"/api/v1/members/{uz.code}/suspend/",
        {"reason": "verified"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer x",
    )
    assert response.status_code == 200, response.content
    assert MemberAdministration.objects.get(pk=uz.pk).status == MemberStatus.SUSPENDED


def test_a_valid_token_still_works_beside_a_half_verified_session(stack, client, focal_kz, query):
    """The token (issued with ``otp``) authenticates, whatever state the session is in."""
    key = enrol(focal_kz)
    issued = Client().post(
        "/api/v1/auth/token/",
        {"username": "focal.kz", "password": PASSWORD, "otp": f"{totp(key):06d}"},
    )
    assert issued.status_code == 200, issued.content
    password_only(client, "focal.kz")
    response = client.get(
        f"/api/v1/queries/{query.pk}/", HTTP_AUTHORIZATION=f"Token {issued.json()['token']}"
    )
    assert response.status_code == 200
    assert SUBJECT in response.json()["subject"]


def test_an_invalid_token_beside_a_half_verified_session_opens_nothing(
    stack, half_verified_focal, query
):
    ApiToken.objects.all().delete()
    response = half_verified_focal.get(
        f"/api/v1/queries/{query.pk}/", HTTP_AUTHORIZATION="Token " + "0" * 40
    )
    _refused(response)
    assert SUBJECT.encode() not in response.content


# --- Every authentication class any API view accepts -------------------------------------------


def _api_views(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _api_views(entry)
        elif isinstance(entry, URLPattern):
            view = getattr(entry.callback, "cls", None) or getattr(
                entry.callback, "view_class", None
            )
            if isinstance(view, type) and issubclass(view, APIView):
                yield view


def authentication_classes():
    classes = set(api_settings.DEFAULT_AUTHENTICATION_CLASSES)
    for view in _api_views():
        classes.update(view.authentication_classes)
    return sorted(classes, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_the_api_views_are_found():
    """The class list below is built from the URLconf: it must have found the API's views."""
    names = {view.__name__ for view in _api_views()}
    assert {"QueryViewSet", "MemberViewSet", "TokenView", "WatchEntryViewSet"} <= names
    assert len(authentication_classes()) >= 2


@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
@pytest.mark.parametrize("method", ["get", "post"])
def test_no_authentication_class_accepts_a_half_verified_session(
    half_verified_focal, focal_kz, header, method
):
    session = SessionStore(half_verified_focal.session.session_key)
    for cls in authentication_classes():
        django_request = getattr(RequestFactory(), method)("/api/v1/members/", **_extra(header))
        django_request.session = session
        django_request.user = get_user(django_request)
        django_request._dont_enforce_csrf_checks = True
        assert django_request.user == focal_kz  # the session is signed in
        try:
            result = cls().authenticate(Request(django_request))
        except exceptions.AuthenticationFailed:
            continue
        assert result is None, f"{cls.__name__} accepts a half-verified session"
