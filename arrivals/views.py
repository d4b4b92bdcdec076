"""The board (incoming and outgoing), the notice page with its actions, the filing form and
the manifest upload. Thin: forms parse, services write, selectors read; outside: 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.form_drafts import form_draft_done
from core.pagination import keyset_page
from members import compiled
from members.releases import COPY_PARAMETER, item_release_panel

from . import (
    auditing,
    importing,
    list_markup,
    matching_bridge,
    permissions,
    releasing,
    selectors,
    services,
)
from .filtersets import NoticeFilterSet
from .forms import ArrivalForm, ManifestForm, NoticeForm, OutcomeForm, notice_initial
from .models import ArrivalNotice, DiscrepancyKind

#: The key of the filing form's draft kept in the browser (``core.form_drafts``).
NOTICE_DRAFT = "arrival-notice"


def _notice_or_404(request, pk) -> ArrivalNotice:
    try:
        return selectors.notice_get(user=request.user, pk=pk)
    except ArrivalNotice.DoesNotExist:
        raise Http404 from None


def _form_errors(form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


@login_required
def board(request):
    if not permissions.may_use_arrivals(request.user):
        raise Http404
    params = request.GET.copy()
    direction = params.get("direction") or "incoming"
    params["direction"] = direction
    filters = NoticeFilterSet(params, request=request)
    if filters.is_valid():
        rows = selectors.notice_list(user=request.user, filters=filters)
    else:
        rows = selectors.notice_list(user=request.user).none()
    first_rows = None
    if set(request.GET) <= {"direction"} and filters.is_valid():
        # The first page of a direction is built from the user and their rights alone: its
        # statement is compiled once per person and rights (``members.compiled``).

        def first_rows(limit):
            return compiled.instances_for(
                request.user,
                f"arrivals.board:{direction}:{limit}",
                lambda: selectors.notice_list(user=request.user, filters=filters)[:limit],
            )

    page, previous_url, next_url = keyset_page(
        request, rows, ordering=selectors.NOTICE_ORDERING, size=30, first_rows=first_rows
    )
    return render(
        request,
        "arrivals/board.html",
        {
            "direction": direction,
            "form": filters.form,
            "cards_html": list_markup.notice_cards_html(page, direction),
            "previous_url": previous_url,
            "next_url": next_url,
            "may_file": permissions.may_file_notices(request.user),
        },
    )


@login_required
def notice_detail(request, pk):
    notice = _notice_or_404(request, pk)
    auditing.notice_read_record(request=request, notice=notice)
    actions = permissions.notice_actions(request.user, notice)
    return render(
        request,
        "arrivals/notice_detail.html",
        {
            "notice": notice,
            "discrepancies": [
                {**d, "label": DiscrepancyKind(d["kind"]).label}
                if d.get("kind") in DiscrepancyKind.values
                else {**d, "label": d.get("kind", "")}
                for d in notice.discrepancies
            ],
            "show_screening": permissions.may_see_screening(request.user, notice),
            "matches": matching_bridge.notice_matches(user=request.user, notice=notice),
            "access_history": auditing.notice_access_history(user=request.user, notice=notice),
            "actions": actions,
            "arrival_form": ArrivalForm() if actions["arrived"] else None,
            "outcome_form": OutcomeForm() if actions["outcome"] else None,
            "release": _release_panel(request, notice),
        },
    )


def _release_panel(request, notice: ArrivalNotice) -> dict:
    """The notice's release state and the releaser's buttons (``members.releases``). A
    notice held with its manifest import is released with it, on the import's page."""
    panel = item_release_panel(
        request.user,
        kind="arrival",
        item=notice,
        member_id=notice.from_member_id,
        author_id=notice.author_id,
        actionable=notice.import_job_id is None,
        copy_form_url=reverse("arrivals:create"),
    )
    if notice.import_job_id is not None:
        panel["import_url"] = reverse("arrivals:import-job", args=[notice.import_job_id])
    return panel


