"""Audit events of the seizures' read paths (report detail in the page and the API, CSV and
XLSX exports), recorded through the members base (``members.audit.audit_record``)."""

from members.audit import audit_record
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
