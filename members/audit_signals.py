"""Sign-in events from django.contrib.auth's signals, recorded in the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .audit import audit_record


def _logged_in(sender, request, user, **kwargs):
    audit_record(action="auth.login", actor=user, request=request, obj=user, members=[])


def _logged_out(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        audit_record(action="auth.logout", actor=user, request=request, obj=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the name tried: never the password (Django has already masked it, but it stays out
    # of the trail altogether).
    username = str((credentials or {}).get("username") or "")[:150]
    audit_record(action="auth.login_failed", request=request, username=username)


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="iren-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="iren-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="iren-audit-login-failed")
