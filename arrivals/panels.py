"""The notices panel of a seizure report's page (registered in ``ArrivalsConfig.ready``
through ``seizures.panels``): the notices whose outcome names the report, those the user may
see."""

from __future__ import annotations

from exchange.panels import QueryPanel

from . import permissions
from .models import ArrivalNotice


def seizure_report_notices_panel(*, user, report) -> QueryPanel | None:
    notices = list(
        permissions.restrict_notices(user, ArrivalNotice.objects.filter(seizure_report=report))
        .select_related("from_member", "to_member")
        .order_by("expected_arrival", "id")
    )
    if not notices:
        return None
    return QueryPanel(
        template="arrivals/_seizure_panel.html",
        context={"notices": notices},
        ids=[notice.pk for notice in notices],
    )
