"""The answer to a locked account (django-axes' AXES_LOCKOUT_CALLABLE).

It is the same for every username, existing or not, and names no one: axes locks unknown
usernames exactly like real ones, so the lock itself reveals nothing either.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(request, original_response=None, credentials=None):
    seconds = _cool_off_seconds()
    minutes = max(1, seconds // 60)
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _(
                    "Too many failed attempts: this account is locked. Try again later or "
                    "ask your member admin to unlock it."
                )
            },
            status=429,
        )
    else:
        response = render(request, "accounts/locked.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    return response
