"""Extension point of the home page: what waits for the signed-in person, by role.

The home page belongs to ``members``, the lowest app; the apps above it say what waits in
them by registering a section from their ``AppConfig.ready()``:
``home_section_register(name, provider, order=…)``. A provider is a callable
``provider(*, user) -> HomeSection | None``; it decides through its own app's permission
module whether the person has such work and what they may see of it (``None`` shows
nothing). Sections show in ``order``; the names and orders in use:

- ``queries`` (10, exchange): unacknowledged and overdue urgent queries;
- ``hits`` (20, matching): new cross-country hits;
- ``arrivals`` (30): red arrivals, and ``releases`` (40): items waiting for release, for the
  apps that will hold them;
- ``reports`` (50, seizures): the latest seizure reports, for analysts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string


@dataclass
class HomeSection:
    """One section of the home page: a template and its context."""

    template: str
    context: dict = field(default_factory=dict)


Provider = Callable[..., HomeSection | None]

_providers: dict[str, tuple[int, Provider]] = {}


def home_section_register(name: str, provider: Provider, *, order: int = 100) -> None:
    """Add (or replace) the home page's section ``name``."""
    _providers[name] = (order, provider)


def home_sections(*, user) -> dict[str, HomeSection]:
    """The sections of ``user``'s home page, by name, in their order."""
    sections = {}
    for name, (_order, provider) in sorted(_providers.items(), key=lambda item: item[1][0]):
        section = provider(user=user)
        if section is not None:
            sections[name] = section
    return sections


def home_sections_render(sections: dict[str, HomeSection], *, request=None) -> list[str]:
    return [
        render_to_string(section.template, {**section.context, "section": name}, request=request)
        for name, section in sections.items()
    ]
