"""DRF authentication: by hashed API token, with the header clients already use, and by a
portal session that has passed its second factor."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from . import services, sessions


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``: the key's digest must name a token that has not
    expired, of an active user. Anything else is a 401."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = self.usable_token(key)
        services.api_token_touch(token=token)
        return (token.user, token)

    @staticmethod
    def usable_token(key):
        """The token ``key`` names, if it opens the API; AuthenticationFailed otherwise."""
        token = services.api_token_find(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("The token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token


def authenticates_by_token(request) -> bool:
    """Does the (Django) request carry ``Authorization: Token <key>`` with a key that opens
    the API? Any other header (``Bearer``, ``Basic``, malformed) is no."""
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(header) != 2 or header[0].lower() != ApiTokenAuthentication.keyword.lower():
        return False
    try:
        ApiTokenAuthentication.usable_token(header[1])
    except exceptions.AuthenticationFailed:
        return False
    return True


def second_factor_pending(request) -> bool:
    """Is the (Django) request's signed-in session still short of its second-factor step?"""
    session = getattr(request, "session", None)
    if session is None or session.get(SESSION_KEY) is None:
        return False
    if session.get(sessions.TWO_FACTOR) == sessions.DONE:
        return False
    return sessions.pending_step(request) != sessions.DONE


class VerifiedSessionAuthentication(SessionAuthentication):
    """The portal's session, once it has passed its second factor (or needs none). A session
    signed in with the password alone authenticates nothing: it is a 401 whatever headers
    come with it."""

    def authenticate(self, request):
        django_request = request._request
        user = getattr(django_request, "user", None)
        if not user or not user.is_active:
            return None
        if second_factor_pending(django_request):
            raise exceptions.AuthenticationFailed(
                _("Complete two-factor authentication in the portal first."),
                code="two_factor_pending",
            )
        self.enforce_csrf(request)
        return (user, None)


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    """The schema describes the verified session as drf-spectacular does Django's session."""

    target_class = "accounts.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"
    priority = -1

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
