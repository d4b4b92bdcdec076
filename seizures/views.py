"""Browser views of the seizures app: dashboard, reports, imports, exports, operations and the
commodity vocabulary. Thin: ``seizures.permissions`` decides, the selectors read (through
``restrict_seizures``), the services write, ``seizures.exporting`` writes files."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.form_drafts import form_draft_done
from core.pagination import keyset_page
from exchange.panels import query_panels_render
from matching import permissions as matching_permissions
from matching import selectors as matching_selectors
from matching.models import RecordType
from members import compiled
from members.releases import item_release_panel

from . import auditing, exporting, list_markup, permissions, selectors, services
from .columns import IMPORT_REQUIRED_COLUMNS
from .dashboard_views import chart_data, seizure_reader_required
from .filtersets import SeizureListFilterSet
from .forms import CommodityForm, ImportForm, OperationForm, SeizureReportForm
from .models import Commodity, ImportStatus
from .panels import seizure_report_panels
from .releasing import import_summary, restrict_held_imports


@login_required
def report_list(request):
    seizure_reader_required(request)
    filters = filters_html = first_rows = None
    if request.GET:
        filters = SeizureListFilterSet(request.GET).with_choices()
        if filters.is_valid():
            queryset = selectors.seizure_list(user=request.user, filters=filters)
        else:
            queryset = selectors.seizure_list(user=request.user).none()
    else:
        queryset = selectors.seizure_list(user=request.user)
        filters_html = list_markup.empty_filters_html(SeizureListFilterSet)

        # The unfiltered first page is built from the user and their rights alone: its
        # statement is compiled once per person and rights (``members.compiled``), and it
        # reads only what the rows show.
        def first_rows(limit):
            return list_markup.rows_read(
                compiled.rows_for(
                    request.user,
                    f"seizures.report_list.rows:{limit}",
                    lambda: queryset.values_list(*list_markup.ROW_VALUES)[:limit],
                )
            )

    # By cursor (any page costs what the first does), unless sorted on another column.
    rows, previous_url, next_url = keyset_page(
        request, queryset, ordering=selectors.SEIZURE_LIST_ORDERING, first_rows=first_rows
    )
    return render(
        request,
        "seizures/report_list.html",
        {
            "form": filters.form if filters else None,
            "filters_html": filters_html,
            "page": rows,
            "labels": list_markup.column_labels(),
            "rows_html": list_markup.report_rows_html(rows),
            "previous_url": previous_url,
            "next_url": next_url,
        },
    )


@login_required
def report_detail(request, pk):
    seizure_reader_required(request)
    report = get_object_or_404(selectors.seizure_list(user=request.user), pk=pk)
    auditing.seizure_read_record(request=request, report=report)
    linked_query = permissions.visible_linked_query(request.user, report.query_id)
    report_panels = seizure_report_panels(user=request.user, report=report)
    return render(
        request,
        "seizures/report_detail.html",
        {
            "report": report,
            "linked_query": linked_query,
            "matches": matching_selectors.record_matches(
                user=request.user, record_type=RecordType.SEIZURE, record_id=report.pk
            ),
            "may_use_matching": matching_permissions.may_use_matching(request.user),
            "access_history": auditing.seizure_access_history(user=request.user, report=report),
            "report_panels": query_panels_render(report_panels, request=request),
            "release": _release_panel(
                request,
                kind="seizure",
                item=report,
                member_id=report.reporting_member_id,
                author_id=report.created_by_id,
                # A report held with its import is released with it (on the import's page).
                actionable=report.import_job_id is None,
            ),
        },
    )


def _release_panel(request, **item) -> dict:
    """An item's release state and the releaser's buttons (``members.releases``)."""
    return item_release_panel(request.user, **item)


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request):
    if not permissions.may_report_seizures(request.user):
        raise Http404
    form = SeizureReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if request.GET.get("query"):
            data["query"] = request.GET["query"]
        try:
            report = services.seizure_report_create(user=request.user, data=data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            form_draft_done(request, "seizure-report")
            messages.success(
                request,
                _("The seizure report %(reference)s was saved.") % {"reference": report.reference},
            )
            return redirect("seizures:report-detail", pk=report.pk)
    return render(request, "seizures/report_form.html", {"form": form})


# --- Exports ---------------------------------------------------------------------------------


def _counting(rows, sent: dict):
    """Pass the rows through, counting them in ``sent["rows"]`` (for the audit event)."""
    for row in rows:
        sent["rows"] += 1
        yield row


def _attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export(request, fmt):
    """The filtered reports the user may read, as CSV (streamed) or XLSX."""
    seizure_reader_required(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    # The list's filters, text search included: an export holds what the list showed.
    filters = SeizureListFilterSet(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        return HttpResponse(
            filters.error_text, status=400, content_type="text/plain; charset=utf-8"
        )
    rows = selectors.seizure_export_rows(user=request.user, filters=filters, typed=fmt == "xlsx")
    name = exporting.export_filename(filters, fmt, timezone.localdate())
    if fmt == "csv":
        sent = {"rows": 0, "complete": False}

        def stream():
            try:
                yield from exporting.export_csv_lines(_counting(rows, sent))
                sent["complete"] = True
            finally:
                # Recorded when the stream ends (or is cut off), with the rows really sent.
                auditing.seizures_export_record(
                    request=request, fmt="csv", rows=sent["rows"], complete=sent["complete"]
                )

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        return _attachment(response, name)
    if (
        selectors.seizure_count(user=request.user, filters=filters)
        > settings.SEIZURES_EXPORT_XLSX_MAX_ROWS
    ):
        messages.error(
            request,
            _(
                "More than %(max)s reports match the filters: narrow them, or export CSV, "
                "which has no limit."
            )
            % {"max": settings.SEIZURES_EXPORT_XLSX_MAX_ROWS},
        )
        return redirect(f"{reverse('seizures:dashboard')}?{request.GET.urlencode()}")
    sent = {"rows": 0}
    content = exporting.export_xlsx(_counting(rows, sent))
    auditing.seizures_export_record(request=request, fmt="xlsx", rows=sent["rows"])
    response = HttpResponse(content, content_type=exporting.XLSX_CONTENT_TYPE)
    return _attachment(response, name)


# --- Imports ---------------------------------------------------------------------------------


def _may_import(request):
    if not permissions.may_import(request.user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _may_import(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                user=request.user, content=upload.read(), filename=upload.name
            )
        except ValidationError as error:
            form.add_error("file", error.messages[0])
        else:
            return redirect("seizures:import-job", pk=job.pk)
    jobs = permissions.restrict_import_jobs(request.user).order_by("-created_at")[:10]
    return render(
        request,
        "seizures/import.html",
        {
            "form": form,
            "jobs": jobs,
            "columns": services.IMPORT_COLUMNS,
            "required_columns": IMPORT_REQUIRED_COLUMNS,
            "members": permissions.reporting_members(request.user),
        },
    )


@login_required
def import_template(request, fmt):
    """An empty import file with the expected columns."""
    _may_import(request)
    if fmt == "csv":
        response = HttpResponse(
            exporting.import_template_csv(), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            exporting.import_template_xlsx(), content_type=exporting.XLSX_CONTENT_TYPE
        )
    else:
        raise Http404
    return _attachment(response, f"seizure-import-template.{fmt}")


def _own_job(request, pk):
    return get_object_or_404(permissions.restrict_import_jobs(request.user), pk=pk)


@login_required
def import_job(request, pk):
    """An import's progress and row report, for its uploader; an import awaiting release
    also for its member's releasers, with its summary and their buttons."""
    job = (
        permissions.restrict_import_jobs(request.user).filter(pk=pk).first()
        or restrict_held_imports(request.user).filter(pk=pk).first()
    )
    if job is None:
        raise Http404
    errors = job.errors if isinstance(job.errors, dict) else {"count": 0, "rows": []}
    release = None
    if job.release_state:
        release = _release_panel(
            request,
            kind="seizure_import",
            item=job,
            member_id=job.reporting_member_id,
            author_id=job.created_by_id,
        )
        release["summary"] = import_summary(job)
    return render(
        request, "seizures/import_job.html", {"job": job, "errors": errors, "release": release}
    )


