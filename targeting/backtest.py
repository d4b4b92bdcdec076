"""A backtest: a profile (active or not, whatever its validity) run over its member's incoming
notices expected since a date, counting the notices, those it would have selected and those
of them with a finding (an outcome ``discrepancy`` or ``seizure``).

The notices are read through a server-side cursor in batches of ``BATCH`` rows, only the
columns the criteria read, so memory stays flat at any number of notices; ``new_consignee``
costs one query per batch, made only when the profile reads it."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from arrivals.models import ArrivalNotice, NoticeOutcome
from core.exceptions import Invalid, NotAllowed
from members.models import ReleaseState

from . import auditing, permissions
from .consignees import ConsigneesFromNotices
from .criteria import compile_profile
from .models import RiskProfile
from .screening import FACT_FIELDS, facts_of, member_codes

BATCH = 2000
FINDINGS = (NoticeOutcome.DISCREPANCY.value, NoticeOutcome.SEIZURE.value)
COLUMNS = (
    *FACT_FIELDS,
    "id",
    "from_member_id",
    "to_member_id",
    "expected_arrival",
    "created_at",
    "outcome",
)


def since_clean(data) -> datetime:
    value = data.get("since") if isinstance(data, dict) else None
    day = None
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        try:
            day = parse_date(value.strip())
        except ValueError:
            day = None
    if day is None:
        raise Invalid({"since": [_("Give a date as YYYY-MM-DD.")]})
    return timezone.make_aware(datetime.combine(day, time.min))


def _batches(rows, size: int):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def profile_backtest(*, user, profile: RiskProfile, data: dict) -> dict:
    """``{"notices", "selected", "with_finding"}`` for ``profile`` over its member's incoming
    notices expected since ``data["since"]``. The owning member's analysts and focal points
    only. Audited (the count, not the criteria)."""
    if not permissions.may_write_profile(user, profile):
        raise NotAllowed(_("Only the owning member's analysts and focal points may do this."))
    since = since_clean(data)
    compiled = compile_profile(profile.criteria, profile.modes)
    counts = {"notices": 0, "selected": 0, "with_finding": 0}
    with transaction.atomic():  # a named (server-side) cursor lives in a transaction
        rows = (
            ArrivalNotice.objects.filter(
                to_member_id=profile.member_id,
                expected_arrival__gte=since,
                release_state=ReleaseState.RELEASED,  # a held notice is no receiver's yet
            )
            .order_by()
            .values(*COLUMNS)
            .iterator(chunk_size=BATCH)
        )
        for batch in _batches(rows, BATCH):
            known = ConsigneesFromNotices(batch, as_of_arrival=True)
            codes = member_codes({row["from_member_id"] for row in batch})
            counts["notices"] += len(batch)
            for notice in batch:
                if compiled.selects(facts_of(notice, codes, known)):
                    counts["selected"] += 1
                    counts["with_finding"] += notice["outcome"] in FINDINGS
        auditing.profile_write_record(
            action="profile.backtest",
            user=user,
            profile=profile,
            detail={"since": since.date().isoformat(), **counts},
        )
    return counts
