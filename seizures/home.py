"""The home page's "reports" section: the latest seizure reports, for analysts (people who
read reports and take no part in urgent queries)."""

from members.home import HomeSection
from members.permissions import takes_part_in_queries

from . import permissions, selectors

SHOWN = 5


def latest_reports_section(*, user) -> HomeSection | None:
    if not permissions.seizure_reading_member_ids(user) or takes_part_in_queries(user):
        return None
    reports = list(selectors.seizure_list(user=user).order_by("-created_at", "-id")[:SHOWN])
    return HomeSection(template="seizures/_home_reports.html", context={"reports": reports})
