"""Bulk writes shared by the apps (imports, the identifier index, alerts): COPY and array
literals."""

from __future__ import annotations

import csv
import gc
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice

from django.db import connection
from django.db.models.base import ModelState

#: Rows turned into CSV per piece sent to the server. The rows are made while the server
#: writes the ones before (two processes, two cores): a batch's COPY costs about the larger
#: of the two, not their sum. A piece of 2,000 rows is a few hundred KiB.
COPY_PIECE_ROWS = 2000


class _CsvPieces(io.TextIOBase):
    """A file psycopg2's ``copy_expert`` reads: each ``read`` turns the next rows of ``rows``
    into CSV, so nothing is built before the first piece goes out."""

    def __init__(self, rows: Iterable[Sequence]):
        self._rows: Iterator[Sequence] = iter(rows)
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        piece = list(islice(self._rows, COPY_PIECE_ROWS))
        if not piece:
            return ""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerows(piece)
        return self._buffer.getvalue()


def copy_rows(table: str, columns: Sequence[str], not_null: Iterable[str], rows) -> None:
    """COPY ``rows`` (sequences of cells in ``columns`` order; an iterable, consumed as the
    rows go out) into ``table`` as CSV. An empty cell (``""`` or None) is NULL, except in the
    ``not_null`` columns, where it is the empty string; any other text, a backslash or a line
    break included, comes through as it is."""
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN "
            f"WITH (FORMAT csv, FORCE_NOT_NULL ({', '.join(not_null)}))",
            _CsvPieces(rows),
        )


def array_literal(values: Iterable) -> str:
    """``values`` as one PostgreSQL array literal (``'{…}'``), to pass as a single parameter
    cast to an array type. psycopg2 would send a list as ``ARRAY[…]`` with an expression per
    element, and for a batch's 100,000 values the server then spends longer parsing and
    planning those than running the statement. Text is quoted (a backslash or a double quote
    escaped), None is NULL."""
    values = list(values)
    types = set(map(type, values))
    if types == {str}:
        plain = "".join(values)
        if "\\" not in plain and '"' not in plain:  # (most batches: nothing to escape)
            return '{"' + '","'.join(values) + '"}'
    elif types == {int}:
        return "{" + ",".join(map(str, values)) + "}"
    return "{" + ",".join(map(_array_element, values)) + "}"


def _array_element(value) -> str:
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        value = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _copy_cell(field):
    """How a value of ``field`` goes into a COPY's CSV cell (None: as it is). JSON is written
    as JSON text and an array as one array literal; everything else reads back from its
    ``str``."""
    from django.contrib.postgres.fields import ArrayField
    from django.db.models import JSONField

    if isinstance(field, JSONField):
        encoder = field.encoder

        def json_text(value):
            return None if value is None else json.dumps(value, cls=encoder)

        return json_text
    if isinstance(field, ArrayField):
        return lambda value: None if value is None else array_literal(value)
    return None


def instances_insert(model, instances: list) -> None:
    """Write new model instances (alerts, notices): those without a pk take theirs from the
    table's sequence in one statement (an instance may have taken its own before, with
    ``sequence_take``) and they go in by COPY (building ``bulk_create``'s INSERTs costs more
    than the rows' own work: COPY is as fast from one row on, three times faster from a
    hundred). Every instance has its pk afterwards (the outbox is given the alerts' ids). A
    duplicate fails (the unique constraints)."""
    if not instances:
        return
    table = model._meta.db_table
    fields = model._meta.concrete_fields
    without_pk = [instance for instance in instances if instance.pk is None]
    if without_pk:
        for instance, pk in zip(without_pk, sequence_take(table, len(without_pk)), strict=True):
            instance.pk = pk
    attnames = [f.attname for f in fields]
    converters = [(name, _copy_cell(field)) for name, field in zip(attnames, fields, strict=True)]

    def row(instance):
        # Straight from the instance's dict (a field's descriptor, e.g. a country's, would
        # build an object per cell); a value not there (deferred) through the attribute.
        values = instance.__dict__
        cells = [values[name] if name in values else getattr(instance, name) for name in attnames]
        for index, (_name, convert) in enumerate(converters):
            if convert is not None:
                cells[index] = convert(cells[index])
        return cells

    copy_rows(
        table,
        [connection.ops.quote_name(f.column) for f in fields],
        [connection.ops.quote_name(f.column) for f in fields if not f.null],
        map(row, instances),
    )
    for instance in instances:
        instance._state.adding = False
        instance._state.db = connection.alias


#: Per model: its fields' plain defaults by attname, its callable defaults, its relations.
_blueprints: dict = {}


def _blueprint(model):
    if model not in _blueprints:
        plain, made, relations = {}, [], {}
        for field in model._meta.concrete_fields:
            if field.has_default() and callable(field.default):
                made.append((field.attname, field.default))
            else:
                plain[field.attname] = field.get_default()
            if field.is_relation:
                relations[field.name] = field
        names = {f.name for f in model._meta.concrete_fields} | set(plain) | {a for a, _d in made}
        _blueprints[model] = (plain, made, relations, names)
    return _blueprints[model]


def instance_new(model, values: dict):
    """A new (unsaved) instance of ``model`` with ``values`` (field names or attnames; a
    relation given as an instance or None), the other fields at their defaults: what
    ``model(**values)`` makes, without its per-field machinery (a bulk write makes tens of
    thousands; ``__init__`` costs more than the row's COPY). No ``pre_init``/``post_init``
    signal is sent: for models that have no receiver of them (notices, alerts)."""
    plain, made, relations, names = _blueprint(model)
    instance = model.__new__(model)
    instance._state = ModelState()
    cells = instance.__dict__
    cells.update(plain)
    for attname, default in made:
        if attname not in values:
            cells[attname] = default()
    for name, value in values.items():
        field = relations.get(name)
        if field is not None:
            cells[field.attname] = None if value is None else value.pk
            if value is not None:
                field.set_cached_value(instance, value)
        elif name in names:
            cells[name] = value
        else:
            raise TypeError(f"{model.__name__} has no field {name!r}")
    return instance


def sequence_take(table: str, count: int) -> list[int]:
    """``count`` new pks from ``table``'s id sequence, in one statement (rows written by COPY
    then have their pks without being read back)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


@contextmanager
def gc_paused():
    """Python's cyclic garbage collector paused for a bulk job (an import). Such a job keeps
    millions of objects alive at once (rows, checked values, index rows, hits), and each full
    collection walks all of them again: several seconds of a 100,000-row import
    (docs/PERFORMANCE.md). Reference counting still frees every object as usual; only cycles
    wait for the collector, which runs again at the end. Nested or concurrent uses leave it
    on once the first caller that found it on is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
