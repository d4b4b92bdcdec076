"""Seizure reports under a member's release policy: only network-shared reports leave the
country, so only they are held (policy kind ``seizure``). Two kinds of ``members.releases``,
registered in ``SeizuresConfig.ready``:

- ``seizure``: one report entered (or imported without a job) awaiting release;
- ``seizure_import``: an import job whose network-shared reports await release together, as
  one item with a summary of its rows (released or returned whole).

Until released a held report is read by its author and the member's releasers only
(``permissions.restrict_seizures``), counts in no total and is in no matching index; releasing
adds it to the totals and the index in the release's transaction, as if just filed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alerts.models import AlertEvent
from alerts.outbox import alerts_create
from core.exceptions import Conflict, NotAllowed
from matching.hits import hits_confirm_for_query
from members import permissions as base
from members.audit import audit_record
from members.models import ReleaseState
from members.releases import HeldItem, ReleaseKind, release_durations, release_required

from .matching import seizure_report_index, seizure_reports_index
from .models import ImportJob, SeizureReport, Sharing
from .permissions import restrict_import_jobs, restrict_seizures
from .totals import totals_add


def report_release_state(*, member_id: int, sharing: str) -> str:
    """The ``release_state`` a report is saved with: a network-shared report of a member
    whose policy lists ``seizure`` awaits release; anything else is released at once."""
    if sharing == Sharing.NETWORK and release_required(member_id=member_id, kind="seizure"):
        return ReleaseState.AWAITING_RELEASE
    return ReleaseState.RELEASED


def _reference(report: SeizureReport) -> str:
    return f"{report.reporting_member.code}/{report.reference}"


def _alert(*, event: str, people, kind: str, item_id: int, reference: str, note: str = ""):
    alerts_create(
        query=None,
        event=event,
        people=people,
        release_kind=kind,
        release_item_id=item_id,
        release_reference=reference[:100],
        note=note,
    )


def seizure_held_alert(*, report: SeizureReport, author) -> None:
    """Tell the member's releasers (not the author) that a report awaits their release."""
    _alert(
        event=AlertEvent.AWAITING_RELEASE,
        people=[
            p
            for p in base.releasers(report.reporting_member)
            if p.pk != getattr(author, "pk", None)
        ],
        kind="seizure",
        item_id=report.pk,
        reference=_reference(report),
    )


def _check_releaser(user, *, member_id, author_id) -> None:
    if not base.may_release(user, member_id=member_id, author_id=author_id):
        raise NotAllowed(_("A releaser of the member, other than its author, releases it."))


def _record(*, action: str, user, obj, object_type: str, reference: str, member, detail=None):
    audit_record(
        action=action,
        actor=user,
        obj=obj,
        object_type=object_type,
        object_reference=reference,
        members=[member],
        detail=detail,
    )


# --- One report --------------------------------------------------------------------------------


@transaction.atomic
def seizure_report_release(*, report: SeizureReport, user) -> SeizureReport:
    """Release a held report: it counts in the totals and joins the matching index now, as
    if just entered."""
    report = (
        SeizureReport.objects.select_for_update(of=("self",))
        .select_related("reporting_member")
        .get(pk=report.pk)
    )
    _check_releaser(user, member_id=report.reporting_member_id, author_id=report.created_by_id)
    if report.release_state != ReleaseState.AWAITING_RELEASE or report.import_job_id:
        raise Conflict(_("This seizure report no longer awaits release."))
    now = timezone.now()
    report.release_state, report.released_at, report.released_by = (
        ReleaseState.RELEASED,
        now,
        user,
    )
    report.save(update_fields=["release_state", "released_at", "released_by"])
    totals_add([report])
    seizure_report_index(report=report, new=True)
    if report.query_id is not None:
        hits_confirm_for_query(query_id=report.query_id)
    if report.created_by_id:
        _alert(
            event=AlertEvent.RELEASED,
            people=[report.created_by],
            kind="seizure",
            item_id=report.pk,
            reference=_reference(report),
        )
    _record(
        action="seizure.release",
        user=user,
        obj=report,
        object_type="seizure_report",
        reference=_reference(report),
        member=report.reporting_member,
        detail={"waited_seconds": int((now - report.created_at).total_seconds())},
    )
    return report


