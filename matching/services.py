"""Every write of cross-country matching: keeping the identifier index current, matching new
rows against other members' records and watch entries, hits and their states, watch entries,
the exclusion list and each member's national-reports setting.

Matching is set-based: whatever the number of records written at once, it reads the index
with a fixed number of statements and writes hits with one ``bulk_create``. Who learns what is
decided by ``matching.permissions`` (``disclosable``, ``visible``), never here.

Values held by more than ``MATCHING_COMMON_THRESHOLD`` records are *common*: their existing
hits are marked common and stop alerting, and a new record carrying one raises no new hit
(otherwise every new record would make a hit per holder, as in MISP's over-correlation).

(About 500 lines on purpose: the index writes, the set-based match and the hit alerts are one
pipeline whose statements are counted together; split, the fixed-statement guarantee would
be spread over modules.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager, nullcontext
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.utils import timezone

from alerts.models import AlertEvent
from core.bulk import array_literal, copy_rows, instances_insert, rows_insert
from core.identifiers import InvalidIdentifier, display_value, normalise
from members import caching

from . import permissions as rules
from .models import (
    Hit,
    HitState,
    IdentifierEntry,
    MatchingExclusion,
    MemberMatchingSetting,
    RecordType,
    RecordVisibility,
    WatchEntry,
    party_ids_text,
)

INDEXED_TYPES = (RecordType.QUERY, RecordType.SEIZURE)
_VISIBILITIES = frozenset(RecordVisibility.values)
OPEN_STATES = (HitState.NEW, HitState.SEEN)
#: From this many records (for their index rows) or hits on, they go in by COPY on PostgreSQL
#: (fewer: INSERT).
COPY_MIN_ROWS = 200
#: On PostgreSQL, pair new rows with the others in the database (``_pairs_match_in_database``);
#: off, in Python as on SQLite (the tests compare the two).
PAIR_IN_DATABASE = True


# --- The index ---------------------------------------------------------------------------------


def _entries(record: dict, now) -> list[_Entry]:
    """The index rows of one record (invalid identifiers are left out: they cannot match)."""
    if record["record_type"] not in INDEXED_TYPES:
        raise ValueError(f"Unknown record type {record['record_type']!r}")
    if record["visibility"] not in _VISIBILITIES:
        raise ValueError(f"Unknown visibility {record['visibility']!r}")
    parties = set(record.get("party_member_ids") or ()) | {record["owner_member_id"]}
    party_ids = party_ids_text(parties)
    reference = (record.get("record_reference") or "")[:64]
    matchable_outward = bool(record.get("matchable_outward", True))
    handling = record.get("handling") or ""
    rows: dict[tuple[str, str], _Entry] = {}
    for kind, raw in record.get("identifiers") or ():
        try:
            value = normalise(kind, raw)
        except InvalidIdentifier:
            continue
        if (kind, value) not in rows:
            rows[(kind, value)] = _Entry(
                kind, value, display_value(raw), record["record_type"], record["record_id"],
                reference, record["owner_member_id"], record["visibility"], party_ids,
                matchable_outward, handling, record["seen_on"], now,
            )  # fmt: skip
    return list(rows.values())


def _by_type(records) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = defaultdict(list)
    for record in records:
        ids[record["record_type"]].append(record["record_id"])
    return ids


def _records_q(ids_by_type: dict[str, list[int]], prefix: str = "") -> Q:
    condition = Q(pk__in=[])
    for record_type, ids in ids_by_type.items():
        condition |= Q(**{f"{prefix}record_type": record_type, f"{prefix}record_id__in": ids})
    return condition


@transaction.atomic(savepoint=False)
def identifiers_index(
    *,
    record_type: str,
    record_id: int,
    record_reference: str,
    owner_member_id: int,
    visibility: str,
    party_member_ids: Iterable[int] = (),
    matchable_outward: bool = True,
    handling: str = "",
    seen_on: date,
    identifiers: Iterable[tuple[str, str]],
    excluded_partners: Iterable[tuple[str, int]] = (),
) -> list[Hit]:
    """Replace one record's index rows with ``identifiers`` (``(kind, raw text)`` pairs) and
    match them, never with the records in ``excluded_partners`` (``(record type, id)``
    pairs). Returns the hits this made (for either side)."""
    return identifiers_index_many(
        records=[
            {
                "record_type": record_type,
                "record_id": record_id,
                "record_reference": record_reference,
                "owner_member_id": owner_member_id,
                "visibility": visibility,
                "party_member_ids": list(party_member_ids),
                "matchable_outward": matchable_outward,
                "handling": handling,
                "seen_on": seen_on,
                "identifiers": list(identifiers),
                "excluded_partners": list(excluded_partners),
            }
        ]
    )


@transaction.atomic(savepoint=False)
def identifiers_index_import(*, records: list[dict]) -> int:
    """``identifiers_index_many(new=True)`` for an import, which needs its hits written and
    alerted but never looks at them: returns only their number. On PostgreSQL the pairing
    statement then sends back only what the alerts need (for 135,000 hits, reading every
    column back and making instances of them cost about 0.75 s)."""
    if not records:
        return 0
    return len(_match(_entries_insert(records, timezone.now()), new=True, returning=False))


@transaction.atomic(savepoint=False)
def identifiers_index_many(*, records: list[dict], new: bool = False) -> list[Hit]:
    """Index many records at once (an import): each dict has the keyword arguments of
    ``identifiers_index``. A fixed number of statements whatever the number of records: one
    delete, one bulk insert of rows (COPY on PostgreSQL), the set-based match and one
    ``bulk_create`` of hits. ``new=True`` (records written in this transaction, such as an
    import's) skips what only an edit needs: removing old rows and revising old hits.

    A record's optional ``excluded_partners`` (``(record type, id)`` pairs, a watch entry
    included) are records it never makes a hit with, on either side: a query asking about a
    hit names the hit's two records, so asking does not echo as new hits."""
    if not records:
        return []
    now = timezone.now()
    if not new:
        IdentifierEntry.objects.filter(_records_q(_by_type(records))).delete()
    entries = _entries_insert(records, now)
    if not new:
        _hits_withdraw_undisclosable(records)
        _holder_visibility_refresh(records)
    excluded = {
        (record["record_type"], record["record_id"]): {
            (record_type, int(record_id)) for record_type, record_id in partners
        }
        for record in records
        if (partners := record.get("excluded_partners"))
    }
    return _match(entries, new=new, excluded=excluded)


