"""Authentication backend: Django's model backend, closed to the people of a suspended member.

``user_can_authenticate`` is asked both at sign-in and, through ``get_user``, on every request
that carries a session, so suspending a member ends its people's sessions at once. API tokens
are checked by ``members.api.permissions.MemberNotSuspended`` (whatever the token storage)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import compiled
from .models import MemberStatus


def belongs_to_suspended_member(user) -> bool:
    member = getattr(user, "member", None)
    return member is not None and member.status == MemberStatus.SUSPENDED


class PortalModelBackend(ModelBackend):
    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not belongs_to_suspended_member(user)

    def get_user(self, user_id):
        """The session's user with their member, in one statement compiled once per process
        (every request with a session reads it)."""
        user_model = get_user_model()
        if not isinstance(user_id, int):
            return super().get_user(user_id)
        found = compiled.shared_instances(
            "session-user",
            lambda ids: user_model._default_manager.select_related("member").filter(pk=ids[0]),
            [user_id],
        )
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
