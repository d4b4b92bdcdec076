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

from exchange import matching_selectors
from exchange.identifiers import normalise_or_none
from exchange.matching import identifiers_index_many, national_matching_off
from exchange.matching_permissions import disclosable, matchable_outward_for_query
from exchange.models_matching import (
    Hit,
    HitState,
    IdentifierEntry,
    RecordType,
    RecordVisibility,
    WatchEntry,
)

from .validation import notice_identifiers

RECORD_TYPE = RecordType.ARRIVAL.value


def notice_index_record(notice) -> dict:
    return {
        "record_type": RECORD_TYPE,
        "record_id": notice.pk,
        "record_reference": notice.reference,
        "owner_member_id": notice.to_member_id,
        "visibility": RecordVisibility.PARTIES,
        "party_member_ids": [notice.from_member_id, notice.to_member_id],
        "matchable_outward": matchable_outward_for_query(notice.handling_code, False),
        "handling": notice.handling_code,
        "seen_on": timezone.localdate(notice.expected_arrival),
        "identifiers": notice_identifiers(notice),
    }


def notices_index(*, notices: Iterable, new: bool = True) -> list:
    """Index notices' identifiers and match them (hits and their alerts, in this
    transaction). Returns the hits made."""
    return identifiers_index_many(records=[notice_index_record(n) for n in notices], new=new)


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
        cursor.execute(
            f"DELETE FROM {Hit._meta.db_table} WHERE (record_type = %s AND record_id IN"
            f" ({ids_sql})) OR (holder_record_type = %s AND holder_record_id IN ({ids_sql}))",
            [RECORD_TYPE, *params, RECORD_TYPE, *params],
        )
    return removed


def _keys(notice) -> list[tuple[str, str, str]]:
    """(kind, normalised value, display) of the notice's identifiers."""
    keys = []
    for kind, raw in notice_identifiers(notice):
        value = normalise_or_none(kind, raw)
        if value is not None:
            keys.append((kind, value, raw))
    return keys


def watch_matches(notice) -> list[dict]:
    """The receiving member's watch entries in force that the notice carries."""
    keys = _keys(notice)
    if not keys:
        return []
    condition = Q(pk__in=[])
    for kind, value, _raw in keys:
        condition |= Q(kind=kind, value=value)
    today = timezone.localdate()
    entries = WatchEntry.objects.filter(condition, member_id=notice.to_member_id).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    return [
        {"kind": e.kind, "value": e.value, "display": e.display, "note": e.note}
        for e in entries.order_by("kind", "value")
    ]


def hit_matches(notice) -> list[dict]:
    """What the receiving member learned through matching of the notice's identifiers: its
    hits on the notice (other members' records, as far as they may be disclosed), and its
    own queries and seizure reports carrying them."""
    found = []
    for hit in (
        Hit.objects.filter(
            for_member_id=notice.to_member_id, record_type=RECORD_TYPE, record_id=notice.pk
        )
        .exclude(state=HitState.DISMISSED)
        .select_related("holder_member")
        .order_by("kind", "value", "id")
    ):
        found.append(
            {
                "kind": hit.kind,
                "value": hit.value,
                "holder": hit.holder_member.code.code,
                "record_type": hit.holder_record_type,
                "reference": hit.holder_record_reference if hit.holder_visible else "",
                "month": hit.month.strftime("%Y-%m"),
            }
        )
    keys = _keys(notice)
    if keys:
        condition = Q(pk__in=[])
        for kind, value, _raw in keys:
            condition |= Q(kind=kind, value=value)
        own = IdentifierEntry.objects.filter(
            condition,
            owner_member_id=notice.to_member_id,
            record_type__in=[RecordType.QUERY, RecordType.SEIZURE],
        ).order_by("kind", "value", "id")
        for row in own[:50]:
            found.append(
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


def disclosable_to(entry, member_id: int) -> bool:
    """Would ``member_id`` learn of ``entry`` through matching (the rules of queries)?"""
    return disclosable(entry, member_id, national_matching_off())


def notice_matches(*, user, notice) -> list[dict]:
    """The "Matches" section of the notice page: the user's members' hits on the notice."""
    return matching_selectors.record_matches(
        user=user, record_type=RECORD_TYPE, record_id=notice.pk
    )
