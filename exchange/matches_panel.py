"""The "Matches" panel of an urgent query's page (registered in ``ExchangeConfig.ready``
through ``exchange.panels``): the hits of the viewer's members on this query, as far as
``matching.selectors.hit_presentation`` lets them see the other side."""

from __future__ import annotations

from matching import permissions as rules
from matching import selectors as matching_selectors
from matching.models import RecordType

from .panels import QueryPanel


def query_matches_panel(*, user, query) -> QueryPanel | None:
    if not rules.may_use_matching(user):
        return None
    items = matching_selectors.record_matches(
        user=user, record_type=RecordType.QUERY, record_id=query.pk
    )
    return QueryPanel(
        template="matching/_matches.html",
        context={"matches": items},
        ids=[item["hit"].pk for item in items],
    )
