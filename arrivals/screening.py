"""Screening a notice on receipt: a registry of sources, each giving findings with a lane,
run in the receiving member's transaction; the notice takes the most severe lane.

``screening = {"lane": "red" | "amber" | "green", "reasons": [{"source", "text"}]}``

Sources are ``source(*, notices) -> {notice id: [Finding]}`` (a batch at once: a manifest
screens thousands of notices), registered under a name:
- ``watchlist`` (red): the receiving member's watch entries the notice carries;
- ``hit`` (amber): what matching tells the receiving member about the notice's identifiers;
- ``profile`` and ``random`` are registered by the targeting app through
  ``screening_source_register``.

Reason texts are written in the portal's default language, so that every reader of the
receiving side sees the same record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from . import matching_bridge
from .models import Lane

_SEVERITY = {Lane.GREEN: 0, Lane.AMBER: 1, Lane.RED: 2}


@dataclass(frozen=True)
class Finding:
    lane: str
    source: str
    text: str


Source = Callable[..., list[Finding]]

_sources: dict[str, Source] = {}


def screening_source_register(name: str, source: Source) -> None:
    """Add (or replace) a screening source, run for every notice received."""
    _sources[name] = source


def screening_sources() -> dict[str, Source]:
    return dict(_sources)


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
            for pk, findings in source(notices=notices).items():
                screening = screenings[pk]
                for finding in findings:
                    screening["reasons"].append({"source": finding.source, "text": finding.text})
                    if _SEVERITY[Lane(finding.lane)] > _SEVERITY[Lane(screening["lane"])]:
                        screening["lane"] = Lane(finding.lane).value
    return screenings


def notice_screen(*, notice) -> dict:
    """The screening of one notice (not saved)."""
    return notices_screen(notices=[notice])[notice.pk]
