"""Reads of targeting, restricted by ``permissions``: profile lists and one profile, their
effectiveness, a member's selections and findings by month, profiles about to expire, and the
network admins' figures (counts and rates, no profile).

Effectiveness is read from ``Selection`` alone (one aggregate query): a notice counts as
*examined* once its outcome says so, as a *finding* when the outcome is a discrepancy or a
seizure. ``hit_rate`` is findings per examined notice; ``lift`` divides it by the hit rate of
random selection in the same receiving members and months (null when either is undefined:
nothing examined, or random selection found nothing)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone

from arrivals.models import NoticeOutcome
from members.models import MemberAdministration

from . import permissions
from .models import ProfileScope, RiskProfile, RiskProfileVersion, Selection

EXAMINED = [
    NoticeOutcome.EXAMINED_NOTHING_FOUND.value,
    NoticeOutcome.DISCREPANCY.value,
    NoticeOutcome.SEIZURE.value,
]
FINDINGS = [NoticeOutcome.DISCREPANCY.value, NoticeOutcome.SEIZURE.value]
SEIZURE = NoticeOutcome.SEIZURE.value
#: The page lists profiles ending within this many days.
EXPIRING_WITHIN_DAYS = 30
#: The page's monthly chart covers this many months up to the current one.
CHART_MONTHS = 12


def profile_list(*, user, filters: dict | None = None) -> QuerySet[RiskProfile]:
    """Profiles the user may see, by name; ``filters`` checked values of ``scope``, ``lane``
    and ``active`` (a bool)."""
    rows = permissions.restrict_profiles(user).select_related("member")
    for name in ("scope", "lane", "active"):
        if filters and filters.get(name) is not None:
            rows = rows.filter(**{name: filters[name]})
    return rows.order_by("name", "id")


def profile_get(*, user, pk: int) -> RiskProfile:
    """One profile the user may see (``RiskProfile.DoesNotExist`` otherwise)."""
    return permissions.restrict_profiles(user).select_related("member", "created_by").get(pk=pk)


def profile_versions(*, profile: RiskProfile) -> QuerySet[RiskProfileVersion]:
    return profile.versions.select_related("written_by").order_by("-number")


# --- Effectiveness -----------------------------------------------------------------------------


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _stats(selected, examined, findings, seizures, random_examined, random_findings) -> dict:
    hit_rate = _rate(findings, examined)
    random_rate = _rate(random_findings or 0, random_examined or 0)
    lift = round(hit_rate / random_rate, 2) if hit_rate is not None and random_rate else None
    return {
        "selected": selected,
        "examined": examined,
        "findings": findings,
        "seizures": seizures,
        "hit_rate": hit_rate,
        "lift": lift,
        "random_hit_rate": random_rate,
    }


EMPTY_STATS = _stats(0, 0, 0, 0, 0, 0)

_STATS_SQL = f"""
WITH p AS (
    SELECT profile_id, member_id, month, outcome FROM {Selection._meta.db_table}
    WHERE profile_id = ANY(%(ids)s)
), cells AS (
    SELECT DISTINCT profile_id, member_id, month FROM p
), r AS (
    SELECT c.profile_id,
        count(*) FILTER (WHERE s.outcome = ANY(%(examined)s)) AS examined,
        count(*) FILTER (WHERE s.outcome = ANY(%(findings)s)) AS findings
    FROM cells c JOIN {Selection._meta.db_table} s
        ON s.member_id = c.member_id AND s.month = c.month AND s.profile_id IS NULL
    GROUP BY c.profile_id
)
SELECT p.profile_id, count(*),
    count(*) FILTER (WHERE p.outcome = ANY(%(examined)s)),
    count(*) FILTER (WHERE p.outcome = ANY(%(findings)s)),
    count(*) FILTER (WHERE p.outcome = %(seizure)s),
    max(r.examined), max(r.findings)
FROM p LEFT JOIN r ON r.profile_id = p.profile_id
GROUP BY p.profile_id
"""


def profiles_stats(profile_ids) -> dict[int, dict]:
    """Each profile's ``{"selected", "examined", "findings", "seizures", "hit_rate", "lift",
    "random_hit_rate"}``, in one query."""
    ids = list(profile_ids)
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            _STATS_SQL,
            {"ids": ids, "examined": EXAMINED, "findings": FINDINGS, "seizure": SEIZURE},
        )
        found = {row[0]: _stats(*row[1:]) for row in cursor.fetchall()}
    return {pk: found.get(pk, dict(EMPTY_STATS)) for pk in ids}


def profile_stats(profile: RiskProfile) -> dict:
    return profiles_stats([profile.pk])[profile.pk]


# --- A member's figures by month ---------------------------------------------------------------


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _months_back(month: date, count: int) -> list[date]:
    months = [month]
    for _i in range(count - 1):
        month = _month_start(month - timedelta(days=1))
        months.append(month)
    return list(reversed(months))


_MONTHS_SQL = f"""
SELECT month,
    count(DISTINCT notice_id) FILTER (WHERE profile_id IS NOT NULL),
    count(DISTINCT notice_id) FILTER (WHERE profile_id IS NOT NULL AND outcome = ANY(%(findings)s)),
    count(*) FILTER (WHERE profile_id IS NULL),
    count(*) FILTER (WHERE profile_id IS NULL AND outcome = ANY(%(findings)s))
