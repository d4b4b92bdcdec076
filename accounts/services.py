"""Every write of the accounts app: API tokens, second factors, unlocking.

Plain keyword-only functions, one transaction each, as in the other apps.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.request_context import current_request, resolved_user
from members import permissions
from members.audit import audit_record

from .models import ApiToken

logger = logging.getLogger(__name__)

PREFIX_LENGTH = 8
#: ``last_used_at`` is written at most this often per token, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


# --- API tokens ---------------------------------------------------------------------------


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _audit_person(*, action: str, person, actor=None, detail: dict | None = None) -> None:
    """One audit event on ``person``'s account (object: the user, as for ``person.*``;
    members: their member). ``actor`` None: the current request's user."""
    audit_record(
        action=action,
        actor=actor,
        obj=person,
        object_type="user",
        object_reference=person.get_username(),
        members=[person.member_id and person.member],
        detail=detail,
    )


@transaction.atomic
def api_token_issue(*, user) -> tuple[ApiToken, str]:
    """Issue a new token for ``user``; return it and its key (shown once, never stored)."""
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_digest(key),
        prefix=key[:PREFIX_LENGTH],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    _audit_person(
        action="token.created",
        person=user,
        actor=user,
        detail={
            "token": token.pk,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(timespec="seconds"),
        },
    )
    return token, key


def api_token_find(*, key: str) -> ApiToken | None:
    """The token whose key is ``key`` (with its user), or None."""
    if not key:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=_digest(key)).first()


def api_token_touch(*, token: ApiToken) -> None:
    """Record that the token was used (at most once a minute per token)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def api_token_revoke(*, user, token_id: int) -> bool:
    """Revoke one of ``user``'s tokens; False if they have no such token."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        return False
    token.delete()
    _audit_person(
        action="token.revoked",
        person=user,
        actor=user,
        detail={"token": token_id, "prefix": token.prefix, "reason": "revoked"},
    )
    return True


@transaction.atomic
def api_tokens_revoke_all(*, user, reason: str, by=None) -> int:
    """Revoke every token of ``user`` (``reason``: ``password_change`` — changed or reset —,
    or ``deactivation``), as ``by`` (None: the request's user, or ``user`` themself when
    nobody is signed in, e.g. a password reset link). One audit event for all of them, none
    when there was no token."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    if deleted:
        actor = by or resolved_user(current_request()) or user
        _audit_person(
            action="token.revoked",
            person=user,
            actor=actor,
            detail={"tokens": deleted, "reason": reason},
        )
    return deleted


# --- Two-factor -------------------------------------------------------------------------------


def two_factor_in_use() -> bool:
    """Is the second factor asked at all? An empty TWO_FACTOR_ROLES turns it off for
    everyone, people who set up an authenticator earlier included."""
    return bool(settings.TWO_FACTOR_ROLES)


def two_factor_required(user) -> bool:
    """Must ``user`` use a second factor? (They hold a role listed in TWO_FACTOR_ROLES.)"""
    required = set(settings.TWO_FACTOR_ROLES)
    if not required:
        return False
    if user.is_superuser and "network_admin" in required:
        return True
    return any(role.name in required for role in permissions.user_roles(user))


def two_factor_confirmed(user) -> bool:
    """Has ``user`` a confirmed authenticator app?"""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator ``user`` is enrolling (created with a fresh secret if
    there is none yet)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def _normalise_code(code: str) -> str:
    return "".join((code or "").split()).lower()


@transaction.atomic
def totp_device_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a current code. On success, replace any earlier authenticator
    and recovery codes and return the new single-use recovery codes (to be shown once); on a
    wrong code, return None."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(_normalise_code(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_renew(user=user)
    _audit_person(action="two_factor.enrolled", person=user, actor=user)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Replace ``user``'s recovery codes with new ones and return them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def two_factor_verify(*, user, code: str):
    """Check a code from the authenticator app, or a recovery code (then used up). Returns the
    device that accepted it, or None. Wrong codes slow the device down (django-otp's
    throttling)."""
    code = _normalise_code(code)
    if not code:
        return None
    if code.isdigit():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices.select_for_update():
        if device.verify_token(code):
            return device
    return None


def two_factor_code_reused(*, user, code: str) -> bool:
    """Is ``code`` an authenticator code for about now that was already accepted (a code
    counts once: the device then takes only later ones)? Asked after ``two_factor_verify``
    refused it, to say so instead of "not valid"."""
    code = _normalise_code(code)
    if not code.isdigit():
        return False
    token = int(code)
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        current = now.t()
        for t in range(current - device.tolerance, current + device.tolerance + 1):
            if t <= device.last_t and hotp(device.bin_key, t, device.digits) == token:
                return True
    return False


@transaction.atomic
def two_factor_reset(*, person, by) -> None:
    """Remove ``person``'s authenticator and recovery codes (lost phone): at their next login
    they enrol again if their role requires it. ``person`` is told by email."""
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    logger.info("Second factor of user %s reset by user %s", person.pk, by.pk)
    _notify(person=person, by=by, template="accounts/email/two_factor_reset")
    _audit_person(action="two_factor.reset", person=person, actor=by)


@transaction.atomic
def account_unlock(*, person, by) -> int:
    """Clear the failed logins that lock ``person``'s account; returns how many were
    cleared."""
    from axes.utils import reset

    cleared = reset(username=person.get_username())
    logger.info("Account of user %s unlocked by user %s", person.pk, by.pk)
    _audit_person(action="account.unlocked", person=person, actor=by, detail={"cleared": cleared})
    return cleared


@transaction.atomic
def username_unlock(*, username: str) -> int:
    """Clear the failed logins of ``username`` from the command line (``axes_reset_username``):
    recorded with no actor, and the person as object when the username is someone's."""
    from axes.utils import reset

    cleared = reset(username=username)
    person = get_user_model().objects.select_related("member").filter(username=username).first()
    detail = {"cleared": cleared, "via": "axes_reset_username"}
    if person is not None:
        _audit_person(action="account.unlocked", person=person, detail=detail)
    else:
        audit_record(
            action="account.unlocked",
            object_type="user",
            object_reference=username[:100],
            detail=detail,
        )
    return cleared


def account_locked_record(*, request, username: str) -> None:
    """Record that django-axes has just locked ``username`` (its ``user_locked_out`` signal).
    The actor is the name tried (nobody is signed in); object and members are the person's
    when the username is someone's, none otherwise."""
    person = (
        get_user_model().objects.select_related("member").filter(username=username).first()
        if username
        else None
    )
    detail = {"failures": getattr(request, "axes_failures_since_start", None)}
    if person is not None:
        audit_record(
            action="account.locked",
            request=request,
            username=username[:150],
            obj=person,
            object_type="user",
            object_reference=person.get_username(),
            members=[person.member_id and person.member],
            detail=detail,
        )
    else:
        audit_record(
            action="account.locked",
            request=request,
            username=(username or "")[:150],
            object_type="user",
            object_reference=(username or "")[:100],
            detail=detail,
        )


def _notify(*, person, by, template: str) -> None:
    if not person.email:
        return
    context = {"person": person, "by": by, "base_url": settings.PORTAL_BASE_URL}

    def _send():
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
        try:
            send_mail(subject, body, None, [person.email])
        except OSError:
            logger.exception("Security notice to user %s could not be sent", person.pk)

    transaction.on_commit(_send)
