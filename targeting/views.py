"""The targeting page (the member's profiles and the network profiles it may see, their
figures, selections and findings by month, profiles about to expire; for network admins,
counts and hit rates per member), a profile's page with its backtest, switch, versions and
edit form, and the random rate. Thin: forms parse, services write, selectors read; a profile
outside the user's sight: 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members import compiled

from . import auditing, backtest, charts, permissions, selectors, services
from .forms import BacktestForm, ProfileForm, RandomRateForm, criteria_as_text
from .models import RiskProfile


def _profile_or_404(request, pk) -> RiskProfile:
    try:
        return selectors.profile_get(user=request.user, pk=pk)
    except RiskProfile.DoesNotExist:
        raise Http404 from None


def _writable_or_404(request, pk) -> RiskProfile:
    profile = _profile_or_404(request, pk)
    if not permissions.may_write_profile(request.user, profile):
        raise Http404
    return profile


def _form_errors(form, error: ValidationError) -> None:
    for field, texts in error.message_dict.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


@login_required
def overview(request):
    user = request.user
    if not permissions.may_use_targeting(user):
        raise Http404
    if not permissions.may_write_profiles(user):
        return render(request, "targeting/network.html", {"figures": selectors.network_figures()})
    own = sorted(permissions.profile_member_ids(user))
    # Built from the person and their rights alone: compiled once (``members.compiled``).
    profiles = compiled.instances_for(
        user, "targeting.overview", lambda: selectors.profile_list(user=user)
    )
    stats = selectors.profiles_stats(p.pk for p in profiles)
    rows = [{"profile": p, "stats": stats[p.pk]} for p in profiles]
    months = selectors.member_months(member_ids=own)
    member = permissions.settings_member(user)
    rate = rate_form = None
    if member is not None:
        rate = services.random_rate_get(member=member)
        if permissions.may_set_random_rate(user, member):
            rate_form = RandomRateForm(initial={"random_rate": round(rate * 100, 2)})
    return render(
        request,
        "targeting/overview.html",
        {
            "own_rows": [r for r in rows if r["profile"].member_id in own],
            "network_rows": [r for r in rows if r["profile"].member_id not in own],
            "chart": charts.month_chart(months),
            "months": months,
            "expiring": selectors.expiring_among(profiles),
            "member": member,
            "random_rate": rate,
            "rate_form": rate_form,
        },
    )


def _detail(request, profile, *, backtest_form=None, backtest_result=None, status=200):
    may_edit = permissions.may_write_profile(request.user, profile)
    return render(
        request,
        "targeting/profile_detail.html",
        {
            "profile": profile,
            "criteria_text": criteria_as_text(profile.criteria),
            "stats": selectors.profile_stats(profile),
            "versions": selectors.profile_versions(profile=profile)[:20] if may_edit else [],
            "may_edit": may_edit,
            "backtest_form": backtest_form or (BacktestForm() if may_edit else None),
            "backtest_result": backtest_result,
        },
        status=status,
    )


@login_required
def profile_detail(request, pk):
    profile = _profile_or_404(request, pk)
    auditing.profile_read_record(request=request, profile=profile)
    return _detail(request, profile)


@login_required
@require_http_methods(["GET", "POST"])
def profile_create(request):
    if not permissions.may_write_profiles(request.user):
        raise Http404
    form = ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.profile_create(user=request.user, data=form.data_for_service())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("targeting:detail", pk=profile.pk)
    return render(request, "targeting/profile_form.html", {"form": form, "profile": None})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, pk):
    profile = _writable_or_404(request, pk)
    form = ProfileForm.for_profile(profile, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                user=request.user, profile=profile, data=form.data_for_service()
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("targeting:detail", pk=profile.pk)
    return render(request, "targeting/profile_form.html", {"form": form, "profile": profile})


@login_required
@require_POST
def profile_backtest(request, pk):
    profile = _writable_or_404(request, pk)
    form = BacktestForm(request.POST)
    if not form.is_valid():
        return _detail(request, profile, backtest_form=form, status=400)
    result = backtest.profile_backtest(
        user=request.user, profile=profile, data={"since": form.cleaned_data["since"]}
    )
    return _detail(
        request, profile, backtest_form=form, backtest_result={**result, **form.cleaned_data}
    )


@login_required
@require_POST
def profile_activate(request, pk):
    profile = _writable_or_404(request, pk)
    active = request.POST.get("active") == "1"
    services.profile_activate(user=request.user, profile=profile, active=active)
    if active:
        messages.success(request, _("The profile is active: expected notices are screened again."))
    else:
        messages.success(request, _("The profile is switched off."))
    return redirect("targeting:detail", pk=profile.pk)


@login_required
@require_POST
def profile_restore(request, pk, number):
    profile = _writable_or_404(request, pk)
    try:
        services.profile_restore(user=request.user, profile=profile, number=number)
    except ValidationError as error:
        for texts in error.message_dict.values():
            for text in texts:
                messages.error(request, text)
    else:
        messages.success(request, _("Version %(number)s is current again.") % {"number": number})
    return redirect("targeting:detail", pk=profile.pk)


@login_required
@require_POST
def profile_delete(request, pk):
    profile = _writable_or_404(request, pk)
    services.profile_delete(user=request.user, profile=profile)
    messages.success(request, _("The profile is deleted."))
    return redirect("targeting:overview")


@login_required
@require_POST
def random_rate(request):
    member = permissions.settings_member(request.user)
    if member is None or not permissions.may_set_random_rate(request.user, member):
        raise Http404
    form = RandomRateForm(request.POST)
    if form.is_valid():
        rate = float(form.cleaned_data["random_rate"]) / 100
        services.random_rate_set(user=request.user, member=member, data={"random_rate": rate})
        messages.success(request, _("The random selection rate is saved."))
    else:
        for texts in form.errors.values():
            for text in texts:
                messages.error(request, text)
    return redirect("targeting:overview")
