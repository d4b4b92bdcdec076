"""Everything of cross-country matching that arrivals uses, in one place (matching lives in
``exchange`` today): indexing a notice's identifiers, the hits and watch entries screening
reads, and the "Matches" section of the notice page.

A notice is indexed as a record owned by the receiving member, whose parties are both
members, with the notice's handling code: the same disclosure rules as queries. The
receiving member learns of other members' records through its hits; an H3 notice matches
nothing for anyone else (``matchable_outward`` is off).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from alerts.models import Alert
from core.bulk import array_literal
from core.identifiers import normalise_or_none
from matching import selectors as matching_selectors
from matching.models import (
    Hit,
    HitState,
    IdentifierEntry,
    RecordType,
    RecordVisibility,
    WatchEntry,
)
from matching.permissions import matchable_outward_for_query
from matching.services import identifiers_index_import

from .validation import notice_identifiers

RECORD_TYPE = RecordType.ARRIVAL.value


def notice_index_record(notice, zone) -> dict:
    """The index record of ``notice``; ``zone`` is the current time zone, read once for a
    batch (reading it costs more than the rest of the record)."""
    return {
        "record_type": RECORD_TYPE,
        "record_id": notice.pk,
        "record_reference": notice.reference,
        "owner_member_id": notice.to_member_id,
        "visibility": RecordVisibility.PARTIES,
        "party_member_ids": [notice.from_member_id, notice.to_member_id],
        "matchable_outward": matchable_outward_for_query(notice.handling_code, False),
        "handling": notice.handling_code,
        "seen_on": notice.expected_arrival.astimezone(zone).date(),
        "identifiers": notice_identifiers(notice),
    }


def notices_index(*, notices: Iterable) -> int:
    """Index new notices' identifiers and match them (hits and their alerts, in this
    transaction). Returns the number of hits made."""
    zone = timezone.get_current_timezone()
    return identifiers_index_import(records=[notice_index_record(n, zone) for n in notices])


def notices_unindex(*, ids_sql: str, params: list) -> int:
    """Remove the index rows and the open hits of the notices whose ids ``ids_sql`` selects
    (retention: one statement each, whatever their number). Returns the index rows removed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {IdentifierEntry._meta.db_table} WHERE record_type = %s"
            f" AND record_id IN ({ids_sql})",
            [RECORD_TYPE, *params],
        )
        removed = cursor.rowcount
        hits_sql = (
            f"SELECT id FROM {Hit._meta.db_table} WHERE (record_type = %s AND record_id IN"
            f" ({ids_sql})) OR (holder_record_type = %s AND holder_record_id IN ({ids_sql}))"
        )
        hit_params = [RECORD_TYPE, *params, RECORD_TYPE, *params]
        # The hits' alerts go with them (what the ORM's cascade would do).
        cursor.execute(
            f"DELETE FROM {Alert._meta.db_table} WHERE hit_id IN ({hits_sql})", hit_params
        )
        cursor.execute(f"DELETE FROM {Hit._meta.db_table} WHERE id IN ({hits_sql})", hit_params)
    return removed


def _keys(notice) -> list[tuple[str, str, str]]:
    """(kind, normalised value, display) of the notice's identifiers (worked out once per
    notice: the watch lists and the hits both read them)."""
    keys = notice.__dict__.get("_screening_keys")
    if keys is None:
        keys = []
        for kind, raw in notice_identifiers(notice):
            value = normalise_or_none(kind, raw)
            if value is not None:
                keys.append((kind, value, raw))
        notice.__dict__["_screening_keys"] = keys
    return keys


#: The rows whose (kind, value) is one of the notices': two array parameters, whatever
#: their number (an ORM ``IN`` list costs a resolved parameter per value, 50,000 for a
#: manifest).
_KEYS_SQL = "(kind, value) IN (SELECT * FROM unnest(%s::varchar[], %s::varchar[]))"


def _keys_where(keys_by_notice: dict) -> dict:
    """``extra()`` arguments selecting the rows of the notices' keys."""
    pairs = sorted({(kind, value) for keys in keys_by_notice.values() for kind, value, _r in keys})
    return {
        "where": [_KEYS_SQL],
        "params": [array_literal(k for k, _v in pairs), array_literal(v for _k, v in pairs)],
    }


def watch_matches(notices: list) -> dict[int, list[dict]]:
    """Each notice's receiving member's watch entries in force that it carries (one read for
    all the notices)."""
    keys = {n.pk: _keys(n) for n in notices}
    found: dict[int, list[dict]] = {n.pk: [] for n in notices}
    if not any(keys.values()):
        return found
    today = timezone.localdate()
    entries = (
        WatchEntry.objects.filter(member_id__in={n.to_member_id for n in notices})
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .extra(**_keys_where(keys))
    )
    index: dict[tuple, list] = {}
    for entry in entries.order_by("kind", "value"):
        index.setdefault((entry.member_id, entry.kind, entry.value), []).append(entry)
    for notice in notices:
        for kind, value, _raw in keys[notice.pk]:
            for e in index.get((notice.to_member_id, kind, value), ()):
                found[notice.pk].append(
                    {"kind": e.kind, "value": e.value, "display": e.display, "note": e.note}
                )
    return found


def hit_matches(notices: list) -> dict[int, list[dict]]:
    """What each receiving member learned through matching of its notices' identifiers: its
    hits on the notice (other members' records, as far as they may be disclosed), and its
    own queries and seizure reports carrying them. Two reads for all the notices."""
    found: dict[int, list[dict]] = {n.pk: [] for n in notices}
    by_pk = {n.pk: n for n in notices}
    hits = (
        Hit.objects.filter(record_type=RECORD_TYPE)
        .extra(
            where=[f"{Hit._meta.db_table}.record_id = ANY(%s::bigint[])"],
            params=[array_literal(by_pk)],
        )
        .exclude(state=HitState.DISMISSED)
        .select_related("holder_member")
        .order_by("kind", "value", "id")
    )
    for hit in hits:
        notice = by_pk[hit.record_id]
        if hit.for_member_id != notice.to_member_id:
            continue
        found[notice.pk].append(
            {
                "kind": hit.kind,
                "value": hit.value,
                "holder": hit.holder_member.code.code,
                "record_type": hit.holder_record_type,
                "reference": hit.holder_record_reference if hit.holder_visible else "",
                "month": hit.month.strftime("%Y-%m"),
            }
        )
    keys = {n.pk: _keys(n) for n in notices}
    if any(keys.values()):
        own = (
            IdentifierEntry.objects.filter(
                owner_member_id__in={n.to_member_id for n in notices},
                record_type__in=[RecordType.QUERY, RecordType.SEIZURE],
            )
            .extra(**_keys_where(keys))
            .order_by("kind", "value", "id")
        )
        index: dict[tuple, list] = {}
        for row in own:
            index.setdefault((row.owner_member_id, row.kind, row.value), []).append(row)
        for notice in notices:
            for kind, value, _raw in keys[notice.pk]:
                for row in index.get((notice.to_member_id, kind, value), ())[:20]:
                    found[notice.pk].append(
                        {
                            "kind": row.kind,
                            "value": row.value,
                            "holder": "",
                            "record_type": row.record_type,
                            "reference": row.record_reference,
                            "month": row.seen_on.strftime("%Y-%m"),
                        }
                    )
    return found


def notice_matches(*, user, notice) -> list[dict]:
    """The "Matches" section of the notice page: the user's members' hits on the notice."""
    return matching_selectors.record_matches(
        user=user, record_type=RECORD_TYPE, record_id=notice.pk
    )