def _receiving_action(request, pk, form_class, service, message):
    notice = _notice_or_404(request, pk)
    if not permissions.is_receiving_side(request.user, notice):
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        data = form.data_for_service() if hasattr(form, "data_for_service") else form.cleaned_data
        try:
            service(user=request.user, notice=notice, data=data)
        except services.NotReceivingSide:
            raise Http404 from None
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("arrivals:detail", pk=notice.pk)
    for error in form.errors.values():
        for text in error:
            messages.error(request, text)
    return redirect("arrivals:detail", pk=notice.pk)


@login_required
@require_POST
def notice_arrived(request, pk):
    return _receiving_action(
        request, pk, ArrivalForm, services.notice_arrived, _("The arrival is recorded.")
    )


@login_required
@require_POST
def notice_outcome(request, pk):
    return _receiving_action(
        request, pk, OutcomeForm, services.notice_outcome, _("The outcome is recorded.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request):
    if not permissions.may_file_notices(request.user):
        raise Http404
    initial = None
    # The browser's draft of the form: a copy of a returned notice keeps its own, so that a
    # blank form's draft never overwrites what was copied.
    draft = NOTICE_DRAFT
    if request.GET.get(COPY_PARAMETER):
        draft = f"{NOTICE_DRAFT}-copy-{request.GET[COPY_PARAMETER]}"
        if request.method == "GET":
            initial = _copy_initial(request, request.GET[COPY_PARAMETER])
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_file(author=request.user, data=form.data_for_service())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            form_draft_done(request, NOTICE_DRAFT)
            messages.success(
                request, _("Notice %(reference)s is sent.") % {"reference": notice.reference}
            )
            return redirect("arrivals:detail", pk=notice.pk)
    return render(request, "arrivals/notice_form.html", {"form": form, "draft": draft})


def _copy_initial(request, notice_id) -> dict:
    """ "Copy into a new draft": the filing form filled with a returned notice of the user's
    own (404 for anything else)."""
    try:
        notice = selectors.notice_returned_own(user=request.user, pk=int(notice_id))
    except (ArrivalNotice.DoesNotExist, ValueError):
        raise Http404 from None
    return notice_initial(notice)


@login_required
@require_http_methods(["GET", "POST"])
def notice_import(request):
    if not permissions.may_file_notices(request.user):
        raise Http404
    form = ManifestForm(request.POST or None, request.FILES or None)
    rejected = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            importing.import_size_check(upload.size)
            content = upload.read()
            if importing.count_rows(content, upload.name) > importing.sync_max_rows():
                job = importing.import_job_create(
                    user=request.user, content=content, filename=upload.name
                )
                return redirect("arrivals:import-job", job_id=job.pk)
            imported, lines, held_job_id = importing.notices_import(
                user=request.user, content=content, filename=upload.name
            )
        except importing.ImportRejected as error:
            rejected = error.answer()
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(notices)s notices imported from %(lines)s lines.")
                % {"notices": imported, "lines": lines},
            )
            if held_job_id is not None:
                return redirect("arrivals:import-job", job_id=held_job_id)
            return redirect("arrivals:board")
    return render(
        request,
        "arrivals/import.html",
        {"form": form, "rejected": rejected, "columns": importing.KNOWN_COLUMNS},
    )


@login_required
def import_job(request, job_id):
    """An import's progress and outcome, for its uploader; an import held for release also
    for the sending member's releasers, with its summary and their buttons."""
    job = permissions.restrict_import_jobs(request.user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    release = None
    if job.release_state:
        release = item_release_panel(
            request.user,
            kind=releasing.IMPORT_KIND,
            item=job,
            member_id=job.from_member_id,
            author_id=job.created_by_id,
        )
        release["summary"] = releasing.import_summary(job)
    return render(
        request,
        "arrivals/import_job.html",
        {"job": job, "answer": importing.import_job_answer(job), "release": release},
    )
