"""Bulk writes on PostgreSQL shared by the apps (imports, the identifier index, hits)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.db import connection

#: How much of the CSV buffer goes to the server per call (psycopg2's default is 8 KiB: a
#: 100,000-row batch would take thousands of calls).
COPY_CHUNK = 1 << 20


def copy_rows(table: str, columns: Sequence[str], not_null: Iterable[str], rows) -> None:
    """COPY ``rows`` (sequences of cells in ``columns`` order) into ``table`` as CSV. An empty
    cell (``""`` or None) is NULL, except in the ``not_null`` columns, where it is the empty
    string; any other text, a backslash or a line break included, comes through as it is."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN "
            f"WITH (FORMAT csv, FORCE_NOT_NULL ({', '.join(not_null)}))",
            buffer,
            size=COPY_CHUNK,
        )


def sequence_take(table: str, count: int) -> list[int]:
    """``count`` new pks from ``table``'s id sequence, in one statement (rows written by COPY
    then have their pks without being read back)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]
