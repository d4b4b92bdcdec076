"""The notice table's monthly partitions (PostgreSQL declarative partitioning by range of
``expected_arrival``).

- ``CreatePartitionedModel``: the migration operation that creates the table as Django would,
  but ``PARTITION BY RANGE (expected_arrival)`` with the primary key ``(id, expected_arrival)``
  (a partitioned table's unique keys must hold its partition key) and a DEFAULT partition
  that catches any month not created yet.
- ``partitions_ensure``: creates the monthly partitions for the months given; rows of that
  month already in the DEFAULT partition move into the new one in the same statement.
- ``partitions``: the monthly partitions with their bounds; ``partition_drop``: detach and
  drop one (retention).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from django.db import connection, migrations, transaction

TABLE = "arrivals_notice"
DEFAULT_PARTITION = f"{TABLE}_default"
_NAME = re.compile(rf"^{TABLE}_y(\d{{4}})m(\d{{2}})$")

#: Partitions known to exist in this process (a filing asks the catalogue only once a month).
_known: set[str] = set()


def month_start(day) -> date:
    return date(day.year, day.month, 1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_y{month.year:04d}m{month.month:02d}"


def _bound(month: date) -> str:
    return datetime(month.year, month.month, 1, tzinfo=UTC).isoformat()


def partitions() -> dict[str, date]:
    """The monthly partitions that exist, by name, with their month."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = {}
    for name in names:
        match = _NAME.match(name)
        if match:
            found[name] = date(int(match[1]), int(match[2]), 1)
    _known.update(found)
    return found


def partitions_ensure(months) -> list[str]:
    """Create the monthly partitions of ``months`` (dates; any day of the month) that do not
    exist yet. Rows of such a month waiting in the DEFAULT partition move into the new one.
    Returns the names created."""
    wanted = {partition_name(month_start(m)): month_start(m) for m in months}
    if all(name in _known for name in wanted):
        return []
    existing = partitions()
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        for name, month in sorted(wanted.items()):
            if name in existing:
                continue
            lower, upper = _bound(month), _bound(next_month(month))
            # Take the table's lock first: two filers creating the same month wait in turn,
            # and the second finds the partition there.
            cursor.execute(f"LOCK TABLE {DEFAULT_PARTITION} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is not None:
                continue
            cursor.execute(
                f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            )
            cursor.execute(
                f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE expected_arrival >= %s"
                f" AND expected_arrival < %s RETURNING *) INSERT INTO {name} SELECT * FROM moved",
                [lower, upper],
            )
            cursor.execute(
                f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)",
                [lower, upper],
            )
            created.append(name)
    _known.update(wanted)
    return created


def partition_drop(name: str) -> None:
    """Detach and drop one monthly partition (its rows go with it)."""
    if not _NAME.match(name):
        raise ValueError(f"Not a monthly partition: {name!r}")
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of rows written earlier in this transaction would hold
        # the table: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
        cursor.execute(f"DROP TABLE {name}")
    _known.discard(name)


def forget_known() -> None:
    """Drop what this process remembers of the partitions (tests that roll back DDL)."""
    _known.clear()


class CreatePartitionedModel(migrations.CreateModel):
    """``CreateModel`` whose table is partitioned by range of ``partition_key``, with the
    primary key ``(pk, partition_key)`` and a DEFAULT partition. The model state is the
    usual one (Django sees ``id`` as the primary key)."""

    def __init__(self, *args, partition_key: str, **kwargs):
        self.partition_key = partition_key
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        kwargs["partition_key"] = self.partition_key
        return name, args, kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        table = model._meta.db_table
        sql, params = schema_editor.table_sql(model)
        pk = model._meta.pk.column
        quoted_pk = schema_editor.quote_name(pk)
        # The id column: a sequence of its own instead of an identity column, without the
        # single-column primary key.
        column_def = re.search(rf"{re.escape(quoted_pk)} [^,]*", sql)[0]
        sql = sql.replace(column_def, f"{quoted_pk} bigint NOT NULL", 1)
        key = schema_editor.quote_name(model._meta.get_field(self.partition_key).column)
        sql = sql[: sql.rindex(")")] + f", PRIMARY KEY ({quoted_pk}, {key}))"
        sql += f" PARTITION BY RANGE ({key})"
        sequence = f"{table}_{pk}_seq"
        schema_editor.execute(f"CREATE SEQUENCE {sequence}")
        schema_editor.execute(sql, params or None)
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN {quoted_pk} SET DEFAULT nextval('{sequence}')"
        )
        schema_editor.execute(f"ALTER SEQUENCE {sequence} OWNED BY {table}.{quoted_pk}")
        schema_editor.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
        schema_editor.deferred_sql.extend(schema_editor._model_indexes_sql(model))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.execute(f"DROP TABLE {model._meta.db_table} CASCADE")
