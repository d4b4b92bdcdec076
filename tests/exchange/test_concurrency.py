"""References stay unique when queries are filed at the same moment (real transactions)."""

import threading

import pytest
from django.db import connection

from exchange.models import Query
from tests.factories.exchange import file_query

pytestmark = pytest.mark.django_db(transaction=True)


def test_queries_filed_at_once_get_distinct_consecutive_references(focal_kz, focal_uz):
    barrier = threading.Barrier(6)
    errors = []

    def file():
        try:
            barrier.wait()
            file_query(focal_kz)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = sorted(Query.objects.values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4, 5, 6]
    assert Query.objects.values("reference").distinct().count() == 6


def test_queries_filed_one_after_another_get_consecutive_references(focal_kz, focal_uz, uz):
    queries = [file_query(focal_kz) for _ in range(4)]
    assert [q.sequence for q in queries] == [1, 2, 3, 4]
    assert [q.reference for q in queries] == [
        f"IREN-KZ-{queries[0].year}-{n:05d}" for n in range(1, 5)
    ]
    # Another member's counter starts on its own.
    other = file_query(focal_uz, recipients=["KZ"])
    assert other.sequence == 1 and other.reference.startswith("IREN-UZ-")
