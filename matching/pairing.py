"""Pairing inside PostgreSQL: new index rows with every other member's rows holding the same
value, and with the watch entries in force, written as hits in one ``INSERT … SELECT`` each.
Who learns what is ``matching.permissions.disclosable_sql`` and ``visible_sql``, read into the
statements; nothing is decided here.

The new rows reach the server as one array literal per column (``core.bulk.array_literal``):
a fixed number of statements per write, none per row, and no row travels out and back.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager, nullcontext
from datetime import date, datetime
from operator import attrgetter
from typing import NamedTuple

from django.db import connection
from django.db.models.base import ModelState
from django.utils import timezone

from core.bulk import array_literal

from . import permissions as rules
from .models import Hit, HitState, IdentifierEntry, MatchingExclusion, RecordType, WatchEntry

#: From this many new rows on, the pairing statement runs without JIT compilation (for one
#: statement that pairs a batch it costs more than it saves; below, it is never planned).
JIT_OFF_FROM_ROWS = 200


class IndexRow(NamedTuple):
    """An index row as it is written and paired (``party_ids``: an array literal)."""

    kind: str
    value: str
    display: str
    record_type: str
    record_id: int
    record_reference: str
    owner_member_id: int
    visibility: str
    party_ids: str
    matchable_outward: bool
    handling: str
    seen_on: date
    created_at: datetime


ENTRY_COLUMNS = IndexRow._fields

#: The new rows as pairing reads them: (column, SQL array type). The parties go as text (an
#: array of arrays would be flattened by ``unnest``) and are cast back row by row.
_PAIR_SOURCE = (
    ("kind", "varchar"), ("value", "varchar"), ("display", "varchar"),
    ("record_type", "varchar"), ("record_id", "bigint"), ("record_reference", "varchar"),
    ("owner_member_id", "bigint"), ("visibility", "varchar"), ("party_ids", "text"),
    ("matchable_outward", "boolean"), ("handling", "varchar"), ("seen_on", "date"),
)  # fmt: skip

#: The columns of a hit that pairing writes (the others keep their defaults).
_HIT_COLUMNS = (
    "for_member_id", "kind", "value", "display", "record_type", "record_id", "record_reference",
    "holder_member_id", "holder_record_type", "holder_record_id", "holder_record_reference",
    "holder_visible", "month", "state", "dismiss_reason", "alerted", "common", "created_at",
)  # fmt: skip


class Paired(NamedTuple):
    """A hit paired in the database, as far as its alerts need it."""

    pk: int
    for_member_id: int
    record_type: str
    alerted: bool


# --- What the index holds of some values -------------------------------------------------------


def keys_sql(keys: set[tuple[str, str]]) -> tuple[str, list]:
    """``(kind, value) in keys`` as SQL with its parameters, in a form the (kind, value) index
    serves: one ``kind = … AND value IN (…)`` per kind (more than 1,000 values as one array,
    ``= ANY``: each kind then one scan of the index for its sorted values; an ``IN (SELECT
    unnest(…))`` made the planner read every index row of the kinds and filter them).
    Written out rather than left to the ORM: a single record's write reads with it on every
    save, and the ORM spent longer compiling such a query than the database running it."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, value in keys:
        by_kind[kind].append(value)
    clauses, params = [], []
    for kind, values in sorted(by_kind.items()):
        if len(values) > 1000:
            clauses.append("(kind = %s AND value = ANY(%s::varchar[]))")
            params += [kind, array_literal(sorted(values))]
        else:
            clauses.append(f"(kind = %s AND value IN ({', '.join(['%s'] * len(values))}))")
            params += [kind, *sorted(values)]
    return " OR ".join(clauses) or "1 = 0", params


