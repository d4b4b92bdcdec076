"""The targeting app's screening sources, registered with arrivals at start-up:

- ``profile``: every active profile valid today, national ones of the notice's receiving
  member and network ones of any member, evaluated on each notice; each that selects it adds
  ``{"source": "profile", "profile": id, "text": "name: reason"}`` in the profile's lane;
- ``random`` (a fallback source: only notices nothing else found anything on): amber at the
  receiving member's random rate, ``{"source": "random"}``. The draw is a keyed hash of the
  notice's id, so screening a notice again gives the same answer.

Profiles are compiled once per version and kept per process, with the active set; a batch (a
manifest's thousands of notices at once) costs one small aggregate query that tells whether
any profile was written since, so a change made anywhere is seen by the next batch.
``new_consignee`` costs one query per batch, only when a profile asks: on filing it reads the
register of known consignees (``KnownConsignee``, kept up to date here), on re-screening the
notices themselves.

Screening records which profiles (or random selection) picked each notice in ``Selection``,
in the filing's transaction; a notice's outcome is copied there when it is recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from psycopg2.extras import execute_values

from arrivals.models import Lane
from arrivals.screening import Finding
from core.bulk import array_literal, copy_rows
from members.models import MemberAdministration

from .consignees import ConsigneeRegister, ConsigneesFromNotices, consignees_record
from .criteria import (
    CompiledProfile,
    InvalidCriteria,
    NoticeFacts,
    anchor_keys,
    compile_profile,
)
from .models import ProfileScope, RiskProfile, Selection

logger = logging.getLogger(__name__)

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
#: The active profiles of this process: (signature of the table, day) and the list.
_active: dict = {"key": None, "profiles": [], "indexes": {}}
#: Member id -> code (codes never change; a new member is read when first met).
_codes: dict[int, str] = {}


def profile_reason(name: str, description: str) -> str:
    """The reason an officer reads: the profile's name and its reason."""
    return f"{name}: {description}" if description else name


def compiled_profiles_forget() -> None:
    _compiled.clear()
    _active.update(key=None, profiles=[], indexes={})
    _codes.clear()


