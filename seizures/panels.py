"""The seizures app's panel on an urgent query's page (registered in ``SeizuresConfig.ready``
through ``exchange.panels``): the seizure reports linked to the query that the user may see,
and a link to report one. The exchange knows nothing of seizures; seizures builds on it."""

from __future__ import annotations

from exchange.panels import QueryPanel
from members import compiled

from . import permissions
from .models import SeizureReport


def query_seizure_reports_panel(*, user, query) -> QueryPanel | None:
    # Which linked reports the user may see: a statement built from the user's rights alone,
    # compiled once per person and rights; the reports are read only when there are some.
    visible = compiled.rows_for(
        user,
        "seizures.query_reports",
        lambda ids: (
            permissions.restrict_seizures(user, SeizureReport.objects.filter(query_id__in=ids))
            .order_by()
            .values_list("pk")
        ),
        [query.pk],
    )
    reports = (
        list(SeizureReport.objects.filter(pk__in=[pk for (pk,) in visible]).order_by("pk"))
        if visible
        else []
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