_ENTRY_COLUMNS = (
    "kind", "value", "display", "record_type", "record_id", "record_reference",
    "owner_member_id", "visibility", "party_ids", "matchable_outward", "handling", "seen_on",
    "created_at",
)  # fmt: skip


def _entries_insert(records: list[dict], now) -> list[_Entry]:
    """Write the records' index rows and return them: COPY on PostgreSQL for a batch (several
    times faster than INSERTs; the rows' pks are never needed), made while they go out, so the
    server writes one piece while the next is made; one ``INSERT … VALUES`` otherwise
    (``rows_insert``)."""
    entries: list[_Entry] = []
    columns = attrgetter(*_ENTRY_COLUMNS)
    if connection.vendor != "postgresql" or len(records) < COPY_MIN_ROWS:
        entries += (entry for record in records for entry in _entries(record, now))
        rows_insert(IdentifierEntry, _ENTRY_COLUMNS, map(columns, entries))
        return entries

    def rows():
        for record in records:
            for entry in _entries(record, now):
                entries.append(entry)
                yield columns(entry)

    copy_rows(IdentifierEntry._meta.db_table, _ENTRY_COLUMNS, _ENTRY_COLUMNS, rows())
    return entries


@transaction.atomic
def identifiers_remove(*, record_type: str, record_id: int) -> int:
    """Take a withdrawn or deleted record out of the index. Its hits nobody acted on yet go
    too (on both sides); asked, confirmed and dismissed ones stay as history. Returns the
    number of index rows removed."""
    removed, _detail = IdentifierEntry.objects.filter(
        record_type=record_type, record_id=record_id
    ).delete()
    Hit.objects.filter(
        Q(record_type=record_type, record_id=record_id)
        | Q(holder_record_type=record_type, holder_record_id=record_id),
        state__in=OPEN_STATES,
    ).delete()
    Hit.objects.filter(holder_record_type=record_type, holder_record_id=record_id).update(
        holder_visible=False
    )
    return removed


