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
