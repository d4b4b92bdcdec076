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
