"""DRF authentication by hashed API token, with the header clients already use."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from . import services


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``: the key's digest must name a token that has not
    expired, of an active user. Anything else is a 401."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = services.api_token_find(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("The token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        services.api_token_touch(token=token)
        return (token.user, token)
