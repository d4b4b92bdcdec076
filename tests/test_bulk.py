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
@pytest.mark.parametrize("count", [1, 3, 250])
def test_instances_inserted_have_their_pks_and_read_back_as_they_went(kz, uz, count):
    """``instances_insert``: by COPY whatever their number (the pks from the sequence in the
    one statement Django sees, then the rows through psycopg2's COPY); each instance knows its
    pk, and the table holds exactly the instances."""
    from core.bulk import instances_insert
    from matching.models import Hit

    hits = _hits(kz, uz, count)
    with CaptureQueriesContext(connection) as captured:
        instances_insert(Hit, hits)
    statement = "SELECT nextval("
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


@pytest.mark.django_db
def test_a_quick_instance_is_what_the_constructor_makes(kz, uz, focal_uz):
    """``instance_new``: the same field values as ``Model(**values)`` (defaults, callable
    defaults, relations given as instances), the relation read without a query, and it
    saves and reads back like one."""
    from django.utils import timezone

    from alerts.models import Alert
    from core.bulk import instance_new

    values = {"recipient": focal_uz, "channel": "portal", "event": "arrival", "subject_id": 7}
    made, built = instance_new(Alert, dict(values)), Alert(**values)
    assert made.next_attempt_at and made.next_attempt_at <= timezone.now()
    # Everything but the moments taken from the clock is the same.
    clock = {"next_attempt_at", "created_at"}
    fields = [f.attname for f in Alert._meta.concrete_fields if f.attname not in clock]
    assert {n: getattr(made, n) for n in fields} == {n: getattr(built, n) for n in fields}
    assert made._state.adding and made.pk is None
    with CaptureQueriesContext(connection) as captured:
        assert made.recipient is focal_uz
    assert captured.captured_queries == []
    made.save()
    assert Alert.objects.get(pk=made.pk).recipient_id == focal_uz.pk
    with pytest.raises(TypeError):
        instance_new(Alert, {"no_such_field": 1})
