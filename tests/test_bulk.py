"""``ireN.bulk``: what an array literal carries must come back from PostgreSQL unchanged."""

from datetime import date

import pytest
from django.db import connection

from ireN.bulk import array_literal

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's arrays"),
]

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
