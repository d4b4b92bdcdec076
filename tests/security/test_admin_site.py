"""Finding 10: the Django admin site is for superusers only. For everyone else, network admins
included and anonymous visitors too, it answers exactly like an unknown page: 404 with the same
page, the same for a real id and a missing one."""

import re

import pytest
from django.urls import reverse

from members.models import RoleName
from tests.factories.members import PASSWORD, UserFactory, member_user

pytestmark = pytest.mark.django_db

MISSING = 999_999


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def visitors(admin_user, kz, focal_kz):
    admin_user.is_staff = True  # as seed_demo makes it
    admin_user.save()
    member_admin = member_user(kz, RoleName.MEMBER_ADMIN, username="admin.kz")
    member_admin.is_staff = True
    member_admin.save()
    return {
        "anonymous": None,
        "network admin": admin_user,
        "member admin (staff)": member_admin,
        "focal point": focal_kz,
    }


def admin_urls(real_user, kz):
    real, member = real_user.pk, kz.pk
    return {
        "index": "/admin/",
        "app": "/admin/members/",
        "changelist": "/admin/members/user/",
        "add": "/admin/members/user/add/",
        "change real": f"/admin/members/user/{real}/change/",
        "change missing": f"/admin/members/user/{MISSING}/change/",
        "history real": f"/admin/members/user/{real}/history/",
        "history missing": f"/admin/members/user/{MISSING}/history/",
        "delete real": f"/admin/members/user/{real}/delete/",
        "delete missing": f"/admin/members/user/{MISSING}/delete/",
        "member permissions real": f"/admin/members/memberadministration/{member}/permissions/",
        "member permissions missing": f"/admin/members/memberadministration/{MISSING}/permissions/",
        "password real": f"/admin/members/user/{real}/password/",
        "password missing": f"/admin/members/user/{MISSING}/password/",
        "view on site": f"/admin/r/1/{real}/",
        "unknown under admin": "/admin/no-such-thing/",
        "logout": "/admin/logout/",
    }


_CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def normalised(content: bytes, path: str) -> bytes:
    """A page with the path it was asked for taken out, and the CSRF token of the header's
    language form blanked (Django masks it anew in every response)."""
    content = _CSRF_TOKEN.sub(b'name="csrfmiddlewaretoken" value="TOKEN"', content)
    return content.replace(path.encode(), b"PATH")


def unknown_page(client, path):
    """What an unknown page looks like, normalised as above."""
    response = client.get("/no-such-page-anywhere/")
    assert response.status_code == 404
    return normalised(response.content, "/no-such-page-anywhere/")


@pytest.mark.parametrize(
    "who", ["anonymous", "network admin", "member admin (staff)", "focal point"]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_admin_answers_like_an_unknown_page(client, visitors, focal_kz, kz, who, method):
    user = visitors[who]
    if user is not None:
        client.force_login(user)
    expected = unknown_page(client, "/")
    for name, url in admin_urls(focal_kz, kz).items():
        response = getattr(client, method)(url)
        assert response.status_code == 404, f"{name}: {response.status_code}"
        assert normalised(response.content, url) == expected, name


def test_real_and_missing_ids_are_indistinguishable(client, visitors, focal_kz, kz):
    client.force_login(visitors["network admin"])
    urls = admin_urls(focal_kz, kz)
    for kind in ("change", "history", "delete", "password"):
        real = client.get(urls[f"{kind} real"])
        missing = client.get(urls[f"{kind} missing"])
        assert (real.status_code, dict(real.headers).keys()) == (
            missing.status_code,
            dict(missing.headers).keys(),
        )
        assert normalised(real.content, urls[f"{kind} real"]) == (
            normalised(missing.content, urls[f"{kind} missing"])
        )


def test_superuser_uses_the_admin(client, superuser, focal_kz, kz):
    client.force_login(superuser)
    urls = admin_urls(focal_kz, kz)
    for name in ("index", "changelist", "change real", "history real"):
        assert client.get(urls[name]).status_code == 200, name


def test_superuser_logs_in_on_the_admin_login_page(client, superuser):
    response = client.post(
        reverse("admin:login"), {"username": "root", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("who", ["network admin", "member admin (staff)"])
def test_a_staff_non_superuser_cannot_log_in_on_the_admin_login_page(client, visitors, who):
    user = visitors[who]
    response = client.post(
        reverse("admin:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("admin:login"), {"username": user.username, "password": "nope"})
    assert response.context["form"].errors == wrong.context["form"].errors
