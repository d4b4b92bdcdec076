"""DRF permission for every API view: the people of a suspended member are not authenticated.

Independent of how the caller authenticated (token, session or whatever replaces them): it
asks the permission module, whose rights computation already knows the user's member is
suspended (and is cached on the user for the rest of the request)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from .. import permissions


class MemberNotSuspended(BasePermission):
    message = _("Your administration's access to the IREN Portal is suspended.")

    def has_permission(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and permissions.is_suspended(user):
            # 401, not 403: the credentials no longer open anything.
            raise exceptions.AuthenticationFailed(self.message, code="member_suspended")
        return True
