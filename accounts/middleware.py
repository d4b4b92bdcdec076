"""Session limits and the second-factor gate.

Both read only the session (the clocks and the pending step are stored there at login), so a
signed-in request costs no extra query.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import sessions
from .authentication import authenticates_by_token


class SessionLimitMiddleware:
    """Log a session out after ``SESSION_IDLE_TIMEOUT_MINUTES`` without a request, or
    ``SESSION_ABSOLUTE_HOURS`` after login, whichever comes first. The request then goes on
    as anonymous (a page asks for login again; the API answers 401/403). The same is said of
    a session cookie whose session is gone from the server; either way the anonymous session
    remembers it, and the next login says so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ended = False
        if request.session.get(SESSION_KEY) is not None:
            if sessions.expired(request):
                logout(request)
                ended = True
        elif sessions.cookie_outlived_session(request):
            ended = True
        if not ended:
            return self.get_response(request)
        # Whatever the person was doing (a half-written form posted), the login page says
        # why it is shown, and the login after it brings them back (``next``).
        sessions.mark_ended(request)
        messages.info(
            request,
            _(
                "Your session has expired. Please log in again: you will come back to the "
                "page you were on, with what you had typed."
            ),
        )
        return self.get_response(request)


class TwoFactorMiddleware:
    """Until a signed-in session has passed its second-factor step (enter a code, or set up an
    authenticator when the user's role requires one), every page redirects to that step and
    the API answers 403. Only an API request that carries a valid API token
    (``Authorization: Token <key>``) is left to the token; any other header changes nothing."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open = None

    def _open_paths(self) -> frozenset[str]:
        """The only pages open before the step is done (exact paths: a prefix would also
        open what lies under it)."""
        if self._open is None:
            self._open = frozenset(
                reverse(name)
                for name in (
                    "two-factor-verify",
                    "two-factor-enrol",
                    "logout",
                    "login",
                    "set_language",
                    # It checks the password and code itself and ignores the session.
                    "api-token",
                )
            )
        return self._open

    def _is_open(self, path: str) -> bool:
        return path in self._open_paths() or path.startswith(
            ("/" + settings.STATIC_URL.lstrip("/"), "/favicon.ico")
        )

    def __call__(self, request):
        session = request.session
        if (
            session.get(SESSION_KEY) is not None
            and session.get(sessions.TWO_FACTOR) != sessions.DONE
            and request.user.is_authenticated
        ):
            step = sessions.pending_step(request)
            if step != sessions.DONE and not self._is_open(request.path_info):
                return self._refuse(request, step)
        return self.get_response(request)

    def _refuse(self, request, step):
        if request.path_info.startswith("/api/"):
            if authenticates_by_token(request):
                return self.get_response(request)
            return JsonResponse(
                {"detail": _("Complete two-factor authentication in the portal first.")},
                status=403,
            )
        target = reverse("two-factor-verify" if step == sessions.VERIFY else "two-factor-enrol")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
