"""Audit events of the seizures, recorded through the members base
(``members.audit.audit_record``): the read paths (report detail in the page and the API, CSV and
XLSX exports) and the writes (a report created, a file imported, an operation created, the
commodity vocabulary changed), the latter called last in their service's transaction with the
acting user; the request's address, browser and id come from the request context."""

from members.audit import audit_record
from members.models import MemberAdministration
from members.selectors import audit_access_history


def seizure_read_record(*, request, report) -> None:
    """``seizure.read``: once per user and report per AUDIT_READ_DEDUPE_SECONDS. The member
    concerned is the reporting member (loaded with the report)."""
    audit_record(
        action="seizure.read",
        request=request,
        obj=report,
        object_type="seizure_report",
        members=[report.reporting_member.code],
        dedupe=True,
    )


def seizures_export_record(*, request, fmt: str, rows: int, complete: bool = True) -> None:
    """``seizures.export``: the filters and the number of rows written (never the rows)."""
    audit_record(
        action="seizures.export",
        request=request,
        object_type="seizure_report",
        detail={
            "format": fmt,
            "filters": {k: v for k, v in request.GET.items() if v},
            "rows": rows,
            "complete": complete,
        },
    )


def seizure_access_history(*, user, report):
    return audit_access_history(
        user=user,
        object_type="seizure_report",
        object_id=report.pk,
        owner_member_id=report.reporting_member_id,
    )


# --- Writes (inside the services' transactions) ----------------------------------------------


def seizure_create_record(*, user, report) -> None:
    audit_record(
        action="seizure.create",
        actor=user,
        obj=report,
        object_type="seizure_report",
        members=[report.reporting_member],
        detail=None if report.is_released else {"release_state": report.release_state},
    )


def seizures_import_record(*, user, reports: list[dict], filename: str = "", job_id=None) -> None:
    """``seizures.import``: one event per imported file, with its row count (never its rows).
    The members concerned are those the rows were reported for (one small query)."""
    member_ids = {values["reporting_member_id"] for values in reports}
    members = MemberAdministration.objects.filter(pk__in=member_ids) if member_ids else ()
    detail = {"rows": len(reports), "filename": filename[:255]}
    if job_id is not None:
        detail["job"] = job_id
    audit_record(
        action="seizures.import",
        actor=user,
        object_type="seizure_report",
        members=members,
        detail=detail,
    )


def operation_create_record(*, user, operation) -> None:
    audit_record(
        action="operation.create",
        actor=user,
        obj=operation,
        object_reference=operation.code,
        members=operation.participating_members.all(),
    )


def vocabulary_change_record(*, user, commodity, created: bool, fields=()) -> None:
    """``vocabulary.change``: a commodity added or changed (its code and the fields changed)."""
    audit_record(
        action="vocabulary.change",
        actor=user,
        obj=commodity,
        object_reference=commodity.code,
        detail={"change": "create" if created else "update", "fields": sorted(fields)},
    )
