"""Daily comforts in the exchange: a sortable inbox (browser ``?sort=``, API
``?ordering=``), read and unread notifications with "mark all read", the acknowledgement
footnote only when something is marked, and the schema readable in a browser."""

import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange.models import Alert, AlertChannel
from tests.factories.exchange import file_query

pytestmark = pytest.mark.django_db


def _references(response) -> list[str]:
    content = response.content.decode()
    return [chunk.split('"', 1)[0] for chunk in content.split('data-reference="')[1:]]


@pytest.fixture
def three_queries(focal_kz, uz):
    return [
        file_query(focal_kz, priority="routine", subject="B routine"),
        file_query(focal_kz, priority="urgent", subject="C urgent"),
        file_query(focal_kz, priority="high", subject="A high"),
    ]


def test_inbox_sorts_by_a_clicked_column_both_ways(client, focal_kz, three_queries):
    client.force_login(focal_kz)
    url = reverse("exchange:inbox")
    by_subject = _references(client.get(url, {"sort": "subject"}))
    refs = {q.subject: q.reference for q in three_queries}
    assert by_subject == [refs["A high"], refs["B routine"], refs["C urgent"]]
    assert _references(client.get(url, {"sort": "-subject"})) == by_subject[::-1]


def test_inbox_sorts_priority_by_urgency_not_alphabet(client, focal_kz, three_queries):
    client.force_login(focal_kz)
    response = client.get(reverse("exchange:inbox"), {"sort": "priority"})
    refs = {q.priority: q.reference for q in three_queries}
    assert _references(response) == [refs["urgent"], refs["high"], refs["routine"]]


def test_inbox_header_shows_the_active_sort_and_links_the_reverse(client, focal_kz, three_queries):
    client.force_login(focal_kz)
    content = client.get(reverse("exchange:inbox"), {"sort": "due", "box": "all"}).content
    content = content.decode()
    due = content[content.index('data-sort="due"') - 200 :]
    assert 'aria-sort="ascending"' in due[:250]
    assert "sort=-due" in due[:250] and "box=all" in due[:250]
    subject = content[content.index('data-sort="subject"') - 200 :][:250]
    assert "aria-sort" not in subject


def test_inbox_ignores_an_unknown_sort_in_the_browser_and_the_api_refuses_it(
    client, focal_kz, three_queries
):
    client.force_login(focal_kz)
    assert client.get(reverse("exchange:inbox"), {"sort": "sender__password"}).status_code == 200
    answer = client.get("/api/v1/queries/", {"ordering": "sender__password"})
    assert answer.status_code == 400
    assert "ordering" in answer.json()


def test_api_orders_queries_with_ordering(client, focal_kz, three_queries):
    client.force_login(focal_kz)
    answer = client.get("/api/v1/queries/", {"ordering": "-subject"}).json()
    subjects = [q["subject"] for q in answer["results"]]
    assert subjects == ["C urgent", "B routine", "A high"]


def test_sorted_inbox_costs_as_many_queries_for_many_rows_as_for_few(client, focal_kz, uz):
    for _ in range(3):
        file_query(focal_kz)
    client.force_login(focal_kz)
    url = reverse("exchange:inbox")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"sort": "-from"})
    assert len(response.context["page"]) == 3
    for _ in range(12):
        file_query(focal_kz)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"sort": "-from"})
    assert len(response.context["page"]) == 15
    assert len(many.captured_queries) == len(few.captured_queries)


def test_sort_stays_within_what_the_user_may_see(client, focal_tj, three_queries):
    client.force_login(focal_tj)
    assert _references(client.get(reverse("exchange:inbox"), {"sort": "subject"})) == []


def test_footnote_shows_only_when_a_recipient_is_marked(client, focal_kz, focal_uz, uz):
    client.force_login(focal_kz)
    url = reverse("exchange:inbox")
    assert b"unacknowledged-footnote" not in client.get(url).content
    query = file_query(focal_kz)
    assert b"unacknowledged-footnote" in client.get(url).content
    client.force_login(focal_uz)
    client.post(reverse("exchange:acknowledge", args=[query.pk]))
    client.force_login(focal_kz)
    assert b"unacknowledged-footnote" not in client.get(url).content


def test_notifications_mark_unread_ones_and_mark_all_read_clears_them(
    client, focal_kz, focal_uz, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_query(focal_kz, recipients=["UZ"])
        file_query(focal_kz, recipients=["UZ"])
    client.force_login(focal_uz)
    url = reverse("exchange:notifications")
    page = client.get(url).content.decode()
    unread = Alert.objects.filter(
        recipient=focal_uz, channel=AlertChannel.PORTAL, read_at__isnull=True
    ).count()
    assert unread == 2
    assert page.count('data-testid="unread-mark"') == 2
    assert page.count('data-state="unread"') == 2
    assert 'data-testid="mark-all-read"' in page
    response = client.post(reverse("exchange:notifications-read"))
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="unread-mark"' not in page
    assert page.count('data-state="read"') == 2
    assert 'data-testid="mark-all-read"' not in page


def test_mark_all_read_touches_only_the_users_own_notifications(
    client, focal_kz, focal_uz, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_query(focal_kz, recipients=["UZ"])
        query = file_query(focal_uz, recipients=["KZ"])
    client.force_login(focal_uz)
    client.post(reverse("exchange:notifications-read"))
    assert Alert.objects.filter(
        recipient=focal_kz, query=query, channel=AlertChannel.PORTAL, read_at__isnull=True
    ).exists()


def test_schema_is_shown_as_text_in_a_browser(client, focal_kz):
    client.force_login(focal_kz)
    response = client.get("/api/schema/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"openapi:" in response.content


def test_schema_keeps_its_types_for_api_clients(client, focal_kz):
    client.force_login(focal_kz)
    oai = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert oai["Content-Type"].startswith("application/vnd.oai.openapi")
    anything = client.get("/api/schema/", HTTP_ACCEPT="*/*")
    assert anything["Content-Type"].startswith("application/vnd.oai.openapi")
    as_json = client.get("/api/schema/", {"format": "json"})
    assert as_json.json()["openapi"].startswith("3.")


def test_make_run_host_sets_the_link_base_in_mails():
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        ["make", "-n", "run", "HOST=10.1.2.3:9000"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        # With a DATABASE_URL, bin/with-db.sh only hands over to the recursive make (which
        # runs even under -n) instead of starting the embedded server for a dry run.
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://127.0.0.1:1/unused"},
    ).stdout
    runserver = next(line for line in out.splitlines() if "runserver" in line)
    assert "PORTAL_BASE_URL='http://10.1.2.3:9000'" in runserver
