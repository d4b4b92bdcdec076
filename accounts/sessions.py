"""Session clocks and the second-factor step, kept in the session itself so that the
middleware answers most requests without a database query."""

import time

from django.conf import settings

from . import services

LOGIN_AT = "accounts_login_at"
SEEN_AT = "accounts_seen_at"
TWO_FACTOR = "accounts_two_factor"
#: Set in the anonymous session that follows an ended one: the next login says so.
ENDED = "accounts_session_ended"

#: What the session still needs before the portal opens.
VERIFY = "verify"  # the user has an authenticator: enter a code
ENROL = "enrol"  # the user's role requires one and they have none: set it up
DONE = "done"  # nothing (verified, or no second factor needed)

#: ``SEEN_AT`` is refreshed at most this often, so a session is not written on every request.
SEEN_RESOLUTION_SECONDS = 60


def two_factor_step(user) -> str:
    if not services.two_factor_in_use():
        return DONE
    if services.two_factor_confirmed(user):
        return VERIFY
    if services.two_factor_required(user):
        return ENROL
    return DONE


def start(request, user) -> None:
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[TWO_FACTOR] = two_factor_step(user)


#: Sent by the pages' background requests (the bell's poll): they are not the person's activity.
POLL_HEADER = "X-Portal-Poll"


def expired(request) -> bool:
    """Has the signed-in session passed its idle timeout or its absolute limit? Refreshes the
    last-seen time otherwise, unless the request is a page's background poll."""
    session = request.session
    now = time.time()
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        # A session from before these clocks: start them now.
        session[LOGIN_AT] = session[SEEN_AT] = now
        return False
    if now - login_at > settings.SESSION_ABSOLUTE_HOURS * 3600:
        return True
    if now - seen_at > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
        return True
    if now - seen_at >= SEEN_RESOLUTION_SECONDS and not request.headers.get(POLL_HEADER):
        session[SEEN_AT] = now
    return False


def pending_step(request) -> str:
    step = request.session.get(TWO_FACTOR)
    if step is None:
        step = request.session[TWO_FACTOR] = two_factor_step(request.user)
    return step


def mark_verified(request) -> None:
    request.session.cycle_key()
    request.session[TWO_FACTOR] = DONE


def cookie_outlived_session(request) -> bool:
    """Did the request carry a session cookie whose session no longer exists (expired or
    deleted on the server)? An explicit logout deletes the cookie, so this is an ended
    session, not a logged-out one."""
    if not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return False
    session = request.session
    session.get(ENDED)  # loads it: an unknown key is dropped
    return session.session_key is None


def mark_ended(request) -> None:
    request.session[ENDED] = True


def pop_ended(request) -> bool:
    """Was the session that this login follows ended by a timeout? (Asked once.)"""
    return bool(request.session.pop(ENDED, False))
