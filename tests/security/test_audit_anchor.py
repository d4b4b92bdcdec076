"""Removing the newest or the oldest audit events does not go unnoticed.

Someone who bypasses the append-only trigger (a database superuser) and deletes events at
either end leaves a chain that still verifies by itself; against an anchor kept outside the
database (``audit_anchor``, mailed daily to the network admins by the beat task),
``audit_verify --anchor FILE`` fails and names what happened. A removal recorded by
``audit_prune`` passes. Runs on SQLite and on PostgreSQL (the trigger is switched off there,
as a superuser could)."""

import io
import json
import logging
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from members.audit import audit_record
from members.models import AuditEvent
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db

TABLE = "members_auditevent"
TRIGGER = "members_auditevent_append_only"


def _record(count):
    return [audit_record(action="test.anchor", detail={"n": n}) for n in range(count)]


def _as_superuser(*statements):
    """Run SQL on audit rows the way a database superuser could, past the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")


def _delete(ids):
    _as_superuser((f"DELETE FROM {TABLE} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids))


@pytest.fixture
def anchor_file(tmp_path):
    """Takes an anchor with ``manage.py audit_anchor`` and keeps it in a file."""
    path = tmp_path / "anchors.jsonl"

    def take():
        out = io.StringIO()
        call_command("audit_anchor", stdout=out)
        line = out.getvalue().strip()
        with path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
        return json.loads(line)

    take.path = str(path)
    return take


def _verify(path):
    out = io.StringIO()
    call_command("audit_verify", anchor=path, stdout=out)
    return out.getvalue()


def test_anchor_is_the_tip_of_the_chain_as_one_json_line(anchor_file):
    ids = _record(3)
    anchor = anchor_file()
    tip = AuditEvent.objects.get(id=ids[-1])
    assert (anchor["id"], anchor["hash"], anchor["count"]) == (tip.id, tip.hash, 3)
    assert set(anchor) == {"id", "hash", "count", "at"}


def test_untouched_chain_passes(anchor_file):
    _record(3)
    anchor_file()
    _record(2)  # events after the anchor are no concern of it
    anchor_file()
    assert "The audit chain verifies." in _verify(anchor_file.path)


def test_removing_the_newest_events_fails_naming_it(anchor_file):
    ids = _record(5)
    anchor = anchor_file()
    _delete(ids[-2:])
    call_command("audit_verify")  # the chain alone does not show it
    with pytest.raises(CommandError) as error:
        _verify(anchor_file.path)
    assert f"anchored event {anchor['id']}" in str(error.value)
    assert "is missing: events at the end of the chain were removed" in str(error.value)


def test_replacing_the_newest_event_fails_naming_it(anchor_file):
    ids = _record(3)
    anchor = anchor_file()
    _delete(ids[-1:])
    audit_record(action="test.anchor", detail={"n": "forged"})
    _as_superuser(
        (f"UPDATE {TABLE} SET id = %s WHERE id = (SELECT MAX(id) FROM {TABLE})", [ids[-1]])
    )
    call_command("audit_verify")
    with pytest.raises(CommandError) as error:
        _verify(anchor_file.path)
    assert f"anchored event {anchor['id']}" in str(error.value)
    assert "has another hash than anchored" in str(error.value)


def test_removing_the_first_events_without_a_prune_fails(anchor_file):
    ids = _record(5)
    anchor = anchor_file()
    _delete(ids[:2])
    call_command("audit_verify")  # what remains verifies from its first row's prev_hash
    with pytest.raises(CommandError) as error:
        _verify(anchor_file.path)
    assert f"2 events up to anchored event {anchor['id']}" in str(
        error.value
    ) and "were removed without a recorded prune" in str(error.value)


def test_a_recorded_prune_passes(anchor_file, settings):
    ids = _record(5)
    anchor_file()
    old = timezone.now() - timedelta(days=40)
    # Age the first two events (their hash covers ``at``; they are about to go anyway).
    _as_superuser(*[(f"UPDATE {TABLE} SET at = %s WHERE id = %s", [old, i]) for i in ids[:2]])
    settings.AUDIT_RETENTION_DAYS = 30
    call_command("audit_prune", stdout=io.StringIO())
    assert not AuditEvent.objects.filter(id__in=ids[:2]).exists()
    anchor_file()
    assert "2 anchors checked" in _verify(anchor_file.path)


def test_removing_the_prune_record_too_fails(anchor_file, settings):
    ids = _record(5)
    anchor = anchor_file()
    _as_superuser(
        *[
            (f"UPDATE {TABLE} SET at = %s WHERE id = %s", [timezone.now() - timedelta(days=40), i])
            for i in ids[:2]
        ]
    )
    settings.AUDIT_RETENTION_DAYS = 30
    call_command("audit_prune", stdout=io.StringIO())
    _delete([AuditEvent.objects.get(action="audit.prune").id])
    with pytest.raises(CommandError) as error:
        _verify(anchor_file.path)
    assert f"2 events up to anchored event {anchor['id']}" in str(error.value)


def test_a_file_that_holds_no_anchor_is_refused(tmp_path):
    _record(1)
    path = tmp_path / "anchors.txt"
    path.write_text("not an anchor\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1 is not an audit anchor"):
        _verify(str(path))


def test_daily_task_logs_the_anchor_and_mails_it_to_the_network_admins(
    admin_user, focal_kz, caplog
):
    _record(2)
    UserFactory(username="former.admin", is_active=False, is_superuser=True)
    from members.tasks import audit_anchor

    with caplog.at_level(logging.INFO, logger="members.audit_anchor"):
        audit_anchor.delay()
    out = io.StringIO()
    call_command("audit_anchor", stdout=out)
    expected = {k: v for k, v in json.loads(out.getvalue()).items() if k != "at"}
    logged = next(r.getMessage() for r in caplog.records if "Audit anchor" in r.getMessage())
    assert {k: v for k, v in json.loads(logged.split(": ", 1)[1]).items() if k != "at"} == (
        expected
    )
    assert [m.to for m in mail.outbox] == [[admin_user.email]]
    body = mail.outbox[0].body
    line = next(line for line in body.splitlines() if line.startswith("{"))
    assert {k: v for k, v in json.loads(line).items() if k != "at"} == expected
    schedule = django_settings.CELERY_BEAT_SCHEDULE["members-audit-anchor"]
    assert schedule["task"] == audit_anchor.name
