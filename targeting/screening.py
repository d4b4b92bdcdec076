"""The targeting app's screening sources, registered with arrivals at start-up:

- ``profile``: every active profile valid today, national ones of the notice's receiving
  member and network ones of any member, evaluated on each notice; each that selects it adds
  ``{"source": "profile", "profile": id, "text": "name: reason"}`` in the profile's lane;
- ``random`` (a fallback source: only notices nothing else found anything on): amber at the
  receiving member's random rate, ``{"source": "random"}``. The draw is a keyed hash of the
  notice's id, so screening a notice again gives the same answer.

Profiles are compiled once per version and kept per process; the active set is read in one
query per batch (a manifest's thousands of notices at once), so a change made anywhere is seen
by the next batch. ``new_consignee`` costs one query per batch, only when a profile asks.

Screening records which profiles (or random selection) picked each notice in ``Selection``,
in the filing's transaction; a notice's outcome is copied there when it is recorded.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from arrivals.models import ArrivalNotice, Lane
from arrivals.screening import Finding
from core.bulk import array_literal, copy_rows
from members.models import MemberAdministration

from .criteria import (
    CompiledProfile,
    InvalidCriteria,
    NoticeFacts,
    company_key,
    compile_profile,
)
from .models import ProfileScope, RiskProfile, Selection

logger = logging.getLogger(__name__)

#: How far back a consignee counts as known (``new_consignee``).
CONSIGNEE_MEMORY = timedelta(days=365)
#: The notice fields the criteria read (``from_member`` is given as a member code).
FACT_FIELDS = (
    "mode",
    "goods",
    "containers",
    "place_of_loading",
    "place_of_discharge",
    "transit_countries",
    "shipper",
    "shipper_country",
    "consignee",
    "consignee_country",
    "vessel_imo",
)


@dataclass(frozen=True)
class ActiveProfile:
    id: int
    version: int
    member_id: int
    network: bool
    lane: str
    text: str
    compiled: CompiledProfile


#: (profile id, version) -> compiled criteria, for this process.
_compiled: dict[tuple[int, int], CompiledProfile] = {}


def profile_reason(name: str, description: str) -> str:
    """The reason an officer reads: the profile's name and its reason."""
    return f"{name}: {description}" if description else name


def compiled_profiles_forget() -> None:
    _compiled.clear()


