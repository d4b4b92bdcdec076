"""Pre-arrival notices under the sending member's release policy: two kinds of
``members.releases``, registered in ``ArrivalsConfig.ready``:

- ``arrival``: one notice filed on its own (or from a manifest whose held notices span more
  than one sending member) awaiting release;
- ``arrival_import``: a manifest import whose held notices await release together, as one
  item with a summary of its rows (released or returned whole).

A held notice is read by its author and the sending member's releasers only
(``permissions.restrict_notices``): not indexed, not screened, alerted to nobody outside the
sending member. Releasing indexes, screens and alerts it for the receiving member exactly as
if just filed (``services.notice_release`` for one notice, ``import_job_release`` for an
import's, set-wise).

The manifest import writes through ``manifest_write``: the importer itself knows nothing of
release but the job id it passes on.
"""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from psycopg2.extras import execute_values

from alerts.models import AlertEvent
from alerts.outbox import alerts_create
from core.exceptions import Conflict, Invalid, NotAllowed
from members import permissions as base
from members.audit import audit_record
from members.models import ReleaseState
from members.releases import HeldItem, ReleaseKind, release_durations, release_required

from . import alerting, matching_bridge, partitioning, services
from .models import ArrivalImportJob, ArrivalNotice
from .permissions import restrict_import_jobs, restrict_notices
from .screening import notices_screen

IMPORT_KIND = "arrival_import"
IMPORT_OBJECT_TYPE = "arrival_import"

# --- One notice ----------------------------------------------------------------------------------


def notice_held_item(notice: ArrivalNotice) -> HeldItem:
    return HeldItem(
        kind="arrival",
        id=notice.pk,
        reference=notice.reference,
        member_id=notice.from_member_id,
        author_id=notice.author_id,
        author=notice.author.username,
        handling_code=notice.handling_code,
        priority="",
        created_at=notice.created_at,
        release_state=notice.release_state,
        url=reverse("arrivals:detail", args=[notice.pk]),
    )


def _held(member_ids):
    return ArrivalNotice.objects.filter(
        release_state=ReleaseState.AWAITING_RELEASE,
        from_member_id__in=list(member_ids),
        import_job__isnull=True,
    )


def _awaiting(member_ids) -> list[HeldItem]:
    notices = _held(member_ids).select_related("author").order_by("created_at", "id")
    return [notice_held_item(n) for n in notices]


def _pending(member_ids, user_id: int):
    return _held(member_ids).exclude(author_id=user_id).order_by().values("pk")


def _get(user, item_id: int) -> ArrivalNotice | None:
    # A notice held with its import is released with it (on the import's page).
    notices = restrict_notices(user).filter(pk=item_id, import_job__isnull=True)
    return notices.select_related("author").first()


def _durations():
    notices = ArrivalNotice.objects.filter(import_job__isnull=True)
    return release_durations(notices, "from_member_id")


ARRIVAL_RELEASE_KIND = ReleaseKind(
    name="arrival",
    policy_kind="arrival",
    awaiting=_awaiting,
    get=_get,
    describe=notice_held_item,
    release=lambda *, user, item: services.notice_release(notice=item, user=user),
    return_=lambda *, user, item, note: services.notice_return(notice=item, user=user, note=note),
    pending=_pending,
    durations=_durations,
)


# --- A manifest import held as one item ----------------------------------------------------------


def _holding(values_list: list[dict]) -> set[tuple[int, str]]:
    """The (sending member, handling code) pairs of ``values_list`` that the sending members'
    policies hold, when they are of one member (an import is released by one member's
    releasers); else nothing: each held notice then awaits release on its own."""
    pairs = {(v["from_member"].pk, v["handling_code"]) for v in values_list}
    holding = {
        (member_id, code)
        for member_id, code in pairs
        if release_required(member_id=member_id, kind="arrival", handling_code=code)
    }
    return holding if len({member_id for member_id, _code in holding}) == 1 else set()