@login_required
def import_job_status(request, pk):
    """A small JSON status the progress bar polls."""
    job = _own_job(request, pk)
    message = ""
    if job.waiting_to_resume:
        message = render_to_string("seizures/_import_waiting.html", {"job": job}).strip()
    elif not job.finished:
        message = _("Checking the rows: %(done)s of %(total)s…") % {
            "done": job.processed_rows,
            "total": job.total_rows,
        }
    return JsonResponse(
        {
            "status": job.status,
            "waiting": job.waiting_to_resume,
            "message": message,
            "finished": job.finished,
            "percent": job.percent,
            "processed_rows": job.processed_rows,
            "total_rows": job.total_rows,
            "imported": job.imported,
            "failed": job.status == ImportStatus.FAILED,
        }
    )


# --- Operations ------------------------------------------------------------------------------


@login_required
def operation_list(request):
    seizure_reader_required(request)
    return render(
        request,
        "seizures/operation_list.html",
        {
            "operations": selectors.operation_list(user=request.user),
            "may_create": permissions.may_create_operations(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def operation_create(request):
    if not permissions.may_create_operations(request.user):
        raise Http404
    form = OperationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            operation = services.operation_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("The operation %(name)s was created.") % {"name": operation.name}
            )
            return redirect("seizures:operation-detail", code=operation.code)
    return render(request, "seizures/operation_form.html", {"form": form})


@login_required
def operation_detail(request, code):
    """An operation's results by participant and by commodity, within what the viewer may
    read (``national`` reports of other members are not counted)."""
    seizure_reader_required(request)
    operation = get_object_or_404(selectors.operation_list(user=request.user), code=code.lower())
    results = selectors.operation_results(user=request.user, operation=operation)
    # The bars link to the operation's reports of their group, on the operation's scale.
    params = QueryDict(mutable=True)
    params["operation"] = operation.code
    if request.GET.get("scale") == "log":
        params["scale"] = "log"
    return render(
        request,
        "seizures/operation_detail.html",
        {
            "operation": operation,
            "results": results,
            "member_chart": chart_data(
                "member", _("By participant"), results["by_member"], params=params
            ),
            "commodity_chart": chart_data(
                "commodity", _("By commodity"), results["by_commodity"], params=params
            ),
        },
    )


# --- The commodity vocabulary ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def commodity_list(request):
    seizure_reader_required(request)
    may_manage = permissions.may_manage_commodities(request.user)
    form = CommodityForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise Http404
        if form.is_valid():
            try:
                commodity = services.commodity_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("The commodity %(name)s was added.") % {"name": commodity.display_name},
                )
                return redirect("seizures:commodities")
    return render(
        request,
        "seizures/commodity_list.html",
        {"commodities": Commodity.objects.order_by("category", "name"), "form": form},
    )