def _hits_withdraw_undisclosable(records: list[dict]) -> None:
    """A record edited into H3, marked excluded or turned H2 takes back the hits others have
    not acted on yet."""
    closed = _by_type([r for r in records if not r.get("matchable_outward", True)])
    if closed:
        Hit.objects.filter(_records_q(closed, "holder_"), state__in=OPEN_STATES).delete()
    for record in records:
        if record.get("matchable_outward", True) and record.get("handling") == "H2":
            parties = set(record.get("party_member_ids") or ()) | {record["owner_member_id"]}
            Hit.objects.filter(
                holder_record_type=record["record_type"],
                holder_record_id=record["record_id"],
                state__in=OPEN_STATES,
            ).exclude(for_member_id__in=parties).delete()


def _holder_visibility_refresh(records: list[dict]) -> None:
    """Hits about these records show their reference exactly when the record is now shared
    with the network or the hit's member is now a party (one UPDATE per sharing pattern)."""
    network = _by_type([r for r in records if r["visibility"] == RecordVisibility.NETWORK])
    if network:
        Hit.objects.filter(_records_q(network, "holder_"), holder_visible=False).update(
            holder_visible=True
        )
    by_parties: dict[frozenset, list[dict]] = defaultdict(list)
    for record in records:
        if record["visibility"] != RecordVisibility.NETWORK:
            parties = frozenset(record.get("party_member_ids") or ()) | {record["owner_member_id"]}
            by_parties[parties].append(record)
    for parties, group in by_parties.items():
        holders = Hit.objects.filter(_records_q(_by_type(group), "holder_"))
        holders.filter(holder_visible=True).exclude(for_member_id__in=parties).update(
            holder_visible=False
        )
        holders.filter(holder_visible=False, for_member_id__in=parties).update(holder_visible=True)


# --- Matching ----------------------------------------------------------------------------------


def national_matching_off() -> frozenset[int]:
    """Members whose national reports do not take part in matching (from the vocabulary
    cache: read by every record written, changed by a member admin now and then)."""
    return frozenset(
        caching.vocabulary(
            "matching-national-off",
            lambda: list(
                MemberMatchingSetting.objects.filter(national_reports_match=False).values_list(
                    "member_id", flat=True
                )
            ),
        )
    )


def excluded_keys() -> set[tuple[str, str]]:
    """The (kind, value) pairs on the network admins' exclusion list (short and curated: read
    whole, from the vocabulary cache)."""
    return set(
        caching.vocabulary(
            "matching-exclusions",
            lambda: list(MatchingExclusion.objects.values_list("kind", "value")),
        )
    )


def matching_cache_signals_connect() -> None:
    """The exclusion list and the national-reports settings are cached vocabularies: any
    change invalidates them."""
    from django.db.models.signals import post_delete, post_save

    for model in (MatchingExclusion, MemberMatchingSetting):
        for signal in (post_save, post_delete):
            uid = f"iren-vocabulary-{model.__name__}-{id(signal)}"
            signal.connect(caching.vocabulary_changed, sender=model, dispatch_uid=uid)


def _month(day: date) -> date:
    return day.replace(day=1)


def _hit(learner_member_id, learner: dict, about: _Row, visible: bool) -> Hit:
    return Hit(
        for_member_id=learner_member_id,
        kind=about.kind,
        value=about.value,
        display=learner["display"],
        record_type=learner["record_type"],
        record_id=learner["record_id"],
        record_reference=learner["record_reference"],
        holder_member_id=about.owner_member_id,
        holder_record_type=about.record_type,
        holder_record_id=about.record_id,
        holder_record_reference=about.record_reference,
        holder_visible=visible,
        month=_month(about.seen_on),
        alerted=not visible,
    )


def _side(entry: _Row) -> dict:
    return {
        "display": entry.display,
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "record_reference": entry.record_reference,
    }


