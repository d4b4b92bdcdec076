"""Rights and vocabularies cached across requests (``members.caching``): read from the cache
on the next request, and never stale after a change of roles, permissions or vocabulary."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import remove_perm

from members import permissions
from members.models import Role, RoleName
from tests.factories.exchange import file_query

pytestmark = pytest.mark.django_db


def _permission_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [q for q in captured.captured_queries if "guardian_" in q["sql"]]


def test_rights_come_from_the_cache_on_the_next_request(client, focal_kz):
    client.force_login(focal_kz)
    response, first = _permission_queries(client, "/api/v1/notifications/")
    assert response.status_code == 200 and first  # computed once...
    response, second = _permission_queries(client, "/api/v1/notifications/")
    assert response.status_code == 200 and second == []  # ...then read from the cache


def test_a_removed_role_takes_effect_on_the_next_request(client, focal_kz, focal_uz):
    query = file_query(focal_kz)
    client.force_login(focal_uz)
    assert client.get(f"/api/v1/queries/{query.pk}/").status_code == 200
    group = Role.objects.get(member=focal_uz.member, name=RoleName.FOCAL_POINT).group
    focal_uz.groups.remove(group)  # as the admin site would: no service, only the signal
    assert client.get(f"/api/v1/queries/{query.pk}/").status_code == 404


def test_a_removed_object_permission_takes_effect_on_the_next_request(client, focal_kz, focal_uz):
    query = file_query(focal_kz)
    client.force_login(focal_uz)
    assert client.get(f"/api/v1/queries/{query.pk}/").status_code == 200
    group = Role.objects.get(member=focal_uz.member, name=RoleName.FOCAL_POINT).group
    for right in permissions.ROLE_RIGHTS[RoleName.FOCAL_POINT]:
        remove_perm(f"members.{right.value}", group, focal_uz.member)
    assert client.get(f"/api/v1/queries/{query.pk}/").status_code == 404


def test_a_user_recreated_under_the_same_id_does_not_inherit_cached_rights(focal_kz):
    """The key holds the join time: a new account that gets an old id starts afresh."""
    right = permissions.Right.FILE_QUERIES
    assert permissions.member_ids(focal_kz, right)  # now cached
    user_model = type(focal_kz)
    # Rows removed without signals (as a raw delete would): the cache alone still says yes...
    user_model.groups.through.objects.filter(user_id=focal_kz.pk).delete()
    assert permissions.member_ids(user_model.objects.get(pk=focal_kz.pk), right)
    # ...but not for an account created later under the same id.
    user_model.objects.filter(pk=focal_kz.pk).update(
        date_joined=focal_kz.date_joined + datetime.timedelta(days=1)
    )
    assert permissions.member_ids(user_model.objects.get(pk=focal_kz.pk), right) == frozenset()


def test_a_new_member_appears_in_the_filters_at_once(client, analyst_kz, admin_user):
    from tests.factories import MemberFactory

    client.force_login(analyst_kz)
    assert "Mongolia" not in client.get("/seizures/reports/").content.decode()
    MemberFactory(code="MN", name="Mongolia")
    assert "Mongolia" in client.get("/seizures/reports/").content.decode()


def test_a_new_commodity_appears_in_the_filters_at_once(client, analyst_kz, admin_user):
    from seizures import services

    client.force_login(analyst_kz)
    assert "Khat leaves" not in client.get("/seizures/").content.decode()
    services.commodity_create(
        user=admin_user, code="khat", name="Khat leaves", category="narcotics", dimensions=["mass"]
    )
    assert "Khat leaves" in client.get("/seizures/").content.decode()


def test_cache_keys_name_the_database(monkeypatch):
    """A test run and a server sharing one Redis must not read each other's rows."""
    from django.db import connection

    from members import caching

    assert caching.vocabulary("probe", lambda: ["first database"]) == ["first database"]
    assert caching.vocabulary("probe", lambda: ["not read"]) == ["first database"]
    monkeypatch.setitem(connection.settings_dict, "NAME", "another_database")
    assert caching.vocabulary("probe", lambda: ["second database"]) == ["second database"]


def test_a_process_copy_is_read_only_under_the_generation_the_shared_cache_holds():
    """Each process keeps its own copy of a vocabulary, read without asking the shared cache
    for it; a bump of the generation there (by any process) makes every copy unread."""
    from django.core.cache import cache

    from members import caching

    assert caching.vocabulary("probe-local", lambda: ["first"]) == ["first"]
    generation = caching._generation("vocabulary-generation")
    cache.delete(caching._key(f"vocabulary:{generation}:probe-local"))
    assert caching.vocabulary("probe-local", lambda: ["not read"]) == ["first"]

    cache.set(caching._key("vocabulary-generation"), "bumped-elsewhere", None)
    assert caching.vocabulary("probe-local", lambda: ["second"]) == ["second"]


def test_nothing_is_kept_in_the_process_while_the_generation_is_unknown(monkeypatch):
    """Without Redis the generation cannot be read, so no copy could ever be found stale:
    each request computes the rows again."""
    from members import caching

    monkeypatch.setattr(caching, "_generation", lambda name: caching.UNKNOWN_GENERATION)
    monkeypatch.setattr(caching.cache, "get", lambda key, default=None: default)
    assert caching.vocabulary("probe-unknown", lambda: ["first"]) == ["first"]
    assert caching.vocabulary("probe-unknown", lambda: ["second"]) == ["second"]
    assert not [key for key in caching._local._entries if "probe-unknown" in key]
