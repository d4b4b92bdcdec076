"""Screening a notice on receipt: a registry of sources, each giving findings with a lane,
run in the receiving member's transaction; the notice takes the most severe lane.

``screening = {"lane": "red" | "amber" | "green", "reasons": [{"source", "text"}]}``

Sources are ``source(*, notices) -> {notice id: [Finding]}`` (a batch at once: a manifest
screens thousands of notices), registered under a name:
- ``watchlist`` (red): the receiving member's watch entries the notice carries;
- ``hit`` (amber): what matching tells the receiving member about the notice's identifiers;
- ``profile`` and ``random`` are registered by the targeting app through
  ``screening_source_register``; ``random`` as a fallback source, which runs last and is given
  only the notices that no other source found anything on.

A source may add keys to a reason besides ``source`` and ``text`` (``Finding.extra``: the
targeting app names the profile). Apps that keep something per screened notice learn its
outcome through ``screening_outcome_listener_register``.

Reason texts are written in the portal's default language, so that every reader of the
receiving side sees the same record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from . import matching_bridge
from .models import Lane

#: By the lane's text (a lane member or its plain value: the same key).
_SEVERITY = {Lane.GREEN.value: 0, Lane.AMBER.value: 1, Lane.RED.value: 2}


@dataclass(frozen=True)
class Finding:
    lane: str
    source: str
    text: str
    #: More keys of the reason (e.g. ``{"profile": 12}``).
    extra: dict = field(default_factory=dict)


Source = Callable[..., dict[int, list[Finding]]]

_sources: dict[str, Source] = {}
_fallback_sources: dict[str, Source] = {}
_outcome_listeners: dict[str, Callable] = {}


def screening_source_register(name: str, source: Source, *, fallback: bool = False) -> None:
    """Add (or replace) a screening source, run for every notice received; a ``fallback``
    source runs after the others, on the notices none of them found anything on."""
    (_fallback_sources if fallback else _sources)[name] = source


def screening_sources() -> dict[str, Source]:
    return {**_sources, **_fallback_sources}


def screening_outcome_listener_register(name: str, listener: Callable) -> None:
    """``listener(*, notice)`` is called in the transaction that records a notice's outcome."""
    _outcome_listeners[name] = listener


def screening_outcome_recorded(*, notice) -> None:
    for listener in _outcome_listeners.values():
        listener(notice=notice)


def watchlist_source(*, notices) -> dict[int, list[Finding]]:
    findings: dict[int, list[Finding]] = {}
    for pk, entries in matching_bridge.watch_matches(notices).items():
        for entry in entries:
            text = _("%(value)s is on your watch list.") % {
                "value": entry["display"] or entry["value"]
            }
            if entry["note"]:
                text = f"{text} {entry['note']}"
            findings.setdefault(pk, []).append(Finding(Lane.RED, "watchlist", text))
    return findings


def hit_source(*, notices) -> dict[int, list[Finding]]:
    findings: dict[int, list[Finding]] = {}
    for pk, matches in matching_bridge.hit_matches(notices).items():
        for match in matches:
            if match["holder"]:
                if match["reference"]:
                    text = _("%(value)s is also in %(reference)s of %(member)s (%(month)s).")
                else:
                    text = _("%(value)s is also in a record of %(member)s (%(month)s).")
            else:
                text = _("%(value)s is also in your own record %(reference)s (%(month)s).")
            values = {
                "value": match["value"],
                "reference": match["reference"],
                "member": match["holder"],
                "month": match["month"],
            }
            findings.setdefault(pk, []).append(Finding(Lane.AMBER, "hit", text % values))
    return findings


def screening_sources_register_builtin() -> None:
    screening_source_register("watchlist", watchlist_source)
    screening_source_register("hit", hit_source)


def notices_screen(*, notices: list) -> dict[int, dict]:
    """Run every source on ``notices`` and return each one's screening (not saved)."""
    screenings = {n.pk: {"lane": Lane.GREEN.value, "reasons": []} for n in notices}
    with translation.override(settings.LANGUAGE_CODE):
        for source in _sources.values():
            _add(screenings, source(notices=notices))
        for source in _fallback_sources.values():
            unselected = [n for n in notices if not screenings[n.pk]["reasons"]]
            if unselected:
                _add(screenings, source(notices=unselected))
    return screenings


def _add(screenings: dict[int, dict], found: dict[int, list[Finding]]) -> None:
    for pk, findings in found.items():
        screening = screenings[pk]
        for finding in findings:
            reason = {"source": finding.source, **finding.extra, "text": finding.text}
            screening["reasons"].append(reason)
            if _SEVERITY[finding.lane] > _SEVERITY[screening["lane"]]:
                screening["lane"] = str(finding.lane)


def notice_screen(*, notice) -> dict:
    """The screening of one notice (not saved)."""
    return notices_screen(notices=[notice])[notice.pk]
