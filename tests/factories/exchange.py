"""Factories of the exchange app. Queries are filed through the real service, so every test
query has its reference, recipients and alert rows exactly as in production."""

from exchange import services
from exchange.drafts import QueryDraft
from exchange.models import Priority, QueryKind

VALID_CONTAINER = "CSQU3054383"
WRONG_CHECK_DIGIT = "CSQU3054384"


def file_query(author, recipients=("UZ",), **overrides):
    """File a query from ``author`` to the member codes ``recipients`` through
    ``services.query_file``."""
    data = {
        "kind": QueryKind.REQUEST,
        "priority": Priority.URGENT,
        "handling_code": "H2",
        "source_evaluation": "B",
        "information_evaluation": "2",
        "subject": "Cigarettes declared as paper napkins",
        "body": "Please check the consignment on arrival and tell us what you find.",
        "container_numbers": [VALID_CONTAINER],
    }
    data.update(overrides)
    filed_at = data.pop("filed_at", None)
    draft = QueryDraft(recipients=list(recipients), **data)
    return services.query_file(author=author, draft=draft, filed_at=filed_at)