def active_profiles(today: date | None = None) -> list[ActiveProfile]:
    """The profiles that screen today: active, not deleted, valid. One query, and one more
    for the criteria of the versions this process has not compiled yet."""
    today = today or timezone.localdate()
    rows = list(
        RiskProfile.objects.filter(active=True, deleted_at__isnull=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .order_by("id")
        .values_list("id", "version", "member_id", "scope", "lane", "name", "description")
    )
    missing = [pk for pk, version, *_rest in rows if (pk, version) not in _compiled]
    if missing:
        for pk, version, criteria, modes in RiskProfile.objects.filter(pk__in=missing).values_list(
            "id", "version", "criteria", "modes"
        ):
            try:
                _compiled[(pk, version)] = compile_profile(criteria, modes)
            except InvalidCriteria:
                logger.error("Risk profile %s v%s has criteria that do not compile", pk, version)
    current = {(pk, version) for pk, version, *_rest in rows}
    for key in [key for key in _compiled if key not in current]:
        del _compiled[key]
    return [
        ActiveProfile(
            id=pk,
            version=version,
            member_id=member_id,
            network=scope == ProfileScope.NETWORK,
            lane=lane,
            text=profile_reason(name, description),
            compiled=_compiled[(pk, version)],
        )
        for pk, version, member_id, scope, lane, name, description in rows
        if (pk, version) in _compiled
    ]


# --- A notice as the criteria read it ----------------------------------------------------------


def member_codes() -> dict[int, str]:
    return {pk: str(code) for pk, code in MemberAdministration.objects.values_list("id", "code")}


def notice_mapping(notice, codes: Mapping[int, str]) -> dict:
    """The fields the criteria read, from a notice instance or a ``values()`` row."""
    get = notice.get if isinstance(notice, Mapping) else lambda name: getattr(notice, name)
    mapping = {name: get(name) for name in FACT_FIELDS}
    mapping["from_member"] = codes.get(get("from_member_id"), "")
    return mapping


def _get(notice, name):
    return notice[name] if isinstance(notice, Mapping) else getattr(notice, name)


class KnownConsignees:
    """Which consignees of a batch of notices their receiving member has had another notice
    for in the year before: one query for the whole batch, made when a profile first asks.

    Screening (the default): a notice filed before this one and expected since a year ago, so
    that screening a notice again gives the answer it got when it was filed. Backtests
    (``as_of_arrival``): a notice expected in the year before this one's expected arrival."""

    def __init__(self, notices: list, *, as_of_arrival: bool = False):
        self.notices = notices
        self.as_of_arrival = as_of_arrival
        self._known: dict[tuple[int, str], list[tuple[datetime, datetime, int]]] | None = None

    def _load(self) -> dict[tuple[int, str], list[tuple[datetime, datetime, int]]]:
        keys = {company_key(_get(n, "consignee") or "") for n in self.notices} - {""}
        if not keys:
            return {}
        if self.as_of_arrival:
            since = min(_get(n, "expected_arrival") for n in self.notices) - CONSIGNEE_MEMORY
        else:
            since = timezone.now() - CONSIGNEE_MEMORY
        rows = ArrivalNotice.objects.filter(
            to_member_id__in={_get(n, "to_member_id") for n in self.notices},
            expected_arrival__gte=since,
            identifiers__overlap=[f"company:{key}" for key in sorted(keys)],
        ).values_list("to_member_id", "consignee", "expected_arrival", "created_at", "id")
        known: dict[tuple[int, str], list[tuple[datetime, datetime, int]]] = defaultdict(list)
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


def facts_of(notice, codes, known: KnownConsignees) -> NoticeFacts:
    return NoticeFacts(notice_mapping(notice, codes), consignee_is_new=lambda: known.is_new(notice))


def profiles_by_member(profiles: Iterable[ActiveProfile]):
    """A function giving the profiles that apply to a notice received by a member."""
    national: dict[int, list[ActiveProfile]] = defaultdict(list)
    network: list[ActiveProfile] = []
    for profile in profiles:
        (network if profile.network else national[profile.member_id]).append(profile)
    combined: dict[int, list[ActiveProfile]] = {}

    def applicable(member_id: int) -> list[ActiveProfile]:
        if member_id not in combined:
            combined[member_id] = national.get(member_id, []) + network
        return combined[member_id]

    return applicable


# --- The sources -------------------------------------------------------------------------------


def profile_source(*, notices) -> dict[int, list[Finding]]:
    """Findings of the active profiles on ``notices``; records what each selected. Notices
    screened again lose the selections of their previous screening first (this source runs
    on every screening, before the random one)."""
    selections_forget(notices)
    profiles = active_profiles()
    if not profiles:
        return {}
    applicable = profiles_by_member(profiles)
    codes = member_codes()
    known = KnownConsignees(notices)
    findings: dict[int, list[Finding]] = {}
    selected: list[tuple[object, int]] = []
    for notice in notices:
        candidates = applicable(notice.to_member_id)
        if not candidates:
            continue
        facts = facts_of(notice, codes, known)
        for profile in candidates:
            if profile.compiled.selects(facts):
                findings.setdefault(notice.pk, []).append(
                    Finding(profile.lane, "profile", profile.text, {"profile": profile.id})
                )
                selected.append((notice, profile.id))
    selections_write(selected)
    return findings


def random_draw(notice_id: int) -> float:
    """The notice's draw in [0, 1): a keyed hash of its id (the same every time, and not
    guessable by a sender without the portal's secret key)."""
    digest = salted_hmac("targeting.random", str(notice_id), algorithm="sha256").digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def random_rates(member_ids: Iterable[int]) -> dict[int, float]:
    from .models import TargetingSettings

    return dict(
        TargetingSettings.objects.filter(
            member_id__in=set(member_ids), random_rate__gt=0
        ).values_list("member_id", "random_rate")
    )


def random_source(*, notices) -> dict[int, list[Finding]]:
    """Amber at the receiving member's random rate, for the notices given (those no other
    source found anything on)."""
    rates = random_rates(n.to_member_id for n in notices)
    if not rates:
        return {}
    text = _("Selected at random: the baseline the risk profiles are measured against.")
    findings, selected = {}, []
    for notice in notices:
        rate = rates.get(notice.to_member_id, 0.0)
        if rate > 0 and random_draw(notice.pk) < rate:
            findings[notice.pk] = [Finding(Lane.AMBER, "random", text)]
            selected.append((notice, None))
    selections_write(selected)
    return findings


# --- Selections --------------------------------------------------------------------------------


def month_of(moment: datetime) -> date:
    moment = moment.astimezone(UTC)
    return date(moment.year, moment.month, 1)


def selections_forget(notices) -> None:
    """Remove the selections of notices screened before (a re-screening)."""
    ids = [n.pk for n in notices if not n._state.adding]
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Selection._meta.db_table} WHERE notice_id = ANY(%s::bigint[])",
                [array_literal(ids)],
            )


def selections_write(selected: list[tuple[object, int | None]]) -> None:
    """One row per (notice, profile or None for random), by COPY."""
    if not selected:
        return
    copy_rows(
        Selection._meta.db_table,
        ["notice_id", "expected_arrival", "month", "member_id", "profile_id", "outcome"],
        ["outcome"],
        (
            (
                n.pk,
                n.expected_arrival.isoformat(),
                month_of(n.expected_arrival).isoformat(),
                n.to_member_id,
                profile_id,
                n.outcome or "",
            )
            for n, profile_id in selected
        ),
    )


def selections_outcome_record(*, notice) -> None:
    """Keep the notice's outcome with its selections (arrivals calls this in the outcome's
    transaction)."""
    Selection.objects.filter(notice_id=notice.pk).update(outcome=notice.outcome)