def _match(
    entries: list[_Entry],
    new: bool = False,
    returning: bool = True,
    excluded: dict[tuple[str, int], set[tuple[str, int]]] | None = None,
) -> list:
    """Match freshly indexed rows against every other member's rows and the watch entries;
    write the hits (both sides) and their alerts. ``new``: the records were written in this
    transaction, so no hit of theirs exists yet. ``excluded``: for a new record, the records
    (and watch entries) it is never paired with. Returns the hits made; with ``returning``
    off, those paired in the database are ``_Paired`` stand-ins (what the alerts read)."""
    if not entries:
        return []
    excluded = excluded or {}
    keys = {(e.kind, e.value) for e in entries}
    keys -= excluded_keys()
    if not keys:
        return []
    values = sorted({v for _k, v in keys})
    national_off = national_matching_off()
    # Common: held by more than the threshold of records the network may learn of (records
    # hidden from it, such as a member's own excluded ones, never make a value common).
    counts, disclosed_counts = _held_counts(keys, national_off)
    threshold = settings.MATCHING_COMMON_THRESHOLD
    common = {k for k in keys if disclosed_counts[k] > threshold}
    new_records = {(e.record_type, e.record_id) for e in entries}

    proposed: dict[tuple, Hit] = {}

    def propose(hit: Hit) -> None:
        key = (
            hit.for_member_id,
            hit.record_type,
            hit.record_id,
            hit.holder_record_type,
            hit.holder_record_id,
            hit.kind,
            hit.value,
        )
        proposed.setdefault(key, hit)

    # Only values some other record holds too can match: most of an import's values are held
    # by the new record alone, and their rows are never read back.
    matchable = {k for k in keys - common if counts[k] > 1}
    paired: list[Hit] = []
    if matchable and connection.vendor == "postgresql" and PAIR_IN_DATABASE:
        # PostgreSQL pairs inside the database (the same rules, as SQL): no row travels out
        # and back, and a single record's hits take one statement.
        paired = _pairs_match_in_database(
            [e for e in entries if (e.kind, e.value) in matchable],
            national_off,
            returning=returning,
            excluded=excluded,
        )
    elif matchable:
        rows: dict[tuple[str, str], list[_Row]] = defaultdict(list)
        for values_row in (
            IdentifierEntry.objects.filter(_keys_condition(matchable))
            .order_by()
            .values_list(*_ROW_FIELDS)
        ):
            row = _Row(*values_row)
            if (row.kind, row.value) in matchable:
                rows[(row.kind, row.value)].append(row)
        for holders in rows.values():
            fresh = [r for r in holders if (r.record_type, r.record_id) in new_records]
            for added in fresh:
                apart = excluded.get((added.record_type, added.record_id), ())
                for other in holders:
                    if other.owner_member_id == added.owner_member_id:
                        continue
                    if (other.record_type, other.record_id) in apart:
                        continue
                    for learner, about in ((added, other), (other, added)):
                        member_id = learner.owner_member_id
                        if rules.disclosable(about, member_id, national_off):
                            propose(
                                _hit(
                                    member_id,
                                    _side(learner),
                                    about,
                                    rules.visible(about, member_id),
                                )
                            )

    watched: dict[tuple[str, str], list[_Watch]] = defaultdict(list)
    for watch in _watches(values):
        watched[(watch.kind, watch.value)].append(watch)
    for entry in entries:
        apart = excluded.get((entry.record_type, entry.record_id), ())
        for watch in watched.get((entry.kind, entry.value), ()):
            if not rules.disclosable(entry, watch.member_id, national_off):
                continue
            if (RecordType.WATCH, watch.pk) in apart:
                continue
            side = {
                "display": watch.display,
                "record_type": RecordType.WATCH,
                "record_id": watch.pk,
                "record_reference": "",
            }
            hit = _hit(watch.member_id, side, entry, rules.visible(entry, watch.member_id))
            hit.common = (entry.kind, entry.value) in common
            hit.alerted = hit.alerted and not hit.common
            propose(hit)

    if common:
        for kind in {k for k, _v in common}:
            Hit.objects.filter(
                kind=kind, value__in=[v for k, v in common if k == kind], common=False
            ).update(common=True)
    if not proposed:
        _hits_alert([hit for hit in paired if hit.alerted])
        return paired
    existing = (
        set()
        if new
        else set(
            Hit.objects.filter(
                _records_q(_by_type_set(new_records))
                | _records_q(_by_type_set(new_records), "holder_")
            ).values_list(
                "for_member_id",
                "record_type",
                "record_id",
                "holder_record_type",
                "holder_record_id",
                "kind",
                "value",
            )
        )
    )
    hits = [hit for key, hit in proposed.items() if key not in existing]
    instances_insert(Hit, hits, copy_from=COPY_MIN_ROWS)
    hits = paired + hits
    _hits_alert([hit for hit in hits if hit.alerted])
    return hits