def held_counts(
    keys: set[tuple[str, str]], national_off: frozenset[int]
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """For each of ``keys``: how many index rows hold it, and how many of those the network
    may learn of (``network_disclosable_sql``: what the *common* mark counts). Both 0 for a
    key held once: only the values held more than once come back, and an import's values are
    mostly its own. One statement."""
    condition, params = keys_sql(keys)
    disclosable, disclosable_params = rules.network_disclosable_sql("e", national_off)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    disclosed: dict[tuple[str, str], int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, value, COUNT(*), COUNT(*) FILTER (WHERE {disclosable})"
            f" FROM {IdentifierEntry._meta.db_table} e"
            f" WHERE {condition} GROUP BY kind, value HAVING COUNT(*) > 1",
            disclosable_params + params,
        )
        for kind, value, held, held_disclosed in cursor.fetchall():
            counts[(kind, value)] = held
            disclosed[(kind, value)] = held_disclosed
    return counts, disclosed


# --- Hits --------------------------------------------------------------------------------------


def _hit_select(learner: str, about: str, national_off, now) -> tuple[str, list]:
    """One direction of pairing: ``learner``'s member learns of ``about``'s record, as far as
    the rule lets it."""
    member = f"{learner}.owner_member_id"
    visible, visible_params = rules.visible_sql(about, member)
    disclosable, disclosable_params = rules.disclosable_sql(about, member, national_off)
    sql = (
        f"SELECT {member}, {about}.kind, {about}.value, {learner}.display,"
        f" {learner}.record_type, {learner}.record_id, {learner}.record_reference,"
        f" {about}.owner_member_id, {about}.record_type, {about}.record_id,"
        f" {about}.record_reference, {visible}, date_trunc('month', {about}.seen_on)::date,"
        f" '{HitState.NEW.value}', '', NOT {visible}, false, %s"
        f" WHERE {disclosable}"
    )
    return sql, [*visible_params, *visible_params, now, *disclosable_params]


def _returned_fields(returning: bool) -> list:
    if returning:
        return list(Hit._meta.concrete_fields)
    return [Hit._meta.get_field(name) for name in ("id", "for_member", "record_type", "alerted")]


def _hits_write(select: str, params: list, *, returning: bool, batch: bool = False) -> list:
    """``INSERT … SELECT`` the hits ``select`` makes (one that exists already is left as it
    is) and return them: Hit instances, or ``Paired`` stand-ins with ``returning`` off."""
    fields = _returned_fields(returning)
    sql = (
        f"INSERT INTO {Hit._meta.db_table} ({', '.join(_HIT_COLUMNS)}) {select}"
        f" ON CONFLICT DO NOTHING"
        f" RETURNING {', '.join(connection.ops.quote_name(f.column) for f in fields)}"
    )
    with connection.cursor() as cursor, _without_jit(cursor) if batch else nullcontext():
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not returning:
        return [Paired(*row) for row in rows]
    attnames = [f.attname for f in fields]
    return [_hit_from_row(attnames, row, connection.alias) for row in rows]


def _apart_sql(new: str, partner_type: str, partner_id: str) -> str:
    """The pairs that must never make a hit (``apart``: four arrays, see ``_apart_params``)."""
    return (
        f"NOT EXISTS (SELECT 1 FROM unnest(%s::varchar[], %s::bigint[], %s::varchar[],"
        f" %s::bigint[]) AS x (nt, ni, pt, pi) WHERE x.nt = {new}.record_type"
        f" AND x.ni = {new}.record_id AND x.pt = {partner_type} AND x.pi = {partner_id})"
    )


def _apart_params(apart) -> list[str]:
    columns = list(zip(*apart, strict=True)) if apart else [(), (), (), ()]
    return [array_literal(column) for column in columns]


def pairs_write(fresh: list[IndexRow], national_off, *, returning: bool = True, apart=()) -> list:
    """Pair the ``fresh`` rows (``n``: new rows of values another record holds too, sent as
    arrays) with every row of another member (``o``, read by the (kind, value) index once per
    row), both ways, and write the hits; never a pair in ``apart`` (``(new record type, id,
    partner type, id)``). Returns them (see ``_hits_write``)."""
    if not fresh:
        return []
    arrays = ", ".join(f"%s::{sql_type}[]" for _name, sql_type in _PAIR_SOURCE)
    # (The parties arrive as text, ``parties``, and are read as the array ``party_ids``.)
    names = ", ".join("parties" if n == "party_ids" else n for n, _type in _PAIR_SOURCE)
    columns = names.replace("parties", "parties::bigint[] AS party_ids")
    now = timezone.now()
    one_way, one_way_params = _hit_select("n", "o", national_off, now)
    other_way, other_way_params = _hit_select("o", "n", national_off, now)
    select = (
        f"SELECT pair.* FROM (SELECT {columns} FROM unnest({arrays}) AS u ({names})) AS n"
        # (OFFSET 0 keeps the planner from hashing the whole index table: each new row
        # reads its few partners by the (kind, value) index.)
        f" CROSS JOIN LATERAL (SELECT * FROM {IdentifierEntry._meta.db_table} e"
        f" WHERE e.kind = n.kind AND e.value = n.value"
        f" AND e.owner_member_id <> n.owner_member_id"
        f" AND {_apart_sql('n', 'e.record_type', 'e.record_id')} OFFSET 0) AS o,"
        f" LATERAL ({one_way} UNION ALL {other_way}) AS pair"
    )
    params = [array_literal(map(attrgetter(name), fresh)) for name, _type in _PAIR_SOURCE]
    params += _apart_params(apart) + one_way_params + other_way_params
    return _hits_write(select, params, returning=returning, batch=len(fresh) >= JIT_OFF_FROM_ROWS)


def watch_hits_write(
    records: set[tuple[str, int]],
    common: set[tuple[str, str]],
    national_off,
    *,
    returning: bool = True,
    apart=(),
) -> list:
    """Hits for the watch entries in force that hold a value of the ``records``' index rows (a
    value on the exclusion list never matches) and whose member may learn of the row; never
    a pair in ``apart``. A hit on a ``common`` value is marked common and not alerted.
    Returns them (see ``_hits_write``)."""
    if not records:
        return []
    learner = "w.member_id"
    watch_type = f"'{RecordType.WATCH.value}'"
    visible, visible_params = rules.visible_sql("n", learner)
    disclosable, disclosable_params = rules.disclosable_sql("n", learner, national_off)
    types, ids = zip(*sorted(records), strict=True)
    common_kinds, common_values = zip(*sorted(common), strict=True) if common else ((), ())
    select = (
        f"SELECT w.member_id, n.kind, n.value, w.display, '{RecordType.WATCH.value}', w.id,"
        f" '', n.owner_member_id, n.record_type, n.record_id, n.record_reference, {visible},"
        f" date_trunc('month', n.seen_on)::date, '{HitState.NEW.value}', '',"
        f" NOT {visible} AND NOT c.common, c.common, %s"
        f" FROM unnest(%s::varchar[], %s::bigint[]) AS r (record_type, record_id)"
        f" JOIN {IdentifierEntry._meta.db_table} n"
        f" ON n.record_type = r.record_type AND n.record_id = r.record_id"
        f" JOIN {WatchEntry._meta.db_table} w ON w.kind = n.kind AND w.value = n.value"
        f" CROSS JOIN LATERAL (SELECT (n.kind, n.value) IN"
        f" (SELECT * FROM unnest(%s::varchar[], %s::varchar[])) AS common) AS c"
        f" WHERE (w.expires_on IS NULL OR w.expires_on >= %s) AND {disclosable}"
        f" AND NOT EXISTS (SELECT 1 FROM {MatchingExclusion._meta.db_table} x"
        f" WHERE x.kind = n.kind AND x.value = n.value)"
        f" AND {_apart_sql('n', watch_type, 'w.id')}"
    )
    params = [
        *visible_params,
        *visible_params,
        timezone.now(),
        array_literal(types),
        array_literal(ids),
        array_literal(common_kinds),
        array_literal(common_values),
        timezone.localdate(),
        *disclosable_params,
        *_apart_params(apart),
    ]
    return _hits_write(select, params, returning=returning)


# --- Helpers -----------------------------------------------------------------------------------


@contextmanager
def _without_jit(cursor):
    """No JIT compilation for the statements inside, restored afterwards: the transaction goes
    on (an import writes its audit event after matching)."""
    cursor.execute("SELECT current_setting('jit')")
    (before,) = cursor.fetchone()
    cursor.execute("SELECT set_config('jit', 'off', true)")
    try:
        yield
    finally:
        cursor.execute("SELECT set_config('jit', %s, true)", [before])


def _hit_from_row(attnames: list[str], row, alias: str) -> Hit:
    """A Hit from a row of its columns, without ``Model.__init__`` (several times faster for a
    batch's thousands; the instance is the same as one read by the ORM)."""
    hit = Hit.__new__(Hit)
    hit.__dict__.update(zip(attnames, row, strict=True))
    state = hit._state = ModelState()
    state.adding = False
    state.db = alias
    return hit
