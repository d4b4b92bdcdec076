"""Drafts of the forms that create or answer something, kept in the browser.

A form opts in with ``data-draft="<key>"`` (e.g. ``query-file``, ``reply-42``); the static
script ``static/js/drafts.js`` saves what is typed into the browser's localStorage under the
signed-in user's id and that key, restores it when the form is opened again unfilled (after an
expired session, the login brings the person back to it), and never sends it anywhere. The
server only says when a draft is done with: a view that saved the form calls
``form_draft_done``; the next page rendered carries the keys (``data-drafts-done`` on the
body) and the script forgets those drafts. Logging out forgets all of the user's drafts.
"""

from __future__ import annotations

SESSION_KEY = "core_form_drafts_done"


def form_draft_done(request, key: str) -> None:
    """The form ``key`` was saved: its draft in the browser is to be forgotten."""
    session = getattr(request, "session", None)
    if session is None:
        return
    done = list(session.get(SESSION_KEY, []))
    if key not in done:
        done.append(key)
    session[SESSION_KEY] = done


class _DoneOnce:
    """The keys, taken from the session when the layout first asks (partial templates
    rendered earlier in the same request, which never ask, leave them there)."""

    def __init__(self, session):
        self._session = session
        self._keys = None

    def __call__(self) -> list[str]:
        if self._keys is None:
            self._keys = list(self._session.pop(SESSION_KEY, []))
        return self._keys


def drafts(request) -> dict:
    """Context processor: ``drafts_done``, the keys of the drafts to forget on this page."""
    session = getattr(request, "session", None)
    if session is None:
        return {}
    return {"drafts_done": _DoneOnce(session)}
