"""The home page's "queries" section: what waits in the exchange for the person."""

from members.home import HomeSection
from members.permissions import takes_part_in_queries

from . import selectors

SHOWN = 5


def queries_waiting_section(*, user) -> HomeSection | None:
    if not takes_part_in_queries(user):
        return None
    waiting = selectors.queries_waiting(user=user, limit=SHOWN)
    return HomeSection(template="exchange/_home_queries.html", context=waiting)
