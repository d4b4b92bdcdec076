"""Tamper evidence: the chain verifies, an edited row is named, nothing updates or deletes an
event but pruning, and concurrent writers leave one chain."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

from members.audit import audit_record
from members.models import AuditEvent

TABLE = AuditEvent._meta.db_table


def _record(n):
    return [audit_record(action="test.chain", detail={"n": i}, members=["KZ"]) for i in range(n)]


def test_chain_verifies(db, capsys):
    _record(5)
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "5 events checked" in out and "events/s" in out


def _tamper(sql, params):
    with connection.cursor() as cursor:
        # Fire the pending (deferred) foreign-key checks first: ALTER TABLE needs none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER members_auditevent_append_only")
        cursor.execute(sql, params)


def test_edited_row_is_named_and_verify_fails(db):
    ids = _record(5)
    _tamper(f"UPDATE {TABLE} SET object_reference = %s WHERE id = %s", ["forged", ids[2]])
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    assert f"Audit event {ids[2]} " in str(failure.value)


def test_deleted_row_in_the_middle_is_named(db):
    ids = _record(5)
    _tamper(f"DELETE FROM {TABLE} WHERE id = %s", [ids[2]])
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    assert f"Audit event {ids[3]} " in str(failure.value)


def test_the_application_never_changes_an_event(db):
    _record(1)
    event = AuditEvent.objects.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(action="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_the_trigger_refuses_update_and_delete(db):
    from django.db import transaction
    from django.db.utils import InternalError

    ids = _record(1)
    for sql in (
        f"UPDATE {TABLE} SET action = 'x' WHERE id = %s",
        f"DELETE FROM {TABLE} WHERE id = %s",
    ):
        with pytest.raises(InternalError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [ids[0]])


def test_deleting_a_user_keeps_the_chain(db, focal_kz):
    audit_record(action="test.user", actor=focal_kz)
    focal_kz.delete()
    event = AuditEvent.objects.get(action="test.user")
    assert event.actor_id is None and event.actor_username == "focal.kz"
    call_command("audit_verify")


def test_prune_removes_old_events_records_it_and_the_chain_still_verifies(db, settings, capsys):
    ids = _record(6)
    old = timezone.now() - timedelta(days=40)
    with connection.cursor() as cursor:
        # Fire the pending (deferred) foreign-key checks first: ALTER TABLE needs none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER members_auditevent_append_only")
        # Age the first three rows; ``at`` is hashed, so re-hash them as if written then.
        for event_id in ids[:3]:
            cursor.execute(f"UPDATE {TABLE} SET at = %s WHERE id = %s", [old, event_id])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER members_auditevent_append_only")
    settings.AUDIT_RETENTION_DAYS = 30
    call_command("audit_prune")
    remaining = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    # The aged rows no longer verify (their hash covers the old ``at``), but they are gone;
    # what remains starts from its first row's prev_hash.
    assert remaining[:3] == ids[3:]
    pruned = AuditEvent.objects.get(action="audit.prune")
    assert pruned.detail["removed"] == 3 and pruned.detail["last_id"] == ids[2]
    call_command("audit_verify")


def test_prune_without_retention_keeps_everything(db, settings, capsys):
    _record(2)
    settings.AUDIT_RETENTION_DAYS = None
    call_command("audit_prune")
    assert AuditEvent.objects.count() == 2
    assert "kept forever" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_one_chain_that_verifies():
    from django.db import transaction

    writers, per_writer = 8, 25
    barrier = threading.Barrier(writers)
    failures = []

    def write(n):
        try:
            barrier.wait()
            for i in range(per_writer):
                # Half inside a transaction with other work after the event, half autocommit.
                if i % 2:
                    with transaction.atomic():
                        audit_record(action="test.race", detail={"w": n, "i": i})
                        AuditEvent.objects.filter(action="test.race").exists()
                else:
                    audit_record(action="test.race", detail={"w": n, "i": i})
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert AuditEvent.objects.filter(action="test.race").count() == writers * per_writer
    call_command("audit_verify")


@pytest.mark.django_db(transaction=True)
def test_concurrent_services_leave_one_chain_that_verifies(focal_kz, focal_uz):
    """The real services at once: KZ files queries (the counter row locked, several events in
    one transaction, alert mails recorded after commit) while UZ replies to one query (its row
    locked) and reads are recorded in autocommit. Nobody deadlocks or fails; one chain."""
    from exchange import services
    from tests.factories.exchange import file_query

    target = file_query(focal_kz, recipients=["UZ"])
    rounds = 6
    barrier = threading.Barrier(4)
    failures = []

    def run(work):
        try:
            barrier.wait()
            for i in range(rounds):
                work(i)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    def file(i):
        file_query(focal_kz, recipients=["UZ"], subject=f"Race {i}")

    def reply(i):
        services.query_reply(query=target, user=focal_uz, body=f"Answer {i}")

    def read(i):
        audit_record(action="query.read", actor=focal_uz, obj=target, members=["KZ", "UZ"])

    threads = [threading.Thread(target=run, args=(w,)) for w in (file, file, reply, read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert AuditEvent.objects.filter(action="query.file").count() == 1 + 2 * rounds
    assert AuditEvent.objects.filter(action="query.reply").count() == rounds
    assert AuditEvent.objects.filter(action="query.read").count() == rounds
    assert AuditEvent.objects.filter(action="alert.email_sent").exists()
    call_command("audit_verify")
