"""The writes of cross-country matching that follow records: keeping the identifier index
current and matching new rows against other members' records and the watch entries
(``matching.pairing``), with the hits' alerts (``matching.hit_alerts``); and the cached
exclusion list and national-reports settings they read.

Matching is set-based: whatever the number of records written at once, it takes a fixed
number of statements. Who learns what is decided by the rule in ``matching.permissions``
(``disclosable_sql``, ``visible_sql``), never here.

Values held by more than ``MATCHING_COMMON_THRESHOLD`` records are *common*: their existing
hits are marked common and stop alerting, and a new record carrying one raises no new hit
(otherwise every new record would make a hit per holder, as in MISP's over-correlation).
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.bulk import array_literal, copy_rows
from core.identifiers import InvalidIdentifier, display_value, normalise
from members import caching

from . import pairing
from . import permissions as rules
from .hit_alerts import hits_alert
from .models import (
    Hit,
    HitState,
    IdentifierEntry,
    MatchingExclusion,
    MemberMatchingSetting,
    RecordType,
    RecordVisibility,
)
from .pairing import ENTRY_COLUMNS, IndexRow

INDEXED_TYPES = (RecordType.QUERY, RecordType.SEIZURE, RecordType.ARRIVAL)
_VISIBILITIES = frozenset(RecordVisibility.values)
OPEN_STATES = (HitState.NEW, HitState.SEEN)


# --- The index ---------------------------------------------------------------------------------


def _entries(record: dict, now) -> list[IndexRow]:
    """The index rows of one record (invalid identifiers are left out: they cannot match)."""
    if record["record_type"] not in INDEXED_TYPES:
        raise ValueError(f"Unknown record type {record['record_type']!r}")
    if record["visibility"] not in _VISIBILITIES:
        raise ValueError(f"Unknown visibility {record['visibility']!r}")
    parties = set(record.get("party_member_ids") or ()) | {record["owner_member_id"]}
    party_ids = array_literal(sorted(parties))
    reference = (record.get("record_reference") or "")[:64]
    matchable_outward = bool(record.get("matchable_outward", True))
    handling = record.get("handling") or ""
    rows: dict[tuple[str, str], IndexRow] = {}
    for kind, raw in record.get("identifiers") or ():
        try:
            value = normalise(kind, raw)
        except InvalidIdentifier:
            continue
        if (kind, value) not in rows:
            rows[(kind, value)] = IndexRow(
                kind, value, display_value(raw), record["record_type"], record["record_id"],
                reference, record["owner_member_id"], record["visibility"], party_ids,
                matchable_outward, handling, record["seen_on"], now,
            )  # fmt: skip
    return list(rows.values())


def _records_q(records: list[dict]) -> Q:
    ids: dict[str, list[int]] = defaultdict(list)
    for record in records:
        ids[record["record_type"]].append(record["record_id"])
    condition = Q(pk__in=[])
    for record_type, record_ids in ids.items():
        condition |= Q(record_type=record_type, record_id__in=record_ids)
    return condition


@transaction.atomic(savepoint=False)
def identifiers_index_import(*, records: list[dict]) -> int:
    """``identifiers_index_many(new=True)`` for an import, which needs its hits written and
    alerted but never looks at them: returns only their number, and the pairing statements
    send back only what the alerts need (for 135,000 hits, reading every column back and
    making instances of them cost about 0.75 s)."""
    if not records:
        return 0
    return len(_match(_entries_insert(records, timezone.now()), returning=False))


@transaction.atomic(savepoint=False)
def identifiers_index_many(*, records: list[dict], new: bool = False) -> list[Hit]:
    """Index records and match them: each dict has ``record_type``, ``record_id``,
    ``record_reference``, ``owner_member_id``, ``visibility``, ``party_member_ids``,
    ``matchable_outward``, ``handling``, ``seen_on`` and ``identifiers`` (``(kind, raw
    text)`` pairs). A fixed number of statements whatever the number of records: one delete,
    one COPY of rows, the set-based match. ``new=True`` (records written in this transaction,
    such as an import's) skips what only an edit needs: removing old rows and revising the
    hits about them. Returns the hits this made (for either side).

    A record's optional ``excluded_partners`` (``(record type, id)`` pairs, a watch entry
    included) are records it never makes a hit with, on either side: a query asking about a
    hit names the hit's two records, so asking does not echo as new hits."""
    if not records:
        return []
    now = timezone.now()
    if not new:
        IdentifierEntry.objects.filter(_records_q(records)).delete()
    entries = _entries_insert(records, now)
    if not new:
        _holder_hits_revise(records, national_matching_off())
    return _match(entries, apart=_apart(records))


