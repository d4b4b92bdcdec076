"""Statements compiled once per person and rights (``members.compiled``): the badge counts
and the notifications' first page still show today's rows, the query read answers for the id
asked (not the one compiled first) and by today's clock, and all follow a change of the
person's rights at once."""

from django.contrib.auth import get_user_model

from exchange import selectors
from members import compiled
from tests.factories.exchange import file_query


def fresh(user):
    """The user as the next request loads them (no rights cached on the object)."""
    return get_user_model().objects.get(pk=user.pk)


def test_a_new_notification_is_counted_after_the_statement_was_compiled(focal_kz, focal_uz):
    compiled.clear()
    file_query(focal_kz, recipients=("UZ",))
    first = selectors.unread_count(user=fresh(focal_uz))
    assert first >= 1
    file_query(focal_kz, recipients=("UZ",), subject="A second consignment")
    assert selectors.unread_count(user=fresh(focal_uz)) == first + 1


def test_a_person_who_loses_their_roles_counts_nothing_they_can_no_longer_read(focal_kz, focal_uz):
    compiled.clear()
    file_query(focal_kz, recipients=("UZ",))
    assert selectors.unread_count(user=fresh(focal_uz)) >= 1
    focal_uz.groups.clear()
    assert selectors.unread_count(user=fresh(focal_uz)) == 0
    assert selectors.notifications(user=fresh(focal_uz), unread=True).count() == 0


def test_the_count_is_the_orm_count_of_the_same_rows(focal_kz, focal_uz):
    compiled.clear()
    file_query(focal_kz, recipients=("UZ",))
    file_query(focal_uz, recipients=("KZ",))
    for user in (focal_kz, focal_uz):
        expected = selectors.notifications(user=fresh(user), unread=True).count()
        assert selectors.unread_count(user=fresh(user)) == expected
        assert selectors.unread_count(user=fresh(user)) == expected  # the compiled one again


def test_the_notifications_list_count_follows_its_filter_and_new_reads(focal_kz, focal_uz):
    from rest_framework.test import APIClient

    from alerts import outbox

    compiled.clear()
    file_query(focal_kz, recipients=("UZ",))
    query = file_query(focal_kz, recipients=("UZ",), subject="A second consignment")
    client = APIClient()
    client.force_login(focal_uz)
    everything = client.get("/api/v1/notifications/").json()["count"]
    unread = client.get("/api/v1/notifications/?unread=true").json()["count"]
    assert everything == unread >= 2
    outbox.notifications_mark_read(user=fresh(focal_uz), query=query)
    assert client.get("/api/v1/notifications/").json()["count"] == everything
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] < unread
    assert client.get("/api/v1/notifications/?unread=false").json()["count"] >= 1


def test_the_compiled_visibility_check_answers_for_each_query_and_follows_rights(
    focal_kz, focal_uz, focal_tj
):
    import pytest

    from exchange.models import Query

    compiled.clear()
    to_uz = file_query(focal_kz, recipients=("UZ",))
    to_tj = file_query(focal_kz, recipients=("TJ",), subject="A consignment for Tajikistan")
    assert selectors.query_get(user=fresh(focal_uz), pk=to_uz.pk).pk == to_uz.pk
    # Same person, same rights, same number of ids: the compiled statement is reused, with
    # the other id in its place.
    with pytest.raises(Query.DoesNotExist):
        selectors.query_get(user=fresh(focal_uz), pk=to_tj.pk)
    assert selectors.query_get(user=fresh(focal_tj), pk=to_tj.pk).pk == to_tj.pk
    focal_uz.groups.clear()
    with pytest.raises(Query.DoesNotExist):
        selectors.query_get(user=fresh(focal_uz), pk=to_uz.pk)


def test_the_compiled_query_read_decides_overdue_by_today_clock(focal_kz, focal_uz):
    from datetime import timedelta

    from django.utils import timezone

    from exchange.models import Query

    compiled.clear()
    query = file_query(focal_kz, recipients=("UZ",))
    first = selectors.query_get(user=fresh(focal_uz), pk=query.pk)
    assert first.is_overdue is False
    assert first.is_unread is True
    assert [r.member.code for r in first.recipients.all()] == ["UZ"]
    Query.objects.filter(pk=query.pk).update(
        created_at=timezone.now() - timedelta(days=1), due_at=timezone.now() - timedelta(hours=1)
    )
    assert selectors.query_get(user=fresh(focal_uz), pk=query.pk).is_overdue is True


def test_the_notifications_first_page_shows_new_rows_and_follows_rights(focal_kz, focal_uz):
    from rest_framework.test import APIClient

    compiled.clear()
    file_query(focal_kz, recipients=("UZ",))
    client = APIClient()
    client.force_login(focal_uz)
    before = client.get("/api/v1/notifications/").json()
    second = file_query(focal_kz, recipients=("UZ",), subject="A second consignment")
    after = client.get("/api/v1/notifications/").json()  # the compiled statement again
    assert after["count"] == before["count"] + 1
    assert after["results"][0]["query"] == second.pk
    assert [row["id"] for row in after["results"][1:]] == [row["id"] for row in before["results"]]
    focal_uz.groups.clear()
    response = client.get("/api/v1/notifications/")
    assert response.status_code != 200 or not response.json()["results"]


def test_the_notifications_first_page_links_to_the_next_as_the_cursor_pages_do(focal_kz, focal_uz):
    from rest_framework.test import APIClient

    compiled.clear()
    for subject in ("One consignment", "Another consignment", "A third consignment"):
        file_query(focal_kz, recipients=("UZ",), subject=subject)
    client = APIClient()
    client.force_login(focal_uz)
    everything = [row["id"] for row in client.get("/api/v1/notifications/").json()["results"]]
    assert len(everything) >= 3
    page = client.get("/api/v1/notifications/?page_size=2").json()
    assert page["count"] == len(everything) and page["previous"] is None
    seen = [row["id"] for row in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]
    assert seen == everything


def test_the_shared_recipient_and_container_reads_answer_for_each_query(
    focal_kz, focal_uz, focal_tj
):
    compiled.clear()
    to_uz = file_query(focal_kz, recipients=("UZ",))
    to_both = file_query(focal_kz, recipients=("UZ", "TJ"), container_numbers=[])
    for user in (focal_uz, focal_kz):
        first = selectors.query_get(user=fresh(user), pk=to_uz.pk)
        second = selectors.query_get(user=fresh(user), pk=to_both.pk)
        assert [r.member.code for r in first.recipients.all()] == ["UZ"]
        assert [r.member.code for r in second.recipients.all()] == ["TJ", "UZ"]
        assert [c.number for c in first.containers.all()] == [
            c.number for c in to_uz.containers.order_by("position")
        ]
        assert list(second.containers.all()) == []
        assert all(r.query is second for r in second.recipients.all())


def test_the_shared_access_history_statement_answers_for_each_record(focal_kz, focal_uz):
    from exchange import auditing
    from members.audit import audit_record

    compiled.clear()
    first = file_query(focal_kz, recipients=("UZ",))
    second = file_query(focal_kz, recipients=("UZ",), subject="A second consignment")
    audit_record(action="query.read", actor=focal_uz, obj=first, members=["KZ", "UZ"])
    for query, readers in ((first, ["focal.uz"]), (second, []), (first, ["focal.uz"])):
        history = auditing.query_access_history(user=fresh(focal_kz), query=query)
        assert [event.actor_username for event in history] == readers
        assert all(event.object_id == query.pk for event in history)
    assert auditing.query_access_history(user=fresh(focal_uz), query=first) is None
