"""Browser views of the exchange app: inbox, filing, the query page and its actions,
attachments, notifications, network figures. Thin: parse, call a selector or service, render.
Anything outside the user's scope is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from alerts import outbox
from core.form_drafts import form_draft_done
from core.urls import reverse_each
from matching import selectors as matching_selectors
from matching.models import Hit
from members import caching, compiled
from members.permissions import may_view_network_figures, takes_part_in_queries
from members.releases import COPY_PARAMETER, item_release_panel

from . import (
    auditing,
    downloads,
    drafts,
    list_markup,
    panels,
    pending_uploads,
    permissions,
    selectors,
    services,
)
from .drafts import QueryDraft
from .filtersets import QueryFilterSet
from .forms import CloseForm, OutcomeForm, QueryForm, ReplyForm
from .models import Query

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def _page_size(request) -> int:
    try:
        return max(1, min(MAX_PAGE_SIZE, int(request.GET.get("per_page", PAGE_SIZE))))
    except ValueError:
        return PAGE_SIZE


def _get_query(request, pk) -> Query:
    """The query the user may see; a refusal of an action on it then returns to its page."""
    try:
        query = selectors.query_get(user=request.user, pk=pk)
    except Query.DoesNotExist:
        raise Http404 from None
    request.refusal_back_to = reverse("exchange:detail", args=[query.pk])
    return query


def _empty_inbox_filters() -> str:
    """The inbox's filter form with nothing chosen: drawn from the vocabularies alone, so
    once per language and vocabulary generation (``members.caching.vocabulary_markup``)."""
    form = QueryFilterSet(None, queryset=Query.objects.none()).form
    return render_to_string("exchange/_inbox_filters.html", {"form": form})


@login_required
def inbox(request):
    if not takes_part_in_queries(request.user):
        raise Http404
    size = _page_size(request)
    filters_html = None
    if request.GET:
        filterset = QueryFilterSet(
            request.GET, queryset=selectors.query_list(user=request.user), request=request
        )
        page = Paginator(filterset.qs, size).get_page(request.GET.get("page"))
    else:
        # Only the empty filter form is shown. The unfiltered first page and its count are
        # built from the user and their rights alone: their statements are compiled once per
        # person and rights.
        filterset = None
        filters_html = caching.vocabulary_markup("exchange.inbox_filters", _empty_inbox_filters)
        page = Paginator(selectors.query_first_page(user=request.user, size=size), size).page(1)
    page.object_list = selectors.query_list_prefetch(list(page.object_list))
    for query, url in zip(page, reverse_each("exchange:detail", [q.pk for q in page]), strict=True):
        query.detail_url = url
    params = request.GET.copy()
    params.pop("page", None)
    labels = list_markup.column_labels()
    return render(
        request,
        "exchange/inbox.html",
        {
            "form": filterset.form if filterset else None,
            "filters_html": filters_html,
            "page": page,
            "labels": labels,
            "rows_html": list_markup.query_rows_html(page.object_list, labels),
            "querystring": params.urlencode(),
            "may_file": permissions.may_file_queries(request.user),
            # The footnote explains the mark; without a mark it only puzzles.
            "awaits_acknowledgement": any(
                r.awaits_acknowledgement
                for query in page
                for r in compiled.prefetched(query, "recipients")
            ),
        },
    )


@login_required
def query_new(request):
    """The filing form. Attachments chosen on a submit that fails are kept on the server
    (``pending_uploads``) and filed with the query on the next successful submit."""
    user = request.user
    filing_members, filing_units = permissions.query_filing_senders(user)
    if not filing_members:
        raise Http404
    ask = _ask_draft(request)
    initial = None
    if request.method != "POST":
        initial = ask["initial"] if ask else _query_initial(request)
    form = QueryForm(
        request.POST or None,
        request.FILES or None,
        filing_members=filing_members,
        filing_units=filing_units,
        own_unit=user.control_unit if user.control_unit_id else None,
        initial=initial,
    )
    draft = pending_uploads.draft_token(request)
    if request.method == "POST":
        pending_uploads.pending_discard(request, draft, request.POST.getlist("discard_upload"))
        # A file chosen again replaces the kept one of the same name.
        pending_uploads.pending_replace(request, draft, request.FILES.getlist("attachments"))
        if request.POST.get("remove_upload"):
            # "Remove" beside a kept file: the form comes back as it was, that file gone,
            # nothing filed and no error shown yet.
            pending_uploads.pending_discard(request, draft, [request.POST["remove_upload"]])
            pending_uploads.pending_keep(request, draft, request.FILES.getlist("attachments"))
            form.hold_errors()
            return _query_form_page(request, form, draft, ask)
        if form.is_valid():
            kept = pending_uploads.pending_files(request, draft)
            arguments = form.service_arguments()
            arguments["attachments"] = [*kept, *arguments.get("attachments", [])]
            hit = _own_hit(request, form.cleaned_data.get("hit"))
            try:
                query = services.query_file(
                    author=user, draft=QueryDraft.from_data(arguments), asks_about=hit
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                pending_uploads.pending_clear(request, draft)
                form_draft_done(request, "query-file")
                messages.success(
                    request,
                    _(
                        "Query %(reference)s was filed; the recipients' focal points are being "
                        "alerted."
                    )
                    % {"reference": query.reference},
                )
                return redirect("exchange:detail", pk=query.pk)
            finally:
                for handle in kept:
                    handle.close()
        pending_uploads.pending_keep(request, draft, request.FILES.getlist("attachments"))
    return _query_form_page(request, form, draft, ask)


def _query_form_page(request, form, draft, ask):
    return render(
        request,
        "exchange/query_form.html",
        {
            "form": form,
            "draft": draft,
            "pending_uploads": pending_uploads.pending_list(request, draft),
            "ask_banner": ask["banner"] if ask else "",
        },
    )


#: Fields of the filing form a link may pre-fill (``?recipients=KZ&kind=request&...``).
_PREFILLABLE = ("kind", "priority", "handling_code", *drafts.MESSAGE, *drafts.IDENTIFIERS)


def _own_hit(request, hit_id):
    """The hit ``hit_id`` if it is one of the user's members' hits; 404 otherwise."""
    if hit_id in (None, ""):
        return None
    try:
        return matching_selectors.hits_for(user=request.user).get(pk=int(hit_id))
    except (Hit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _ask_draft(request) -> dict | None:
    """For a query asked from a hit (``hit`` in the link or the posted form): the form's
    initial data and the banner saying what it is about (``hit_ask_draft``)."""
    source = request.POST if request.method == "POST" else request.GET
    hit = _own_hit(request, source.get("hit"))
    if hit is None:
        return None
    return matching_selectors.hit_ask_draft(hit, user=request.user)


def _query_initial(request) -> dict:
    """The filing form's initial values from the link that opened it. "Ask <member>" on the
    Hits page passes ``hit``: the hit (the user's own only) then decides what is pre-filled."""
    hit = _own_hit(request, request.GET.get("hit"))
    if hit is not None:
        return matching_selectors.hit_ask_initial(hit)
    if request.GET.get(COPY_PARAMETER):
        return _copy_initial(request, request.GET[COPY_PARAMETER])
    initial = {name: request.GET[name] for name in _PREFILLABLE if request.GET.get(name)}
    if request.GET.getlist("recipients"):
        initial["recipients"] = request.GET.getlist("recipients")
    return initial


def _copy_initial(request, query_id) -> dict:
    """ "Copy into a new draft": the filing form filled with a returned query of the user's
    own (404 for anything else)."""
    try:
        query = selectors.query_returned_own(user=request.user, pk=int(query_id))
    except (Query.DoesNotExist, ValueError):
        raise Http404 from None
    lines = "\n".join
    return {
        "kind": query.kind,
        "priority": query.priority,
        "handling_code": query.handling_code,
        "handling_restrictions": query.handling_restrictions,
        "source_evaluation": query.source_evaluation,
        "information_evaluation": query.information_evaluation,
        "subject": query.subject,
        "body": query.body,
        "recipients": [r["member"] for r in query.held_recipients],
        "recipient_units": [u for r in query.held_recipients for u in r.get("units", [])],
        "container_numbers": lines(c.number for c in query.containers.all()),
        "bill_of_lading_numbers": lines(query.bill_of_lading_numbers or ()),
        "air_waybill_numbers": lines(query.air_waybill_numbers or ()),
        "vessel_or_flight": query.vessel_or_flight,
        "vessel_imo": query.vessel_imo,
        "shipper": query.shipper,
        "consignee": query.consignee,
        "exclude_from_matching": query.exclude_from_matching,
        "hs_codes": ", ".join(query.hs_codes or ()),
        "route_countries": ", ".join(query.route_countries or ()),
        "expected_arrival": query.expected_arrival,
    }


def _release_panel(request, query: Query) -> dict:
    """The query's release state and the releaser's buttons (``members.releases``)."""
    return item_release_panel(
        request.user,
        kind="query",
        item=query,
        member_id=query.sender_member_id,
        author_id=query.author_id,
        copy_form_url=reverse("exchange:file"),
    )


@login_required
def query_detail(request, pk, *, reply_form=None, close_form=None, outcome_form=None, status=200):
    query = _get_query(request, pk)
    auditing.query_read_record(request=request, query=query)
    outbox.notifications_mark_read(user=request.user, query=query)
    return render(
        request,
        "exchange/query_detail.html",
        {
            "query": query,
            "thread": selectors.query_thread(query=query),
            "attachments": [
                a for a in selectors.query_attachments(query=query) if a.reply_id is None
            ],
            "panels": panels.query_panels_render(
                panels.query_panels(user=request.user, query=query), request=request
            ),
            "actions": permissions.query_actions(request.user, query),
            "reply_form": reply_form or ReplyForm(),
            "close_form": close_form or CloseForm(),
            "outcome_form": outcome_form or OutcomeForm(),
            "access_history": auditing.query_access_history(user=request.user, query=query),
            "release": _release_panel(request, query),
        },
        status=status,
    )


@login_required
def query_export(request, pk):
    """The query and its thread as plain text, handling code and evaluation first."""
    query = _get_query(request, pk)
    text = render_to_string(
        "exchange/export.txt",
        {
            "query": query,
            "thread": selectors.query_thread(query=query),
            "attachments": selectors.query_attachments(query=query),
        },
    )
    auditing.query_export_record(request=request, query=query)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{query.reference}.txt"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def query_acknowledge(request, pk):
    query = _get_query(request, pk)
    services.query_acknowledge(query=query, user=request.user)
    messages.success(request, _("You acknowledged receipt; the sender has been told."))
    return redirect("exchange:detail", pk=pk)


def _query_form_action(
    request, pk, *, form_class, form_name, service, success, files=False, draft=None
):
    """Run one party action that comes with a form (reply, outcome, close): field errors go
    back to the query page with a 400, a closed query or a non-party is refused. A GET (the
    login after an expired session brings the person back to the address they posted to)
    shows the query page, where the form is."""
    if request.method != "POST":
        return redirect("exchange:detail", pk=pk)
    query = _get_query(request, pk)
    form = form_class(request.POST, request.FILES) if files else form_class(request.POST)
    if form.is_valid():
        try:
            service(query=query, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if draft:
                form_draft_done(request, draft)
            messages.success(request, success)
            return redirect("exchange:detail", pk=pk)
    return query_detail(request, pk, status=400, **{form_name: form})


@login_required
@require_http_methods(["GET", "POST"])
def query_reply(request, pk):
    return _query_form_action(
        request,
        pk,
        form_class=ReplyForm,
        form_name="reply_form",
        service=services.query_reply,
        success=_("Your reply was sent to the other parties."),
        files=True,
        draft=f"reply-{pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def query_outcome(request, pk):
    return _query_form_action(
        request,
        pk,
        form_class=OutcomeForm,
        form_name="outcome_form",
        service=services.query_report_outcome,
        success=_("The outcome was recorded and the sender told."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def query_close(request, pk):
    return _query_form_action(
        request,
        pk,
        form_class=CloseForm,
        form_name="close_form",
        service=services.query_close,
        success=_("The query was closed."),
    )


@login_required
def attachment_download(request, pk, attachment_pk):
    return downloads.attachment_response(request, query_pk=pk, pk=attachment_pk)


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") in ("1", "true")
    rows = selectors.notifications(user=request.user, unread=True if unread_only else None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = "unread=true" if unread_only else ""
    return render(
        request,
        "exchange/notifications.html",
        {
            "page": page,
            "unread_only": unread_only,
            "querystring": querystring,
            "has_unread": selectors.notifications(user=request.user, unread=True).exists(),
        },
    )


@login_required
def notification_open(request, pk):
    alert = get_object_or_404(selectors.notifications(user=request.user), pk=pk)
    outbox.notifications_mark_read(user=request.user, alert_ids=[alert.pk])
    if alert.hit_id:
        return redirect("matching:hits")
    if alert.subject_type:
        from alerts.subjects import alert_subject

        return redirect(alert_subject(alert.subject_type).link(alert))
    if not alert.query_id:
        return redirect("release-item", kind=alert.release_kind, item_id=alert.release_item_id)
    return redirect("exchange:detail", pk=alert.query_id)


@login_required
@require_POST
def notifications_read(request):
    count = outbox.notifications_mark_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    return redirect("exchange:notifications")


@login_required
def figures(request):
    if not may_view_network_figures(request.user):
        raise Http404
    return render(
        request,
        "exchange/figures.html",
        {
            "figures": selectors.network_figures(user=request.user),
            "matching": matching_selectors.matching_figures(user=request.user),
            "failed_alerts": outbox.alerts_failed_count(user=request.user),
            "may_resend_alerts": permissions.may_oversee_alerts(request.user),
        },
    )


@login_required
@require_POST
def failed_alerts_resend(request):
    """Network admins send every failed alert again (through the outbox service)."""
    count = outbox.alerts_retry_failed(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d failed alert will be sent again.",
            "%(count)d failed alerts will be sent again.",
            count,
        )
        % {"count": count},
    )
    return redirect("exchange:figures")