#: The columns of a hit that pairing in the database writes (the others keep their defaults).
_PAIR_COLUMNS = (
    "for_member_id", "kind", "value", "display", "record_type", "record_id", "record_reference",
    "holder_member_id", "holder_record_type", "holder_record_id", "holder_record_reference",
    "holder_visible", "month", "state", "dismiss_reason", "alerted", "common", "created_at",
)  # fmt: skip


def _pair_select(learner: str, about: str) -> str:
    """One direction of pairing: ``learner``'s member learns of ``about``'s record, as far as
    ``matching.permissions`` lets it (the SQL forms of ``disclosable`` and ``visible``)."""
    member = f"{learner}.owner_member_id"
    visible = rules.visible_sql(about, member)
    return (
        f"SELECT {member}, {about}.kind, {about}.value, {learner}.display,"
        f" {learner}.record_type, {learner}.record_id, {learner}.record_reference,"
        f" {about}.owner_member_id, {about}.record_type, {about}.record_id,"
        f" {about}.record_reference, {visible}, date_trunc('month', {about}.seen_on)::date,"
        f" '{HitState.NEW.value}', '', NOT {visible}, false, %s"
        f" WHERE {rules.disclosable_sql(about, member)}"
    )


#: The new rows as pairing reads them: (column, SQL array type).
_PAIR_SOURCE = (
    ("kind", "varchar"), ("value", "varchar"), ("display", "varchar"),
    ("record_type", "varchar"), ("record_id", "bigint"), ("record_reference", "varchar"),
    ("owner_member_id", "bigint"), ("visibility", "varchar"), ("party_ids", "varchar"),
    ("matchable_outward", "boolean"), ("handling", "varchar"), ("seen_on", "date"),
)  # fmt: skip


#: Per new row, the records it is never paired with: ``type:id`` separated by spaces.
_APART = ("apart", "varchar")


class _Paired(NamedTuple):
    """A hit paired in the database, as far as its alerts need it."""

    pk: int
    for_member_id: int
    record_type: str
    alerted: bool


def _pairs_match_in_database(
    fresh: list[_Entry],
    national_off: frozenset[int],
    *,
    returning: bool = True,
    excluded: dict[tuple[str, int], set[tuple[str, int]]] | None = None,
) -> list:
    """PostgreSQL, for a batch: pair the ``fresh`` rows (``n``: the new records' rows of the
    values another record holds too, sent as arrays) with every row of another member
    (``o``, read by the (kind, value) index once per row), both ways, and write the hits in
    one ``INSERT … SELECT`` (a hit that exists already is left as it is). The same hits as
    matching in Python, without the rows travelling out and the hits back in. Returns the
    hits written (``_Paired`` stand-ins with ``returning`` off). ``excluded``: per new
    record, the records it is never paired with (sent as one ``type:id`` list per row)."""
    now = timezone.now()
    excluded = excluded or {}
    off = sorted(national_off)
    fields = (
        Hit._meta.concrete_fields
        if returning
        else [Hit._meta.get_field(name) for name in ("id", "for_member", "record_type", "alerted")]
    )
    arrays = ", ".join(f"%s::{sql_type}[]" for _name, sql_type in (*_PAIR_SOURCE, _APART))
    names = ", ".join(name for name, _type in (*_PAIR_SOURCE, _APART))
    sql = (
        f"INSERT INTO {Hit._meta.db_table} ({', '.join(_PAIR_COLUMNS)})"
        f" SELECT pair.* FROM unnest({arrays}) AS n ({names})"
        # (OFFSET 0 keeps the planner from hashing the whole index table: each new row
        # reads its few partners by the (kind, value) index.)
        f" CROSS JOIN LATERAL (SELECT * FROM {IdentifierEntry._meta.db_table} e"
        f" WHERE e.kind = n.kind AND e.value = n.value"
        f" AND e.owner_member_id <> n.owner_member_id"
        f" AND NOT (e.record_type || ':' || e.record_id) = ANY(string_to_array(n.apart, ' '))"
        f" OFFSET 0) AS o,"
        f" LATERAL ({_pair_select('n', 'o')} UNION ALL {_pair_select('o', 'n')}) AS pair"
        f" ON CONFLICT DO NOTHING"
        f" RETURNING {', '.join(connection.ops.quote_name(f.column) for f in fields)}"
    )
    params = [array_literal(map(attrgetter(name), fresh)) for name, _type in _PAIR_SOURCE]
    params.append(
        array_literal(
            " ".join(
                f"{record_type}:{record_id}"
                for record_type, record_id in sorted(
                    excluded.get((entry.record_type, entry.record_id), ())
                )
            )
            for entry in fresh
        )
    )
    params += [now, off, now, off]
    # (JIT only pays, and is only planned, for a batch.)
    batch = len(fresh) >= COPY_MIN_ROWS
    with connection.cursor() as cursor, _without_jit(cursor) if batch else nullcontext():
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not returning:
        return [_Paired(*row) for row in rows]
    attnames = [f.attname for f in fields]
    alias = connection.alias
    return [_hit_from_row(attnames, row, alias) for row in rows]