def manifest_write(
    *, author, values_list: list[dict], lines: int, filename: str = "", job_id: int | None = None
) -> list[ArrivalNotice]:
    """Write a manifest's checked notices (``services.notices_write``) in the caller's
    transaction. Those the sending member's policy holds are written with the import job
    (``job_id``, or one made now for a manifest imported within the request): the job then
    awaits release as one item, with its summary, and the member's releasers are told once."""
    holding = _holding(values_list)
    if not holding:
        return services.notices_write(author=author, values_list=values_list)
    now = timezone.now()
    if job_id is None:
        job = ArrivalImportJob.objects.create(
            created_by=author,
            filename=(filename or "")[:200],
            content=b"",
            state=ArrivalImportJob.State.DONE,
            total_rows=lines,
            processed_rows=lines,
            imported=len(values_list),
            lines=lines,
            finished_at=now,
        )
    else:
        job = ArrivalImportJob.objects.get(pk=job_id)
    for values in values_list:
        if (values["from_member"].pk, values["handling_code"]) in holding:
            values["import_job"] = job
    notices = services.notices_write(author=author, values_list=values_list)
    held = [n for n in notices if n.import_job_id == job.pk]
    job.release_state = ReleaseState.AWAITING_RELEASE
    job.from_member = held[0].from_member
    job.held = len(held)
    job.held_summary = {
        "notices": len(notices),
        "lines": lines,
        "handling_codes": sorted({n.handling_code for n in held}),
        "to_members": sorted({str(n.to_member.code) for n in held}),
    }
    job.save(update_fields=["release_state", "from_member", "held", "held_summary"])
    _job_alert(job=job, event=AlertEvent.AWAITING_RELEASE, people=_releasers_but_author(job))
    return notices


def import_summary(job: ArrivalImportJob) -> str:
    """What a releaser reads of a held import: counts and codes, no content."""
    summary = job.held_summary or {}
    held = ngettext(
        "%(held)d of %(notices)d notices (%(lines)d lines) awaits release.",
        "%(held)d of %(notices)d notices (%(lines)d lines) await release.",
        job.held,
    ) % {
        "held": job.held,
        "notices": summary.get("notices", job.held),
        "lines": summary.get("lines", job.lines),
    }
    codes = _("Handling codes: %(codes)s. To: %(members)s.") % {
        "codes": ", ".join(summary.get("handling_codes", [])) or "—",
        "members": ", ".join(summary.get("to_members", [])) or "—",
    }
    return f"{held} {codes}"


def _job_reference(job: ArrivalImportJob) -> str:
    code = str(job.from_member.code) if job.from_member_id else ""
    return f"{code}/{job.filename}"[:100]


def _releasers_but_author(job: ArrivalImportJob) -> list:
    return [p for p in base.releasers(job.from_member) if p.pk != job.created_by_id]


def _job_alert(*, job: ArrivalImportJob, event: str, people, note: str = "") -> None:
    alerts_create(
        query=None,
        event=event,
        people=people,
        release_kind=IMPORT_KIND,
        release_item_id=job.pk,
        release_reference=_job_reference(job),
        note=note,
    )


def _job_locked(user, job: ArrivalImportJob) -> ArrivalImportJob:
    """The held job, locked, once ``user`` is known to release it: a releaser of the sending
    member who is not its uploader (``NotAllowed``); ``Conflict`` once it is no longer held."""
    job = (
        ArrivalImportJob.objects.select_for_update(of=("self",))
        .select_related("from_member", "created_by")
        .get(pk=job.pk)
    )
    if not base.may_release(user, member_id=job.from_member_id, author_id=job.created_by_id):
        raise NotAllowed(_("A releaser of the sender, other than its author, releases it."))
    if job.release_state != ReleaseState.AWAITING_RELEASE:
        raise Conflict(_("This import no longer awaits release."))
    return job


def _job_notices(job: ArrivalImportJob) -> list[ArrivalNotice]:
    return list(
        ArrivalNotice.objects.select_for_update(of=("self",))
        .select_related("from_member", "to_member")
        .filter(import_job=job, release_state=ReleaseState.AWAITING_RELEASE)
        .order_by("id")
    )


def _job_record(*, action: str, user, job: ArrivalImportJob, members, detail: dict) -> None:
    audit_record(
        action=action,
        actor=user,
        obj=job,
        object_type=IMPORT_OBJECT_TYPE,
        object_reference=_job_reference(job),
        members=sorted(members),
        detail=detail,
    )


def _notices_save_released(notices: list[ArrivalNotice]) -> None:
    """One statement: the release and the screening of every notice."""
    rows = [
        (n.pk, n.expected_arrival, n.lane, json.dumps(n.screening), n.released_at, n.released_by.pk)
        for n in notices
    ]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        execute_values(
            cursor.cursor,
            f"UPDATE {partitioning.TABLE} AS n SET lane = v.lane, screening = v.screening,"
            f" release_state = '{ReleaseState.RELEASED.value}', released_at = v.released_at,"
            " released_by_id = v.released_by_id FROM (VALUES %s)"
            " AS v (id, expected_arrival, lane, screening, released_at, released_by_id)"
            " WHERE n.id = v.id AND n.expected_arrival = v.expected_arrival",
            rows,
            template="(%s::bigint, %s::timestamptz, %s, %s::jsonb, %s::timestamptz, %s::bigint)",
        )


