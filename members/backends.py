"""Authentication backend: Django's model backend, closed to the people of a suspended member.

``user_can_authenticate`` is asked both at sign-in and, through ``get_user``, on every request
that carries a session, so suspending a member ends its people's sessions at once. API tokens
are checked by ``members.api.permissions.MemberNotSuspended`` (whatever the token storage)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .models import MemberStatus


def belongs_to_suspended_member(user) -> bool:
    member = getattr(user, "member", None)
    return member is not None and member.status == MemberStatus.SUSPENDED


class PortalModelBackend(ModelBackend):
    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not belongs_to_suspended_member(user)

    def get_user(self, user_id):
        # The member comes in the same statement: no extra query per request.
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("member").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