@contextmanager
def _without_jit(cursor):
    """No JIT compilation for the statements inside (for the one statement that pairs a batch
    it costs more than it saves), restored afterwards: the transaction goes on (an import
    writes its audit event after matching)."""
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


def _instance_copy(template, **changes):
    """A new, unsaved model instance with ``template``'s field values and ``changes`` (attnames),
    without ``Model.__init__``."""
    instance = template.__class__.__new__(template.__class__)
    instance.__dict__.update(template.__dict__)
    instance.__dict__.update(changes)
    instance._state = ModelState()
    return instance


_ROW_FIELDS = (
    "kind", "value", "display", "record_type", "record_id", "record_reference",
    "owner_member_id", "visibility", "party_ids", "matchable_outward", "handling", "seen_on",
)  # fmt: skip


class _Row:
    """An index row as matching reads it (plain attributes: building thousands of model
    instances would cost more than the match)."""

    __slots__ = _ROW_FIELDS

    def __init__(
        self, kind, value, display, record_type, record_id, record_reference, owner_member_id,
        visibility, party_ids, matchable_outward, handling, seen_on,
    ):  # fmt: skip
        # (Spelled out: an import builds hundreds of thousands of these.)
        self.kind = kind
        self.value = value
        self.display = display
        self.record_type = record_type
        self.record_id = record_id
        self.record_reference = record_reference
        self.owner_member_id = owner_member_id
        self.visibility = visibility
        self.party_ids = party_ids
        self.matchable_outward = matchable_outward
        self.handling = handling
        self.seen_on = seen_on

    is_party = IdentifierEntry.is_party
    visible_to = IdentifierEntry.visible_to


class _Entry(_Row):
    """A new index row, before it is written (its fields and ``created_at``)."""

    __slots__ = ("created_at",)

    def __init__(self, *values):
        super().__init__(*values[:-1])
        self.created_at = values[-1]


