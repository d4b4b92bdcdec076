"""API rate limits (DRF throttling; the counters live in Django's cache)."""

from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from core.request_context import client_ip


class _CurrentRates:
    """Read the rate from the settings when asked (DRF binds them at import time), so that a
    changed setting takes effect in a running test or after a reload."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        """The client's address as the whole portal reads it (``TRUSTED_PROXY_COUNT``)."""
        return client_ip(request) or ""


class AddressRateThrottle(_CurrentRates, SimpleRateThrottle):
    """Calls from one address: the token endpoint and every anonymous call share it
    (``API_TOKEN_THROTTLE_RATE``)."""

    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PerUserRateThrottle(_CurrentRates, UserRateThrottle):
    """Signed-in calls, per user (``API_USER_THROTTLE_RATE``). Anonymous calls are limited
    by ``AnonymousRateLimit`` instead."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


def check_address_rate(request, view) -> None:
    throttle = AddressRateThrottle()
    if not throttle.allow_request(request, view):
        raise exceptions.Throttled(wait=throttle.wait())


class AnonymousRateLimit(BasePermission):
    """Counts an anonymous call against its address before any other permission refuses it,
    so that past the limit every anonymous call answers 429 with Retry-After (DRF checks
    throttles only after permissions)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            check_address_rate(request, view)
        return True