def _signature() -> tuple:
    """What changes whenever a profile is written: a new row adds to the count and every
    change of a row (switch, restore and delete included) adds one to its version, whatever
    order concurrent writes commit in. One small aggregate."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), sum(version) FROM {RiskProfile._meta.db_table}")
        return cursor.fetchone()


def active_profiles(today: date | None = None) -> list[ActiveProfile]:
    """The profiles that screen today: active, not deleted, valid. Read again only when the
    table's signature (or the day) changed since this process last read them: otherwise one
    small aggregate query. A version is compiled once per process."""
    today = today or timezone.localdate()
    key = (_signature(), today)
    if _active["key"] != key:
        _active.update(key=key, profiles=_active_profiles_read(today), indexes={})
    return _active["profiles"]


def _active_profiles_read(today: date) -> list[ActiveProfile]:
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


def member_codes(wanted: Iterable[int] = ()) -> dict[int, str]:
    """Member codes by id, read once per process (again when a ``wanted`` id is new)."""
    if not _codes or any(pk not in _codes for pk in wanted):
        _codes.update(
            (pk, str(code)) for pk, code in MemberAdministration.objects.values_list("id", "code")
        )
    return _codes


def notice_mapping(notice, codes: Mapping[int, str]) -> dict:
    """The fields the criteria read, from a notice instance or a ``values()`` row."""
    if isinstance(notice, Mapping):
        get = notice.get
    else:
        # The stored values themselves (a country field's attribute builds an object).
        cells = notice.__dict__
        get = lambda name: cells[name] if name in cells else getattr(notice, name)  # noqa: E731
    mapping = {name: get(name) for name in FACT_FIELDS}
    mapping["from_member"] = codes.get(get("from_member_id"), "")
    return mapping


def facts_of(notice, codes, known) -> NoticeFacts:
    return NoticeFacts(notice_mapping(notice, codes), consignee_is_new=lambda: known.is_new(notice))


class ProfileIndex:
    """The profiles that apply to one receiving member, looked up by their anchors (a value
    every notice they select must have), so that a notice is tried only against the profiles
    it could meet: those whose anchor it has, and those without one."""

    def __init__(self, profiles: Iterable[ActiveProfile]):
        self.always: list[ActiveProfile] = []
        self.by_field: dict[str, dict[str, list[ActiveProfile]]] = {}
        for profile in profiles:
            anchor = profile.compiled.anchor
            if anchor is None:
                self.always.append(profile)
                continue
            table = self.by_field.setdefault(anchor[0], {})
            for value in anchor[1]:
                table.setdefault(value, []).append(profile)

    def candidates(self, facts: NoticeFacts) -> list[ActiveProfile]:
        """In id order."""
        found = {profile.id: profile for profile in self.always}
        for name, table in self.by_field.items():
            for key in anchor_keys(facts, name):
                for profile in table.get(key, ()):
                    found[profile.id] = profile
        return [found[pk] for pk in sorted(found)]


def profiles_by_member(profiles: list[ActiveProfile]):
    """A function giving the index of the profiles that apply to a notice received by a
    member: its national ones and every network one (built once per member and active set)."""
    if _active["profiles"] is profiles:
        indexes = _active.setdefault("indexes", {})
    else:
        indexes = {}
    network = [p for p in profiles if p.network]

    def applicable(member_id: int) -> ProfileIndex:
        if member_id not in indexes:
            national = [p for p in profiles if not p.network and p.member_id == member_id]
            indexes[member_id] = ProfileIndex(national + network)
        return indexes[member_id]

    return applicable


# --- The sources -------------------------------------------------------------------------------


def profile_source(*, notices) -> dict[int, list[Finding]]:
    """Findings of the active profiles on ``notices``; records what each selected. Notices
    screened again lose the selections of their previous screening first (this source runs
    on every screening, before the random one)."""
    selections_forget(notices)
    filing = all(n._state.adding for n in notices)
    findings = _profiles_apply(notices, filing=filing)
    consignees_record([n for n in notices if n._state.adding])
    return findings


def _profiles_apply(notices, *, filing: bool) -> dict[int, list[Finding]]:
    profiles = active_profiles()
    if not profiles:
        return {}
    applicable = profiles_by_member(profiles)
    codes = member_codes({n.from_member_id for n in notices})
    known = ConsigneeRegister([]) if filing else ConsigneesFromNotices([])
    tried = []
    for notice in notices:
        facts = facts_of(notice, codes, known)
        tried.append((notice, facts, applicable(notice.to_member_id).candidates(facts)))
    # Only the consignees of notices a profile reading them may select are looked up.
    known.notices = [
        n for n, _f, found in tried if any(p.compiled.reads_new_consignee for p in found)
    ]
    findings: dict[int, list[Finding]] = {}
    selected: list[tuple[object, int]] = []
    for notice, facts, found in tried:
        for profile in found:
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


#: Fewer selections than this go in by one INSERT (COPY's set-up costs more for a few rows).
COPY_FROM = 200
_SELECTION_COLUMNS = [
    "notice_id",
    "expected_arrival",
    "month",
    "member_id",
    "profile_id",
    "outcome",
]


def selections_write(selected: list[tuple[object, int | None]]) -> None:
    """One row per (notice, profile or None for random)."""
    if not selected:
        return
    # A notice's own cells are worked out once, whatever the number of profiles selecting it.
    cells: dict[int, tuple] = {}
    rows = []
    for n, profile_id in selected:
        own = cells.get(n.pk)
        if own is None:
            own = cells[n.pk] = (
                n.pk,
                n.expected_arrival.isoformat(),
                month_of(n.expected_arrival).isoformat(),
                n.to_member_id,
            )
        rows.append((*own, profile_id, n.outcome or ""))
    table = Selection._meta.db_table
    if len(rows) >= COPY_FROM:
        copy_rows(table, _SELECTION_COLUMNS, ["outcome"], rows)
        return
    with connection.cursor() as cursor, connection.wrap_database_errors:
        execute_values(
            cursor.cursor,
            f"INSERT INTO {table} ({', '.join(_SELECTION_COLUMNS)}) VALUES %s",
            rows,
            page_size=COPY_FROM,
        )


def selections_outcome_record(*, notice) -> None:
    """Keep the notice's outcome with its selections (arrivals calls this in the outcome's
    transaction)."""
    Selection.objects.filter(notice_id=notice.pk).update(outcome=notice.outcome)