@transaction.atomic
def seizure_report_return(*, report: SeizureReport, user, note: str) -> SeizureReport:
    """Return a held report to its author with ``note``: it never leaves the member."""
    report = (
        SeizureReport.objects.select_for_update(of=("self",))
        .select_related("reporting_member")
        .get(pk=report.pk)
    )
    _check_releaser(user, member_id=report.reporting_member_id, author_id=report.created_by_id)
    if report.release_state != ReleaseState.AWAITING_RELEASE or report.import_job_id:
        raise Conflict(_("This seizure report no longer awaits release."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say why the item is returned.")]})
    report.release_state, report.release_note = ReleaseState.RETURNED, note
    report.save(update_fields=["release_state", "release_note"])
    if report.created_by_id:
        _alert(
            event=AlertEvent.RETURNED,
            people=[report.created_by],
            kind="seizure",
            item_id=report.pk,
            reference=_reference(report),
            note=note,
        )
    _record(
        action="seizure.return",
        user=user,
        obj=report,
        object_type="seizure_report",
        reference=_reference(report),
        member=report.reporting_member,
    )
    return report


def seizure_held_item(report: SeizureReport) -> HeldItem:
    return HeldItem(
        kind="seizure",
        id=report.pk,
        reference=_reference(report),
        member_id=report.reporting_member_id,
        author_id=report.created_by_id,
        author=report.created_by.username if report.created_by_id else "",
        handling_code="",
        priority="",
        created_at=report.created_at,
        release_state=report.release_state,
        url=reverse("seizures:report-detail", args=[report.pk]),
    )


def _reports_awaiting(member_ids) -> list[HeldItem]:
    reports = (
        SeizureReport.objects.filter(
            release_state=ReleaseState.AWAITING_RELEASE,
            reporting_member_id__in=list(member_ids),
            import_job__isnull=True,
        )
        .select_related("reporting_member", "created_by")
        .order_by("created_at", "pk")
    )
    return [seizure_held_item(r) for r in reports]


def _reports_pending(member_ids, user_id: int):
    return (
        SeizureReport.objects.filter(
            release_state=ReleaseState.AWAITING_RELEASE,
            reporting_member_id__in=list(member_ids),
            import_job__isnull=True,
        )
        .exclude(created_by_id=user_id)
        .order_by()
        .values("pk")
    )


def _report_get(user, item_id: int):
    return (
        restrict_seizures(user)
        .filter(pk=item_id, import_job__isnull=True)
        .select_related("reporting_member", "created_by")
        .first()
    )


def _report_durations():
    reports = SeizureReport.objects.filter(import_job__isnull=True)
    return release_durations(reports, "reporting_member_id")


SEIZURE_RELEASE_KIND = ReleaseKind(
    name="seizure",
    policy_kind="seizure",
    awaiting=_reports_awaiting,
    get=_report_get,
    describe=seizure_held_item,
    release=lambda *, user, item: seizure_report_release(report=item, user=user),
    return_=lambda *, user, item, note: seizure_report_return(report=item, user=user, note=note),
    pending=_reports_pending,
    durations=_report_durations,
)


# --- A whole import ----------------------------------------------------------------------------


def import_summary(job: ImportJob) -> str:
    return ngettext(
        "%(held)d network-shared report of %(rows)d rows awaits release.",
        "%(held)d network-shared reports of %(rows)d rows await release.",
        job.held,
    ) % {"held": job.held, "rows": job.total_rows}


def _job_reference(job: ImportJob) -> str:
    return f"{job.reporting_member.code if job.reporting_member_id else ''}/{job.filename}"[:100]


def import_held_alert(*, job: ImportJob) -> None:
    """Tell the member's releasers (not the uploader) that an import awaits their release."""
    _alert(
        event=AlertEvent.AWAITING_RELEASE,
        people=[p for p in base.releasers(job.reporting_member) if p.pk != job.created_by_id],
        kind="seizure_import",
        item_id=job.pk,
        reference=_job_reference(job),
    )


@transaction.atomic
def import_job_release(*, job: ImportJob, user) -> ImportJob:
    """Release a held import: its held reports count in the totals and join the matching
    index now, in one set-based write each."""
    job = (
        ImportJob.objects.select_for_update(of=("self",))
        .select_related("reporting_member", "created_by")
        .get(pk=job.pk)
    )
    _check_releaser(user, member_id=job.reporting_member_id, author_id=job.created_by_id)
    if job.release_state != ReleaseState.AWAITING_RELEASE:
        raise Conflict(_("This import no longer awaits release."))
    now = timezone.now()
    reports = list(
        SeizureReport.objects.select_for_update()
        .filter(import_job=job, release_state=ReleaseState.AWAITING_RELEASE)
        .order_by("pk")
    )
    SeizureReport.objects.filter(pk__in=[r.pk for r in reports]).update(
        release_state=ReleaseState.RELEASED, released_at=now, released_by=user
    )
    for report in reports:
        report.release_state = ReleaseState.RELEASED
    totals_add(reports)
    seizure_reports_index(reports=reports, new=True)
    job.release_state, job.released_at, job.released_by = ReleaseState.RELEASED, now, user
    job.save(update_fields=["release_state", "released_at", "released_by"])
    _alert(
        event=AlertEvent.RELEASED,
        people=[job.created_by],
        kind="seizure_import",
        item_id=job.pk,
        reference=_job_reference(job),
    )
    _record(
        action="seizure.release",
        user=user,
        obj=job,
        object_type="seizure_import",
        reference=_job_reference(job),
        member=job.reporting_member,
        detail={
            "reports": len(reports),
            "waited_seconds": int((now - job.created_at).total_seconds()),
        },
    )
    return job


@transaction.atomic
def import_job_return(*, job: ImportJob, user, note: str) -> ImportJob:
    """Return a held import to its uploader with ``note``: its held reports never leave."""
    job = (
        ImportJob.objects.select_for_update(of=("self",))
        .select_related("reporting_member", "created_by")
        .get(pk=job.pk)
    )
    _check_releaser(user, member_id=job.reporting_member_id, author_id=job.created_by_id)
    if job.release_state != ReleaseState.AWAITING_RELEASE:
        raise Conflict(_("This import no longer awaits release."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say why the item is returned.")]})
    SeizureReport.objects.filter(
        import_job=job, release_state=ReleaseState.AWAITING_RELEASE
    ).update(release_state=ReleaseState.RETURNED, release_note=note)
    job.release_state, job.release_note = ReleaseState.RETURNED, note
    job.save(update_fields=["release_state", "release_note"])
    _alert(
        event=AlertEvent.RETURNED,
        people=[job.created_by],
        kind="seizure_import",
        item_id=job.pk,
        reference=_job_reference(job),
        note=note,
    )
    _record(
        action="seizure.return",
        user=user,
        obj=job,
        object_type="seizure_import",
        reference=_job_reference(job),
        member=job.reporting_member,
        detail={"reports": job.held},
    )
    return job


def import_held_item(job: ImportJob) -> HeldItem:
    return HeldItem(
        kind="seizure_import",
        id=job.pk,
        reference=_job_reference(job),
        member_id=job.reporting_member_id,
        author_id=job.created_by_id,
        author=job.created_by.username,
        handling_code="",
        priority="",
        created_at=job.finished_at or job.created_at,
        release_state=job.release_state,
        url=reverse("seizures:import-job", args=[job.pk]),
        summary=import_summary(job),
    )


def _imports_awaiting(member_ids) -> list[HeldItem]:
    jobs = (
        ImportJob.objects.filter(
            release_state=ReleaseState.AWAITING_RELEASE, reporting_member_id__in=list(member_ids)
        )
        .select_related("reporting_member", "created_by")
        .order_by("created_at", "pk")
    )
    return [import_held_item(j) for j in jobs]


def _imports_pending(member_ids, user_id: int):
    return (
        ImportJob.objects.filter(
            release_state=ReleaseState.AWAITING_RELEASE, reporting_member_id__in=list(member_ids)
        )
        .exclude(created_by_id=user_id)
        .order_by()
        .values("pk")
    )


def restrict_held_imports(user):
    """Held (or returned) imports the user may see: their own uploads, and those of the
    members they release for."""
    own = restrict_import_jobs(user)
    releasing = base.release_member_ids(user)
    return (
        ImportJob.objects.filter(pk__in=own.values("pk"))
        | ImportJob.objects.filter(reporting_member_id__in=releasing)
    ).exclude(release_state="")


def _import_get(user, item_id: int):
    return (
        restrict_held_imports(user)
        .select_related("reporting_member", "created_by")
        .filter(pk=item_id)
        .first()
    )


def _import_durations():
    return release_durations(ImportJob.objects.all(), "reporting_member_id")


SEIZURE_IMPORT_RELEASE_KIND = ReleaseKind(
    name="seizure_import",
    policy_kind="seizure",
    awaiting=_imports_awaiting,
    get=_import_get,
    describe=import_held_item,
    release=lambda *, user, item: import_job_release(job=item, user=user),
    return_=lambda *, user, item, note: import_job_return(job=item, user=user, note=note),
    pending=_imports_pending,
    durations=_import_durations,
)
