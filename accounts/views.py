"""Browser views: the second-factor step after login, enrolment, the profile (API tokens,
recovery codes), and the member admin's unlock and second-factor reset of their people."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import permissions

from . import services, sessions
from .forms import CodeForm
from .models import ApiToken


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _code_refused(user, code) -> str:
    if services.two_factor_code_reused(user=user, code=code):
        return _("This code was just used; wait for the next one.")
    return _("The code is not valid.")


@login_required
def two_factor_verify(request):
    """After the password: a code from the authenticator app or a recovery code."""
    if sessions.pending_step(request) != sessions.VERIFY:
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if services.two_factor_verify(user=request.user, code=code):
            sessions.mark_verified(request)
            return redirect(_next_url(request))
        form.add_error("code", _code_refused(request.user, code))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
def two_factor_enrol(request):
    """Set up an authenticator app: a QR code drawn here (no outside service), the secret as
    text, and a code to confirm; then the recovery codes, shown once."""
    step = sessions.pending_step(request)
    if step == sessions.VERIFY:
        # Whoever knows only the password must not replace the authenticator.
        query = urlencode({"next": _next_url(request)})
        return redirect(f"{reverse('two-factor-verify')}?{query}")
    device = services.totp_device_start(user=request.user)
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = _("The six digits shown by your authenticator app.")
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(
            user=request.user, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            sessions.mark_verified(request)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "enrolled": True},
            )
        form.add_error("code", _("The code is not valid. Check the time on your phone."))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=4, dark="#000", light="#fff"),
            "secret": b32encode(device.bin_key).decode(),
            "next": _next_url(request),
            "required": step == sessions.ENROL,
        },
    )


@login_required
def profile(request):
    """The signed-in user's API tokens and second factor."""
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": tokens,
            "two_factor": services.two_factor_confirmed(request.user),
            "two_factor_required": services.two_factor_required(request.user),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    if not services.api_token_revoke(user=request.user, token_id=pk):
        raise Http404
    messages.success(request, _("The token was revoked."))
    return redirect("profile")


@login_required
@require_POST
def recovery_codes_renew(request):
    # Only a session that has given its code (the middleware also closes this page before).
    if sessions.pending_step(request) != sessions.DONE:
        raise Http404
    if not services.two_factor_confirmed(request.user):
        raise Http404
    codes = services.recovery_codes_renew(user=request.user)
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": "", "enrolled": False}
    )


# --- A member admin's people ---------------------------------------------------------------


def _person(request, code, pk):
    """One of the people whose sign-in the user manages, or 404."""
    person = get_object_or_404(
        permissions.restrict_people_sign_in(request.user).select_related("member"),
        member__code=code.upper(),
        pk=pk,
    )
    return person.member, person


@login_required
@require_POST
def person_unlock(request, code, pk):
    member, person = _person(request, code, pk)
    services.account_unlock(person=person, by=request.user)
    messages.success(
        request, _("The account of %(username)s was unlocked.") % {"username": person.username}
    )
    return redirect("member-people", code=member.code)


@login_required
@require_POST
def person_two_factor_reset(request, code, pk):
    member, person = _person(request, code, pk)
    services.two_factor_reset(person=person, by=request.user)
    messages.success(
        request,
        _("The second factor of %(username)s was reset; they set up a new one at next login.")
        % {"username": person.username},
    )
    return redirect("member-people", code=member.code)
