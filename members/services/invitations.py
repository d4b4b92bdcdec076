"""Creating a person's account and inviting them to set a password."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..audit import audit_record

logger = logging.getLogger(__name__)


def _person_audit(*, action: str, person, member, detail: dict | None = None) -> None:
    audit_record(
        action=action,
        obj=person,
        object_type="user",
        object_reference=person.username,
        members=[member],
        detail=detail,
    )


def _user_create(
    *, username, email, first_name, last_name, member, control_unit=None, is_active=True
):
    user = get_user_model()(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        member=member,
        control_unit=control_unit,
        is_active=is_active,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def invitation_link(*, user, base_url: str | None = None) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{(base_url or settings.PORTAL_BASE_URL).rstrip('/')}{path}"


def invitation_send(*, user, base_url: str | None = None) -> None:
    """Email ``user`` an invitation with a set-password link (a password-reset token)."""
    context = {
        "user": user,
        "member": user.member,
        "link": invitation_link(user=user, base_url=base_url),
        "base_url": (base_url or settings.PORTAL_BASE_URL).rstrip("/"),
    }
    subject = render_to_string("members/email/invitation_subject.txt", context).strip()
    body = render_to_string("members/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])


def user_invite(*, user, base_url: str | None = None) -> None:
    """Send the invitation once the surrounding transaction commits. A mail server that is
    down does not undo the onboarding: the failure is logged and the invitation can be sent
    again from the member's people page."""
    _person_audit(action="invitation.send", person=user, member=user.member)
    # Stamped with the sending, so the people list can tell pending from expired.
    user.invited_at = timezone.now()
    type(user).objects.filter(pk=user.pk).update(invited_at=user.invited_at)

    def _send():
        try:
            invitation_send(user=user, base_url=base_url)
        except OSError:
            logger.exception("Invitation to %s could not be sent", user.email)

    transaction.on_commit(_send)
