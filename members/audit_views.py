"""Browser views of the audit trail: the audit page (filters, keyset pages, CSV export).
Anyone but network and member admins gets a 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render

from core.spreadsheets import csv_lines

from . import audit_permissions, selectors
from .api.filters import AuditEventFilter
from .audit import audit_record
from .audit_sentences import audit_sentence_html

PAGE_SIZE = 50
CSV_COLUMNS = (
    "id",
    "at",
    "actor_username",
    "actor_member",
    "action",
    "object_type",
    "object_id",
    "object_reference",
    "members",
    "ip",
    "request_id",
    "detail",
)


def _text(value) -> str:
    """Every audit cell is text (written by ``core.spreadsheets``, which neutralises formulas)."""
    return "" if value is None else str(value)


def _filtered(request):
    if not audit_permissions.may_view_audit(request.user):
        raise Http404
    filterset = AuditEventFilter(
        request.GET or None,
        queryset=selectors.audit_event_list(user=request.user),
        request=request,
    )
    return filterset


@login_required
def audit_list(request):
    filterset = _filtered(request)
    events = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    if filterset.is_bound and not filterset.is_valid():
        events = events.none()
    # Keyset pages (``before`` an id): no COUNT over a million rows.
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(id__lt=int(before))
    rows = list(events[: PAGE_SIZE + 1])
    params = request.GET.copy()
    params.pop("before", None)
    next_before = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    for event in rows:
        event.sentence = audit_sentence_html(event)
    return render(
        request,
        "members/audit.html",
        {
            "filterset": filterset,
            "events": rows[:PAGE_SIZE],
            "next_before": next_before,
            "querystring": params.urlencode(),
        },
    )


@login_required
def audit_export(request):
    filterset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        raise Http404
    events = filterset.qs if filterset.is_bound else filterset.queryset
    audit_record(
        action="audit.export",
        request=request,
        detail={"filters": {k: v for k, v in request.GET.items() if v}},
    )

    def rows():
        for event in events.iterator(chunk_size=2000):
            yield (
                [
                    _text(v)
                    for v in (
                        event.id,
                        event.at.isoformat(),
                        event.actor_username,
                        event.actor_member.code if event.actor_member else "",
                        event.action,
                        event.object_type,
                        event.object_id,
                        event.object_reference,
                        " ".join(event.member_codes),
                        event.ip,
                        event.request_id,
                        event.detail,
                    )
                ]
            )

    response = StreamingHttpResponse(
        csv_lines(CSV_COLUMNS, rows(), bom=False), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
