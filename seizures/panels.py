"""The seizures app's panel on an urgent query's page (registered in ``SeizuresConfig.ready``
through ``exchange.panels``): the seizure reports linked to the query that the user may see,
and a link to report one. The exchange knows nothing of seizures; seizures builds on it."""

from __future__ import annotations

from exchange.panels import QueryPanel

from . import permissions
from .models import SeizureReport


def query_seizure_reports_panel(*, user, query) -> QueryPanel | None:
    reports = list(
        permissions.restrict_seizures(user, SeizureReport.objects.filter(query=query)).order_by(
            "pk"
        )
    )
    may_report = permissions.may_report_seizures(user)
    if not reports and not may_report:
        return None
    return QueryPanel(
        template="seizures/_query_panel.html",
        context={"query": query, "seizure_reports": reports, "may_report_seizure": may_report},
        ids=[report.pk for report in reports],
    )


# --- Panels on a seizure report's page ---------------------------------------------------------
# Apps above seizures (pre-arrival notices) add a panel to a report's page without seizures
# knowing them: ``provider(*, user, report) -> QueryPanel | None``, registered from their
# ``AppConfig.ready()``.

_report_providers: dict = {}


def seizure_report_panel_register(name: str, provider) -> None:
    """Add (or replace) the panel ``name`` on every seizure report page."""
    _report_providers[name] = provider


def seizure_report_panels(*, user, report) -> dict[str, QueryPanel]:
    """The panels of one report page for ``user``, by name, in registration order."""
    panels = {}
    for name, provider in _report_providers.items():
        panel = provider(user=user, report=report)
        if panel is not None:
            panels[name] = panel
    return panels
