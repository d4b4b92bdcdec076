"""Finding 4 (tokens): API tokens are stored hashed with a short prefix, expire, can be
revoked by DELETE and on the profile page, and die with a password change, a password reset
or a deactivation."""

import hashlib
import re
from datetime import timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import ApiToken
from members import services as member_services
from tests.factories.members import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


def issue(api, username="focal.kz"):
    response = api.post(TOKEN_URL, {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def works(api, key) -> bool:
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    status = api.get("/api/v1/members/").status_code
    api.credentials()
    assert status in (200, 401)
    return status == 200


def test_only_a_hash_and_a_short_prefix_of_the_key_are_stored(api, focal_kz):
    key = issue(api)["token"]
    token = ApiToken.objects.get(user=focal_kz)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    # The raw key is nowhere in the table.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        rows = cursor.fetchall()
    assert rows and not any(key in str(value) for row in rows for value in row)


def test_the_plain_token_table_is_gone(db):
    assert "authtoken_token" not in connection.introspection.table_names()


def test_the_token_answer_says_when_it_expires(api, focal_kz):
    before = timezone.now()
    body = issue(api)
    expires_at = parse_datetime(body["expires_at"])
    assert set(body) == {"token", "expires_at"}
    assert before + timedelta(days=30) <= expires_at <= timezone.now() + timedelta(days=30)
    assert ApiToken.objects.get(user=focal_kz).expires_at == expires_at


def test_the_lifetime_comes_from_the_settings(api, focal_kz, settings):
    settings.API_TOKEN_TTL_DAYS = 2
    expires_at = parse_datetime(issue(api)["expires_at"])
    assert timedelta(days=1, hours=23) < expires_at - timezone.now() <= timedelta(days=2)


def test_an_expired_token_is_refused_with_401(api, focal_kz):
    key = issue(api)["token"]
    assert works(api, key)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not works(api, key)


def test_use_is_recorded(api, focal_kz):
    key = issue(api)["token"]
    assert ApiToken.objects.get().last_used_at is None
    works(api, key)
    assert ApiToken.objects.get().last_used_at is not None


def test_delete_revokes_the_calling_token_only(api, focal_kz):
    first = issue(api)["token"]
    second = issue(api)["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api.delete(TOKEN_URL).status_code == 204
    api.credentials()
    assert not works(api, first)
    assert works(api, second)
    assert ApiToken.objects.filter(user=focal_kz).count() == 1


def test_delete_without_a_token_is_refused(api, focal_kz):
    issue(api)
    assert api.delete(TOKEN_URL).status_code == 401
    assert ApiToken.objects.count() == 1


def test_password_change_revokes_every_token(api, client, focal_kz):
    keys = [issue(api)["token"], issue(api)["token"]]
    client.force_login(focal_kz)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-steppe-2026",
            "new_password2": "Another-steppe-2026",
        },
    )
    assert response.status_code == 302
    assert not any(works(api, key) for key in keys)
    assert not ApiToken.objects.filter(user=focal_kz).exists()


def test_password_reset_revokes_every_token(api, focal_kz):
    from django.test import Client

    from members.services import invitation_link

    key = issue(api)["token"]
    link = invitation_link(user=focal_kz, base_url="http://testserver")
    browser = Client()
    form_url = browser.get(link.removeprefix("http://testserver")).url
    response = browser.post(
        form_url, {"new_password1": "Fresh-steppe-2026", "new_password2": "Fresh-steppe-2026"}
    )
    assert response.status_code == 302
    assert not works(api, key)


def test_deactivation_revokes_every_token(api, kz, focal_kz, admin_kz):
    key = issue(api)["token"]
    member_services.person_deactivate(member=kz, actor=admin_kz, person=focal_kz)
    assert not ApiToken.objects.filter(user=focal_kz).exists()
    focal_kz.is_active = True
    focal_kz.save()
    assert not works(api, key)


def test_an_ordinary_save_keeps_the_tokens(api, focal_kz):
    key = issue(api)["token"]
    focal_kz.first_name = "Aigerim"
    focal_kz.save()
    assert works(api, key)


def test_the_profile_lists_tokens_by_prefix_and_revokes_them(api, client, focal_kz, focal_uz):
    key = issue(api)["token"]
    other_key = issue(api, "focal.uz")["token"]
    client.force_login(focal_kz)
    page = client.get(reverse("profile"))
    assert page.status_code == 200
    assert key[:8].encode() in page.content
    assert key.encode() not in page.content
    assert other_key[:8].encode() not in page.content

    token = ApiToken.objects.get(user=focal_kz)
    other = ApiToken.objects.get(user=focal_uz)
    # Someone else's token: 404, and it still works.
    assert client.post(reverse("token-revoke", args=[other.pk])).status_code == 404
    assert works(api, other_key)
    # A GET changes nothing.
    assert client.get(reverse("token-revoke", args=[token.pk])).status_code == 405
    response = client.post(reverse("token-revoke", args=[token.pk]))
    assert response.status_code == 302
    assert not works(api, key)
    assert re.search(rb"No API tokens", client.get(reverse("profile")).content)


def test_the_profile_page_queries_do_not_grow_with_tokens(
    api, client, focal_kz, django_assert_max_num_queries
):
    for _ in range(5):
        issue(api)
    client.force_login(focal_kz)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("profile"))
    # Read now: the next request resets the connection's query log.
    first_count = len(few.captured_queries)
    for _ in range(10):
        issue(api)
    with django_assert_max_num_queries(first_count):
        assert client.get(reverse("profile")).status_code == 200