@transaction.atomic
def import_job_release(*, job: ArrivalImportJob, user) -> ArrivalImportJob:
    """Release a held import: every held notice of it goes out exactly as if just filed:
    indexed and matched, screened for its receiving member, the receiving sides alerted (red
    at once), in one set-wise write each."""
    job = _job_locked(user, job)
    now = timezone.now()
    notices = _job_notices(job)
    for notice in notices:
        notice.release_state, notice.released_at, notice.released_by = (
            ReleaseState.RELEASED,
            now,
            user,
        )
    if notices:
        matching_bridge.notices_index(notices=notices)
        screenings = notices_screen(notices=notices)
        for notice in notices:
            notice.screening = screenings[notice.pk]
            notice.lane = notice.screening["lane"]
        _notices_save_released(notices)
        alerting.notices_received_alert(notices=notices)
    job.release_state, job.released_at, job.released_by = ReleaseState.RELEASED, now, user
    job.save(update_fields=["release_state", "released_at", "released_by"])
    _job_alert(job=job, event=AlertEvent.RELEASED, people=[job.created_by])
    _job_record(
        action="arrival.release",
        user=user,
        job=job,
        members={str(job.from_member.code)} | {str(n.to_member.code) for n in notices},
        detail={
            "notices": len(notices),
            "waited_seconds": int((now - job.created_at).total_seconds()),
        },
    )
    return job


@transaction.atomic
def import_job_return(*, job: ArrivalImportJob, user, note: str) -> ArrivalImportJob:
    """Return a held import to its uploader with ``note``: none of its held notices ever
    leaves the sending member."""
    job = _job_locked(user, job)
    note = (note or "").strip()
    if not note:
        raise Invalid({"note": [_("Say why the item is returned.")]})
    ArrivalNotice.objects.filter(
        import_job=job, release_state=ReleaseState.AWAITING_RELEASE
    ).update(release_state=ReleaseState.RETURNED, release_note=note)
    job.release_state, job.release_note = ReleaseState.RETURNED, note
    job.save(update_fields=["release_state", "release_note"])
    _job_alert(job=job, event=AlertEvent.RETURNED, people=[job.created_by], note=note)
    _job_record(
        action="arrival.return",
        user=user,
        job=job,
        members={str(job.from_member.code)},
        detail={"notices": job.held},
    )
    return job


def import_held_item(job: ArrivalImportJob) -> HeldItem:
    return HeldItem(
        kind=IMPORT_KIND,
        id=job.pk,
        reference=_job_reference(job),
        member_id=job.from_member_id,
        author_id=job.created_by_id,
        author=job.created_by.username,
        handling_code=", ".join((job.held_summary or {}).get("handling_codes", [])),
        priority="",
        created_at=job.created_at,
        release_state=job.release_state,
        url=reverse("arrivals:import-job", args=[job.pk]),
        summary=import_summary(job),
    )


def _jobs_held(member_ids):
    return ArrivalImportJob.objects.filter(
        release_state=ReleaseState.AWAITING_RELEASE, from_member_id__in=list(member_ids)
    )


def _imports_awaiting(member_ids) -> list[HeldItem]:
    jobs = _jobs_held(member_ids).select_related("from_member", "created_by")
    return [import_held_item(j) for j in jobs.order_by("created_at", "pk")]


def _imports_pending(member_ids, user_id: int):
    return _jobs_held(member_ids).exclude(created_by_id=user_id).order_by().values("pk")


def _import_get(user, item_id: int) -> ArrivalImportJob | None:
    jobs = restrict_import_jobs(user).exclude(release_state="")
    return jobs.select_related("from_member", "created_by").filter(pk=item_id).first()


def _import_durations():
    return release_durations(ArrivalImportJob.objects.all(), "from_member_id")


ARRIVAL_IMPORT_RELEASE_KIND = ReleaseKind(
    name=IMPORT_KIND,
    policy_kind="arrival",
    awaiting=_imports_awaiting,
    get=_import_get,
    describe=import_held_item,
    release=lambda *, user, item: import_job_release(job=item, user=user),
    return_=lambda *, user, item, note: import_job_return(job=item, user=user, note=note),
    pending=_imports_pending,
    durations=_import_durations,
)
