"""Extension point of the query page: apps that build on the exchange (seizures, later
matching) add a panel to a query's page without the exchange knowing them.

A provider is a callable ``provider(*, user, query) -> QueryPanel | None``, registered under a
name from the providing app's ``AppConfig.ready()``. It decides, through its own permission
module, what the user may see; ``None`` shows nothing. A panel may also carry ``ids`` of the
linked records: the API's query detail lists them under the panel's name (``seizure_reports``
is one such name, a contract of ``GET /api/v1/queries/{id}/``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string


@dataclass
class QueryPanel:
    """What a provider adds to a query page: a template and its context, and the ids of the
    linked records it shows (for the API)."""

    template: str
    context: dict = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)


Provider = Callable[..., QueryPanel | None]

_providers: dict[str, Provider] = {}


def query_panel_register(name: str, provider: Provider) -> None:
    """Add (or replace) the panel ``name`` on every query page."""
    _providers[name] = provider


def query_panels(*, user, query) -> dict[str, QueryPanel]:
    """The panels of one query page for ``user``, by name, in registration order."""
    panels = {}
    for name, provider in _providers.items():
        panel = provider(user=user, query=query)
        if panel is not None:
            panels[name] = panel
    return panels


def query_panels_render(panels: dict[str, QueryPanel], *, request=None) -> list[str]:
    """The panels as HTML fragments for the query page."""
    return [
        render_to_string(panel.template, panel.context, request=request)
        for panel in panels.values()
    ]
