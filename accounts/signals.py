"""Receivers: a new login starts the session clocks and the second-factor step; a changed
password or a deactivation revokes the user's API tokens; a lockout by django-axes is
recorded in the audit trail."""

from axes.signals import user_locked_out
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from . import selectors, services, sessions


@receiver(user_logged_in, dispatch_uid="accounts-session-start")
def _session_start(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    ended = sessions.pop_ended(request)
    sessions.start(request, user)
    if ended and hasattr(request, "_messages"):
        messages.info(
            request,
            _(
                "Your session had ended, so you were asked to log in again. You are back "
                "where you were; what you had typed in a form is restored."
            ),
        )
    _tell_security_notices(request, user)


def _tell_security_notices(request, user) -> None:
    """In the portal, what was done to the person's sign-in since their last login (a reset
    second factor), as a message on the first page they see."""
    if not hasattr(request, "_messages"):
        return
    for event in selectors.security_notices_since_last_login(
        user=user, request_id=getattr(request, "request_id", "")
    ):
        messages.warning(
            request,
            _(
                "Your second factor was reset by %(by)s on %(at)s. If you did not ask for "
                "this, tell your member admin at once."
            )
            % {
                "by": event.actor_username or _("an operator"),
                "at": date_format(localtime(event.at), "DATETIME_FORMAT"),
            },
        )


@receiver(pre_save, sender=get_user_model(), dispatch_uid="accounts-credentials-changed")
def _note_credential_change(sender, instance, update_fields=None, **kwargs):
    """Compare the stored password and active flag with the ones about to be saved. Saves
    that touch neither (e.g. ``last_login`` at login) cost nothing."""
    instance._accounts_revoke_tokens = ""
    if instance.pk is None or kwargs.get("raw"):
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["is_active"] and not instance.is_active:
        instance._accounts_revoke_tokens = "deactivation"
    elif stored["password"] != instance.password:
        instance._accounts_revoke_tokens = "password_change"


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts-revoke-tokens")
def _revoke_tokens(sender, instance, created, **kwargs):
    reason = getattr(instance, "_accounts_revoke_tokens", "")
    if reason:
        instance._accounts_revoke_tokens = ""
        with transaction.atomic():
            services.api_tokens_revoke_all(user=instance, reason=reason)


@receiver(user_locked_out, dispatch_uid="accounts-audit-lockout")
def _record_lockout(sender, request, username, **kwargs):
    """django-axes sends this when it locks an account, and again on every attempt refused
    while locked; only the first (the attempt that was counted) is the lockout."""
    if request is None or not isinstance(getattr(request, "axes_failures_since_start", None), int):
        return
    services.account_locked_record(request=request, username=username or "")
