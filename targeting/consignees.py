"""``new_consignee``: whether the receiving member has had an earlier notice for a notice's
consignee (by company key, as matching keys it) expected in the last year. Two readings, one
query per batch each, made when a profile first asks:

- ``ConsigneeRegister`` for notices being filed: the register ``KnownConsignee``, one row per
  member and consignee, which ``consignees_record`` keeps up to date as notices are filed;
- ``ConsigneesFromNotices`` for notices already stored (re-screening, where the register
  would count the notice itself, and backtests, which ask as of each notice's arrival): the
  notices themselves, found through matching's identifier index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from arrivals.models import ArrivalNotice
from core.bulk import array_literal
from core.identifiers import IdentifierKind
from matching.models import IdentifierEntry, RecordType

from .criteria import company_key
from .models import KnownConsignee

#: How far back a consignee counts as known.
CONSIGNEE_MEMORY = timedelta(days=365)


def _get(notice, name):
    return notice[name] if isinstance(notice, Mapping) else getattr(notice, name)


class ConsigneesFromNotices:
    """Which consignees of a batch of notices already in the table their receiving member has
    had another notice for in the year before, read from the notices themselves (re-screening
    and backtests, where the register would count the notice itself): one query for the
    batch, made when a profile first asks.

    Re-screening (the default): a notice filed before this one and expected since a year ago,
    the answer it got when it was filed. Backtests (``as_of_arrival``): a notice expected in
    the year before this one's expected arrival."""

    def __init__(self, notices: list, *, as_of_arrival: bool = False):
        self.notices = notices
        self.as_of_arrival = as_of_arrival
        self._known: dict[tuple[int, str], list[tuple[datetime, datetime, int]]] | None = None

    def _load(self) -> dict[tuple[int, str], list[tuple[datetime, datetime, int]]]:
        """Candidates from matching's identifier index (a B-tree on kind and value: the
        notices of the receiving members naming one of the companies), then those notices'
        consignees, read in the months the candidates are expected."""
        keys = {company_key(_get(n, "consignee") or "") for n in self.notices} - {""}
        if not keys:
            return {}
        if self.as_of_arrival:
            since = min(_get(n, "expected_arrival") for n in self.notices) - CONSIGNEE_MEMORY
        else:
            since = timezone.now() - CONSIGNEE_MEMORY
        candidates = list(
            IdentifierEntry.objects.filter(
                kind=IdentifierKind.COMPANY,
                value__in=sorted(keys),
                record_type=RecordType.ARRIVAL,
                owner_member_id__in={_get(n, "to_member_id") for n in self.notices},
                seen_on__gte=since.date() - timedelta(days=1),
            ).values_list("record_id", "seen_on")
        )
        known: dict[tuple[int, str], list[tuple[datetime, datetime, int]]] = defaultdict(list)
        if not candidates:
            return known
        days = [seen_on for _pk, seen_on in candidates]
        rows = ArrivalNotice.objects.filter(
            id__in={pk for pk, _seen_on in candidates},
            expected_arrival__gte=max(since, _day_start(min(days) - timedelta(days=1))),
            expected_arrival__lt=_day_start(max(days) + timedelta(days=2)),
        ).values_list("to_member_id", "consignee", "expected_arrival", "created_at", "id")
        for member_id, consignee, expected_arrival, created_at, pk in rows:
            known[(member_id, company_key(consignee))].append((expected_arrival, created_at, pk))
        return known

    def is_new(self, notice) -> bool:
        key = company_key(_get(notice, "consignee") or "")
        if not key:
            return False
        if self._known is None:
            self._known = self._load()
        own = _get(notice, "id")
        others = [
            (expected, filed)
            for expected, filed, pk in self._known.get((_get(notice, "to_member_id"), key), ())
            if pk != own
        ]
        if self.as_of_arrival:
            moment = _get(notice, "expected_arrival")
            return not any(moment - CONSIGNEE_MEMORY <= at < moment for at, _filed in others)
        filed_at = _get(notice, "created_at")
        return not any(filed < filed_at for _at, filed in others)


class ConsigneeRegister:
    """``new_consignee`` for notices being filed, from ``KnownConsignee``: a consignee is known
    when an earlier notice of the receiving member named it and one of them is expected since
    a year ago. One query for the batch, made when a profile first asks; ``record`` then adds
    the batch's consignees (after screening: a notice never knows itself)."""

    def __init__(self, notices: list):
        self.notices = notices
        self._known: dict[tuple[int, str], tuple[datetime, datetime]] | None = None

    def _load(self) -> dict[tuple[int, str], tuple[datetime, datetime]]:
        pairs = {
            (_get(n, "to_member_id"), company_key(_get(n, "consignee") or "")) for n in self.notices
        }
        pairs = sorted((m, k) for m, k in pairs if k)
        if not pairs:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT c.member_id, c.key, c.first_filed_at, c.last_expected_arrival"
                f" FROM {KnownConsignee._meta.db_table} c"
                " JOIN unnest(%s::bigint[], %s::varchar[]) AS w (member_id, key)"
                " ON c.member_id = w.member_id AND c.key = w.key",
                [array_literal(m for m, _k in pairs), array_literal(k for _m, k in pairs)],
            )
            return {(m, k): (first, last) for m, k, first, last in cursor.fetchall()}

    def is_new(self, notice) -> bool:
        key = company_key(_get(notice, "consignee") or "")
        if not key:
            return False
        if self._known is None:
            self._known = self._load()
        row = self._known.get((_get(notice, "to_member_id"), key))
        if row is None:
            return True
        first_filed, last_expected = row
        since = timezone.now() - CONSIGNEE_MEMORY
        return not (first_filed < _get(notice, "created_at") and last_expected >= since)


def consignees_record(notices) -> None:
    """Add the consignees of newly filed notices to the register: one statement."""
    seen: dict[tuple[int, str], tuple[datetime, datetime]] = {}
    for notice in notices:
        key = company_key(notice.consignee or "")
        if not key:
            continue
        pair = (notice.to_member_id, key[:220])
        first, last = seen.get(pair, (notice.created_at, notice.expected_arrival))
        seen[pair] = (min(first, notice.created_at), max(last, notice.expected_arrival))
    if not seen:
        return
    rows = sorted(seen.items())
    table = KnownConsignee._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (member_id, key, first_filed_at, last_expected_arrival)"
            " SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::timestamptz[],"
            " %s::timestamptz[])"
            " ON CONFLICT (member_id, key) DO UPDATE SET"
            f" first_filed_at = LEAST({table}.first_filed_at, EXCLUDED.first_filed_at),"
            " last_expected_arrival ="
            f" GREATEST({table}.last_expected_arrival, EXCLUDED.last_expected_arrival)",
            [
                array_literal(m for (m, _k), _v in rows),
                array_literal(k for (_m, k), _v in rows),
                array_literal(first.isoformat() for _p, (first, _l) in rows),
                array_literal(last.isoformat() for _p, (_f, last) in rows),
            ],
        )


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
