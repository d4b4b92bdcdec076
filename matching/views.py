"""Browser pages of cross-country matching: hits, watchlist, lookup, the exclusion list and
the national-reports switch. Thin: selectors read, services write, ``matching.permissions``
decides (outside scope: 404)."""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.identifiers import InvalidIdentifier
from core.request_context import once_per_request

from . import auditing, selectors
from . import hits as matching_hits
from . import lists as matching_lists
from . import permissions as rules
from .forms import (
    DismissForm,
    ExclusionForm,
    HitFilterForm,
    IdentifierForm,
    WatchEntryForm,
)
from .models import Hit, MatchingExclusion

PAGE_SIZE = 50


@once_per_request
def matching_nav(request):
    """Context processor: which matching pages the navigation offers, and the hit badge."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    uses = rules.may_use_matching(user)
    return {
        "matching_nav": {
            "hits": uses,
            "new_hits": selectors.hits_new_count(user=user) if uses else 0,
            "badge_max": selectors.HIT_BADGE_MAX,
            "exclusions": rules.may_manage_exclusions(user),
            "national": bool(rules.national_setting_member_ids(user)),
        }
    }


def _query_string(params: dict) -> str:
    """As the template's ``urlencode`` filter would write it (``%20`` for a space)."""
    return urlencode(params, doseq=True, quote_via=quote)


def _require_matching(user):
    if not rules.may_use_matching(user):
        raise Http404


def _add_errors(form, error: ValidationError):
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
def hit_list(request):
    _require_matching(request.user)
    filters = HitFilterForm(request.GET or None)
    state = kind = None
    if filters.is_valid():
        state, kind = filters.cleaned_data["state"] or None, filters.cleaned_data["kind"] or None
    rows = selectors.hits_for(user=request.user, state=state, kind=kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # Labels and links made here once per page or row, not per use in the template (the
    # page's rendering was most of its time: docs/PERFORMANCE.md).
    labels = {
        name: {value: str(label) for value, label in choices}
        for name, choices in (
            ("kind", Hit._meta.get_field("kind").choices),
            ("record_type", Hit._meta.get_field("record_type").choices),
            ("state", Hit._meta.get_field("state").choices),
        )
    }
    file_url = reverse("exchange:file")
    items = [
        {
            "hit": hit,
            "shown": selectors.hit_presentation(hit, user=request.user),
            "ask_url": f"{file_url}?{_query_string(selectors.hit_ask_initial(hit))}",
            "action_url": reverse("matching:hit-action", args=[hit.pk]),
            "kind_label": labels["kind"].get(hit.kind, hit.kind),
            "record_type_label": labels["record_type"].get(hit.record_type, hit.record_type),
            "holder_record_type_label": labels["record_type"].get(
                hit.holder_record_type, hit.holder_record_type
            ),
            "state_label": labels["state"].get(hit.state, hit.state),
        }
        for hit in page
    ]
    querystring = "&".join(f"{k}={v}" for k, v in (("state", state), ("kind", kind)) if v)
    return render(
        request,
        "matching/hits.html",
        {
            "filters": filters,
            "page": page,
            "items": items,
            "querystring": querystring,
            "dismiss_form": DismissForm(),
        },
    )


@login_required
@require_POST
def hit_action(request, pk):
    hit = get_object_or_404(selectors.hits_for(user=request.user), pk=pk)
    action = request.POST.get("action")
    try:
        if action == "seen":
            matching_hits.hit_mark_seen(hit=hit, user=request.user)
        elif action == "dismiss":
            matching_hits.hit_dismiss(
                hit=hit, user=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The hit was dismissed."))
        else:
            raise Http404
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    return redirect("matching:hits")


@login_required
def watchlist(request):
    _require_matching(request.user)
    form = WatchEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            matching_lists.watch_entry_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The identifier is now watched."))
            return redirect("matching:watchlist")
    entries = selectors.watch_entries(user=request.user)
    return render(request, "matching/watchlist.html", {"form": form, "entries": entries})


@login_required
@require_POST
def watch_entry_delete(request, pk):
    entry = get_object_or_404(selectors.watch_entries(user=request.user), pk=pk)
    matching_lists.watch_entry_delete(user=request.user, entry=entry)
    messages.success(request, _("The watch entry was removed."))
    return redirect("matching:watchlist")


@login_required
def lookup(request):
    _require_matching(request.user)
    form = IdentifierForm(request.GET or None)
    answer = None
    if request.GET and form.is_valid():
        try:
            answer = selectors.identifiers_lookup(user=request.user, **form.cleaned_data)
        except InvalidIdentifier:
            form.add_error("value", _("This is not a valid identifier of that kind."))
        else:
            auditing.identifier_lookup_record(request=request, answer=answer)
    return render(request, "matching/lookup.html", {"form": form, "answer": answer})


@login_required
def exclusion_list(request):
    if not rules.may_manage_exclusions(request.user):
        raise Http404
    form = ExclusionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            matching_lists.matching_exclusion_add(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The value no longer matches."))
            return redirect("matching:exclusions")
    rows = selectors.exclusions(user=request.user)
    return render(request, "matching/exclusions.html", {"form": form, "rows": rows})


@login_required
@require_POST
def exclusion_remove(request, pk):
    if not rules.may_manage_exclusions(request.user):
        raise Http404
    exclusion = get_object_or_404(MatchingExclusion, pk=pk)
    matching_lists.matching_exclusion_remove(user=request.user, exclusion=exclusion)
    messages.success(request, _("The value matches again."))
    return redirect("matching:exclusions")


@login_required
def national_setting(request):
    rows = selectors.national_settings(user=request.user)
    if not rows:
        raise Http404
    if request.method == "POST":
        member_id = request.POST.get("member")
        if not member_id or not member_id.isdigit():
            raise Http404
        if not rules.may_set_national_matching(request.user, int(member_id)):
            raise Http404
        matching_lists.member_matching_set(
            user=request.user,
            member_id=int(member_id),
            national_reports_match=request.POST.get("national_reports_match") == "on",
        )
        messages.success(request, _("The setting was saved."))
        return redirect("matching:national")
    return render(request, "matching/national.html", {"rows": rows})
