"""The parties column turns from text (``",1,3,"``) into ``bigint[]`` and back, rows kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

TEXT = ("matching", "0001_initial")
ARRAY = ("matching", "0002_party_ids_array")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _migrate_to_the_end():
    """Every app back at its newest migration (going back to ``TEXT`` also unapplied the
    migrations of other apps that depend on it)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _row(cursor, record_id, parties):
    cursor.execute(
        "INSERT INTO exchange_identifierentry (kind, value, display, record_type, record_id,"
        " record_reference, owner_member_id, visibility, party_ids, matchable_outward,"
        " handling, seen_on, created_at)"
        " VALUES ('container', 'V', 'V', 'query', %s, 'R', 1, 'parties', %s, true, '',"
        " '2026-05-01', now())",
        [record_id, parties],
    )


@pytest.mark.django_db(transaction=True)
def test_the_parties_keep_their_members_both_ways():
    _migrate(TEXT)
    try:
        with connection.cursor() as cursor:
            _row(cursor, 1, ",1,3,")
            _row(cursor, 2, "")
            _row(cursor, 3, ",42,")
        _migrate(ARRAY)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT record_id, party_ids FROM exchange_identifierentry ORDER BY record_id"
            )
            assert cursor.fetchall() == [(1, [1, 3]), (2, []), (3, [42])]
        _migrate(TEXT)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT record_id, party_ids FROM exchange_identifierentry ORDER BY record_id"
            )
            assert cursor.fetchall() == [(1, ",1,3,"), (2, ""), (3, ",42,")]
    finally:
        _migrate_to_the_end()
