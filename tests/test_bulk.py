"""``core.bulk``: what an array literal carries must come back from PostgreSQL unchanged; rows
and instances written in bulk read back as they went; the garbage collector is paused for an
import and only for it."""

import gc
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


_ENTRY_COLUMNS = ("kind", "value", "display", "record_type", "record_id", "record_reference",
                  "owner_member_id", "visibility", "party_ids", "matchable_outward", "handling",
                  "seen_on", "created_at")  # fmt: skip


def _entry_rows(count: int) -> list[tuple]:
    from django.utils import timezone

    now = timezone.now()
    return [
        ("company", f"V{i}", AWKWARD_TEXT[i % 8], "seizure", i, f'KZ/"{i}"', 1, "parties",
         ",1,", i % 2 == 0, "H2" if i % 3 else "", date(2026, 1 + i % 12, 1), now)
        for i in range(count)
    ]  # fmt: skip


def _stored_entries() -> list[tuple]:
    from matching.models import IdentifierEntry

    return sorted(IdentifierEntry.objects.values_list(*_ENTRY_COLUMNS), key=lambda row: row[4])


@pytest.mark.django_db
def test_rows_inserted_without_instances_read_back_as_bulk_create_writes_them(
    django_assert_num_queries,
):
    """``rows_insert``: every kind of value (text with quotes and Cyrillic, dates, aware
    datetimes, booleans) comes back through the ORM as it went in, in one statement."""
    from core.bulk import rows_insert
    from matching.models import IdentifierEntry

    rows = _entry_rows(400)
    with django_assert_num_queries(1):
        rows_insert(IdentifierEntry, _ENTRY_COLUMNS, rows)
    assert _stored_entries() == rows


@pytest.mark.django_db
def test_rows_beyond_one_statements_parameters_go_in_a_second_statement_none_lost(
    django_assert_num_queries,
):
    """One row more than ``MAX_PARAMETERS`` allows a statement (5,041 rows of 13 values)."""
    from core.bulk import MAX_PARAMETERS, rows_insert
    from matching.models import IdentifierEntry

    rows = _entry_rows(MAX_PARAMETERS // len(_ENTRY_COLUMNS) + 1)
    with django_assert_num_queries(2):
        rows_insert(IdentifierEntry, _ENTRY_COLUMNS, rows)
    assert _stored_entries() == rows


def _hits(kz, uz, count: int) -> list:
    from matching.models import Hit

    return [
        Hit(for_member=kz, kind="container", value=f"CSQU{i:07d}", display=f"CSQU {i:07d}",
            record_type="seizure", record_id=i, record_reference=f"KZ/{i}", holder_member=uz,
            holder_record_type="query", holder_record_id=i, holder_record_reference=f"UZ/{i}",
            month=date(2026, 1, 1))
        for i in range(1, count + 1)
    ]  # fmt: skip


def _hit_rows(hits) -> list[tuple]:
    return [(h.pk, h.value, h.display, h.holder_record_reference, h.month) for h in hits]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("count", "copy_from", "statement"),
    [(1, 0, "SELECT nextval("), (3, 0, "SELECT nextval("), (3, 4, "INSERT INTO")],
)
def test_instances_inserted_have_their_pks_and_read_back_as_they_went(
    kz, uz, count, copy_from, statement
):
    """``instances_insert``: by COPY (the pks from the sequence in the one statement Django
    sees, then the rows through psycopg2's COPY) from ``copy_from`` instances on, by
    ``bulk_create``'s INSERT below; each instance knows its pk either way, and the table holds
    exactly the instances."""
    from core.bulk import instances_insert
    from matching.models import Hit

    hits = _hits(kz, uz, count)
    with CaptureQueriesContext(connection) as captured:
        instances_insert(Hit, hits, copy_from=copy_from)
    assert [q["sql"][: len(statement)] for q in captured.captured_queries] == [statement]
    assert all(hit.pk for hit in hits) and len({hit.pk for hit in hits}) == count
    stored = Hit.objects.order_by("pk")
    assert _hit_rows(stored) == sorted(_hit_rows(hits))
    assert not any(hit._state.adding for hit in hits)


@pytest.mark.django_db
def test_no_instances_cost_no_statement(django_assert_num_queries):
    from core.bulk import instances_insert
    from matching.models import Hit

    with django_assert_num_queries(0):
        instances_insert(Hit, [])
