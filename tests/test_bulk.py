"""``core.bulk``: what an array literal carries must come back from PostgreSQL unchanged; the
garbage collector is paused for an import and only for it."""

import gc
from datetime import date

import pytest
from django.db import connection

from core.bulk import array_literal, gc_paused

AWKWARD_TEXT = [
    "plain",
    "",
    'a "quoted" word',
    "back\\slash \\N",
    "comma, {braces} and 'single quotes'",
    "NULL",
    "tab\tand\nnewline",
    "ТОО «Aktau Ceramics»",
    None,
]


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's arrays")
@pytest.mark.parametrize(
    ("values", "sql_type"),
    [
        (AWKWARD_TEXT, "varchar"),
        (["plain", "with space", "ТОО «Aktau»", "comma, {braces}", "NULL", ""], "varchar"),
        (["only a \\ backslash", 'only a " quote'], "varchar"),
        ([1, 0, -5, 10**15], "bigint"),
        ([True, False], "boolean"),
        ([date(2026, 11, 29), date(1999, 1, 1)], "date"),
        ([], "varchar"),
    ],
)
def test_an_array_literal_comes_back_as_it_went(values, sql_type):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT %s::{sql_type}[]", [array_literal(values)])
        (back,) = cursor.fetchone()
    assert back == values


def test_the_collector_is_paused_inside_and_on_again_after_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with gc_paused():
            assert not gc.isenabled()
            with gc_paused():  # nested: the inner one leaves it to the outer
                assert not gc.isenabled()
            assert not gc.isenabled()
            raise RuntimeError
    assert gc.isenabled()


@pytest.mark.django_db
def test_an_import_runs_with_the_collector_paused(monkeypatch, analyst_kz):
    from seizures import importing
    from tests.seizures.conftest import csv_bytes, row

    seen = []
    real = importing.seizures_write

    def write(reports):
        seen.append(gc.isenabled())
        return real(reports)

    monkeypatch.setattr(importing, "seizures_write", write)
    from seizures.vocabulary import ensure_commodities

    ensure_commodities()
    assert importing.seizures_import(user=analyst_kz, content=csv_bytes([row()])) == 1
    assert seen == [False] and gc.isenabled()


@pytest.mark.django_db
def test_rows_inserted_without_instances_read_back_as_bulk_create_writes_them(
    django_assert_max_num_queries,
):
    """``rows_insert``: every kind of value (text with quotes and Cyrillic, dates, aware
    datetimes, booleans) comes back through the ORM as it went in, on either backend, and
    more rows than one statement's parameters allow go in several statements, none lost."""
    from django.utils import timezone

    from core.bulk import rows_insert
    from matching.models import IdentifierEntry

    columns = ("kind", "value", "display", "record_type", "record_id", "record_reference",
               "owner_member_id", "visibility", "party_ids", "matchable_outward", "handling",
               "seen_on", "created_at")  # fmt: skip
    now = timezone.now()
    rows = [
        ("company", f"V{i}", AWKWARD_TEXT[i % 8], "seizure", i, f'KZ/"{i}"', 1, "parties",
         ",1,", i % 2 == 0, "H2" if i % 3 else "", date(2026, 1 + i % 12, 1), now)
        for i in range(400)
    ]  # fmt: skip
    # SQLite takes 999 parameters a statement (76 rows of 13): six statements; PostgreSQL one.
    with django_assert_max_num_queries(6 if connection.vendor == "sqlite" else 1):
        rows_insert(IdentifierEntry, columns, rows)
    stored = sorted(IdentifierEntry.objects.values_list(*columns), key=lambda row: row[4])
    assert stored == rows