def _keys_sql(keys: set[tuple[str, str]]) -> tuple[str, list]:
    """``(kind, value) in keys`` as SQL with its parameters, in a form the (kind, value) index
    serves: one ``kind = … AND value IN (…)`` per kind (an import's thousands of values as one
    array). Written out rather than left to the ORM: a single record's write reads with it on
    every save, and the ORM spent longer compiling such a query than the database running it."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, value in keys:
        by_kind[kind].append(value)
    clauses, params = [], []
    for kind, values in sorted(by_kind.items()):
        if connection.vendor == "postgresql" and len(values) > 1000:
            clauses.append("(kind = %s AND value IN (SELECT unnest(%s::varchar[])))")
            params += [kind, array_literal(sorted(values))]
        else:
            clauses.append(f"(kind = %s AND value IN ({', '.join(['%s'] * len(values))}))")
            params += [kind, *sorted(values)]
    return " OR ".join(clauses) or "1 = 0", params


def _keys_condition(keys: set[tuple[str, str]]) -> RawSQL:
    """``_keys_sql`` as a filter for the ORM."""
    return RawSQL(*_keys_sql(keys), output_field=BooleanField())


def _held_counts(
    keys: set[tuple[str, str]], national_off: frozenset[int]
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """For each of ``keys``: how many index rows hold it, and how many of those the network
    may learn of (``matching.permissions.network_disclosable``: what the *common* mark
    counts). Both 0 for a key held once: only the values held more than once come back, and an
    import's values are mostly its own. One statement."""
    condition, params = _keys_sql(keys)
    disclosable, disclosable_params = rules.network_disclosable_sql(national_off)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    disclosed: dict[tuple[str, str], int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, value, COUNT(*), SUM(CASE WHEN {disclosable} THEN 1 ELSE 0 END)"
            f" FROM {IdentifierEntry._meta.db_table}"
            f" WHERE {condition} GROUP BY kind, value HAVING COUNT(*) > 1",
            disclosable_params + params,
        )
        for kind, value, held, held_disclosed in cursor.fetchall():
            counts[(kind, value)] = held
            disclosed[(kind, value)] = held_disclosed or 0
    return counts, disclosed


class _Watch(NamedTuple):
    pk: int
    member_id: int
    kind: str
    value: str
    display: str


def _watches(values: list[str]) -> list[_Watch]:
    """The watch entries in force that may match ``values`` (one read; a batch of more than
    200 values reads the members' watch lists whole: far fewer rows than its values)."""
    sql = (
        f"SELECT id, member_id, kind, value, display FROM {WatchEntry._meta.db_table}"
        " WHERE (expires_on IS NULL OR expires_on >= %s)"
    )
    params: list = [
        WatchEntry._meta.get_field("expires_on").get_db_prep_value(timezone.localdate(), connection)
    ]
    if len(values) <= 200:
        sql += f" AND value IN ({', '.join(['%s'] * len(values))})"
        params += values
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_Watch(*row) for row in cursor.fetchall()]


def _by_type_set(records: set[tuple[str, int]]) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = defaultdict(list)
    for record_type, record_id in records:
        ids[record_type].append(record_id)
    return ids


def _hits_alert(hits: list[Hit]) -> list[int]:
    """Write the outbox rows for hits (the same rows, channels and delivery as every other
    alert: in-portal always, email when the person has an address) to the people who may act
    on each: its member's focal points who may open the member's record that was hit
    (``permissions.hit_alert_people``). One statement for the people of all the members, one
    for their alert preferences per kind of hit, one ``bulk_create`` for all."""
    from alerts.models import Alert
    from alerts.outbox import alerts_enqueue
    from alerts.preferences import alert_modes, alert_rows

    if not hits:
        return []
    people_by_side = rules.hit_alert_people_many(
        {(hit.for_member_id, hit.record_type) for hit in hits}
    )
    everyone = {p.pk: p for people in people_by_side.values() for p in people}.values()
    # Each person's rows for each kind of hit, made once and copied for every hit (an import
    # alerts thousands of hits to the same few people).
    templates: dict[tuple[int, str], list] = {}
    now = timezone.now()
    for event in {_alert_event(hit) for hit in hits}:
        modes = alert_modes(everyone, event) if everyone else {}
        for side, people in people_by_side.items():
            templates[(*side, event)] = [
                row
                for person in people
                for row in alert_rows(person, modes=modes, hit=None, event=event, created_at=now)
            ]
    rows = [
        _instance_copy(template, hit_id=hit.pk)
        for hit in hits
        for template in templates[(hit.for_member_id, hit.record_type, _alert_event(hit))]
    ]
    if not rows:
        return []
    instances_insert(Alert, rows, copy_from=COPY_MIN_ROWS)
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: alerts_enqueue(alert_ids=ids))
    return ids


def _alert_event(hit: Hit) -> str:
    return AlertEvent.WATCHLIST_HIT if hit.record_type == RecordType.WATCH else AlertEvent.HIT