FROM {Selection._meta.db_table}
WHERE member_id = ANY(%(members)s) AND month >= %(since)s
GROUP BY month
ORDER BY month
"""


def member_months(*, member_ids, months: int = CHART_MONTHS, least: int = 3) -> list[dict]:
    """The members' incoming notices by month, from the first month with a selection among
    the last ``months`` (at least the last ``least``) to the current one, every month present
    (zero where nothing happened): notices selected by any profile and those with a finding,
    notices selected at random and those with a finding. One aggregate statement, written
    out (the page's other reads are compiled once; this one holds the month)."""
    series = _months_back(_month_start(timezone.localdate()), months)
    names = ("selected", "findings", "random", "random_findings")
    with connection.cursor() as cursor:
        cursor.execute(
            _MONTHS_SQL,
            {"findings": FINDINGS, "members": list(member_ids), "since": series[0]},
        )
        by_month = {row[0]: dict(zip(names, row[1:], strict=True)) for row in cursor.fetchall()}
    first = min(by_month, default=series[-least])
    series = [month for month in series if month >= min(first, series[-least])]
    empty = dict.fromkeys(names, 0)
    return [
        {
            "key": month.strftime("%Y-%m"),
            "label": formats.date_format(month, "YEAR_MONTH_FORMAT"),
            **by_month.get(month, empty),
        }
        for month in series
    ]


def expiring_among(
    profiles: list[RiskProfile], *, within_days: int = EXPIRING_WITHIN_DAYS
) -> list[RiskProfile]:
    """Of ``profiles`` (by name, as ``profile_list`` gives them), the active ones that end
    within ``within_days``, soonest first (no read of their own)."""
    today = timezone.localdate()
    until = today + timedelta(within_days)
    soon = [p for p in profiles if p.active and p.valid_until and today <= p.valid_until <= until]
    return sorted(soon, key=lambda p: p.valid_until)  # stable: by name within a day


# --- The network admins' figures ---------------------------------------------------------------


def network_figures() -> dict:
    """Per member: active profiles (national and network) and what profiles selected in its
    incoming notices (selected, examined, findings, hit rate); for the network: the hit rate
    of profiles and of random selection. Counts and rates only."""
    members = MemberAdministration.objects.order_by("code").values_list("id", "code")
    active = dict(
        RiskProfile.objects.filter(active=True, deleted_at__isnull=True)
        .values("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    network_active = dict(
        RiskProfile.objects.filter(active=True, deleted_at__isnull=True, scope=ProfileScope.NETWORK)
        .values("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    figures = {
        row["member_id"]: row
        for row in Selection.objects.values("member_id").annotate(
            selected=Count("id", filter=Q(profile__isnull=False)),
            examined=Count("id", filter=Q(profile__isnull=False, outcome__in=EXAMINED)),
            findings=Count("id", filter=Q(profile__isnull=False, outcome__in=FINDINGS)),
            random_examined=Count("id", filter=Q(profile__isnull=True, outcome__in=EXAMINED)),
            random_findings=Count("id", filter=Q(profile__isnull=True, outcome__in=FINDINGS)),
        )
    }
    rows, totals = [], dict.fromkeys(("examined", "findings", "r_examined", "r_findings"), 0)
    for member_id, code in members:
        row = figures.get(member_id, {})
        examined, findings = row.get("examined", 0), row.get("findings", 0)
        totals["examined"] += examined
        totals["findings"] += findings
        totals["r_examined"] += row.get("random_examined", 0)
        totals["r_findings"] += row.get("random_findings", 0)
        rows.append(
            {
                "member": str(code),
                "active_profiles": active.get(member_id, 0),
                "active_network_profiles": network_active.get(member_id, 0),
                "selected": row.get("selected", 0),
                "examined": examined,
                "findings": findings,
                "hit_rate": _rate(findings, examined),
            }
        )
    return {
        "members": rows,
        "profile_hit_rate": _rate(totals["findings"], totals["examined"]),
        "random_hit_rate": _rate(totals["r_findings"], totals["r_examined"]),
    }