def _apart(records: list[dict]) -> list[tuple[str, int, str, int]]:
    """``(record type, id, partner type, partner id)`` for every partner a record must never
    make a hit with (its ``excluded_partners``)."""
    return [
        (record["record_type"], record["record_id"], partner_type, int(partner_id))
        for record in records
        for partner_type, partner_id in record.get("excluded_partners") or ()
    ]


def _entries_insert(records: list[dict], now) -> list[IndexRow]:
    """Write the records' index rows by COPY (faster than INSERTs from two rows on; the
    rows' pks are never needed), made while they go out, so the server writes one piece while
    the next is made. Returns them."""
    entries: list[IndexRow] = []

    def rows():
        for record in records:
            for entry in _entries(record, now):
                entries.append(entry)
                yield entry

    copy_rows(IdentifierEntry._meta.db_table, ENTRY_COLUMNS, ENTRY_COLUMNS, rows())
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


def _holder_hits_revise(records: list[dict], national_off: frozenset[int]) -> None:
    """After an edit, the rule again on the hits about these records (as holder) nobody acted
    on yet: one the record no longer discloses to the hit's member (edited into H3, marked
    excluded, turned H2, the identifier gone) is taken back; every other shows the record's
    reference exactly when the record is now visible to the hit's member."""
    types = array_literal([record["record_type"] for record in records])
    ids = array_literal([record["record_id"] for record in records])
    hits, entries = Hit._meta.db_table, IdentifierEntry._meta.db_table
    about = (
        "(h.holder_record_type, h.holder_record_id) IN"
        " (SELECT * FROM unnest(%s::varchar[], %s::bigint[]))"
    )
    same_row = (
        "e.record_type = h.holder_record_type AND e.record_id = h.holder_record_id"
        " AND e.kind = h.kind AND e.value = h.value"
    )
    disclosable, disclosable_params = rules.disclosable_sql("e", "h.for_member_id", national_off)
    visible, visible_params = rules.visible_sql("e", "h.for_member_id")
    open_states = ", ".join(f"'{state.value}'" for state in OPEN_STATES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {hits} h WHERE {about} AND h.state IN ({open_states})"
            f" AND NOT EXISTS (SELECT 1 FROM {entries} e WHERE {same_row} AND {disclosable})",
            [types, ids, *disclosable_params],
        )
        cursor.execute(
            f"UPDATE {hits} h SET holder_visible = NOT h.holder_visible FROM {entries} e"
            f" WHERE {about} AND {same_row} AND h.holder_visible <> {visible}",
            [types, ids, *visible_params],
        )


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


def _match(entries: list[IndexRow], *, returning: bool = True, apart=()) -> list:
    """Match freshly indexed rows against every other member's rows and the watch entries;
    write the hits (both sides) and their alerts. Returns the hits made (``pairing.Paired``
    stand-ins with ``returning`` off: what the alerts read)."""
    keys = {(e.kind, e.value) for e in entries} - excluded_keys()
    if not keys:
        return []
    national_off = national_matching_off()
    counts, disclosed_counts = pairing.held_counts(keys, national_off)
    common = _common_mark(keys, disclosed_counts)
    # Only values some other record holds too can pair: most of an import's values are held
    # by the new record alone.
    matchable = {k for k in keys - common if counts[k] > 1}
    fresh = [e for e in entries if (e.kind, e.value) in matchable]
    hits = pairing.pairs_write(fresh, national_off, returning=returning, apart=apart)
    records = {(e.record_type, e.record_id) for e in entries}
    hits += pairing.watch_hits_write(
        records, common, national_off, returning=returning, apart=apart
    )
    hits_alert([hit for hit in hits if hit.alerted])
    return hits


def _common_mark(keys: set[tuple[str, str]], disclosed_counts: dict) -> set[tuple[str, str]]:
    """The ``keys`` held by more than ``MATCHING_COMMON_THRESHOLD`` records the network may
    learn of (records hidden from it, such as a member's own excluded ones, never make a
    value common); their existing hits are marked common. Returns them."""
    threshold = settings.MATCHING_COMMON_THRESHOLD
    common = {k for k in keys if disclosed_counts[k] > threshold}
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, value in common:
        by_kind[kind].append(value)
    for kind, values in by_kind.items():
        Hit.objects.filter(kind=kind, value__in=values, common=False).update(common=True)
    return common
