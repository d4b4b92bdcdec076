"""Receivers: a new login starts the session clocks and the second-factor step; a changed
password or a deactivation revokes the user's API tokens."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from . import services, sessions


@receiver(user_logged_in, dispatch_uid="accounts-session-start")
def _session_start(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    sessions.start(request, user)


@receiver(pre_save, sender=get_user_model(), dispatch_uid="accounts-credentials-changed")
def _note_credential_change(sender, instance, update_fields=None, **kwargs):
    """Compare the stored password and active flag with the ones about to be saved. Saves
    that touch neither (e.g. ``last_login`` at login) cost nothing."""
    instance._accounts_revoke_tokens = False
    if instance.pk is None or kwargs.get("raw"):
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    instance._accounts_revoke_tokens = stored["password"] != instance.password or (
        stored["is_active"] and not instance.is_active
    )


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts-revoke-tokens")
def _revoke_tokens(sender, instance, created, **kwargs):
    if getattr(instance, "_accounts_revoke_tokens", False):
        instance._accounts_revoke_tokens = False
        with transaction.atomic():
            services.api_tokens_revoke_all(user=instance)
