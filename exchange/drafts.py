"""A query as its author writes it, before it is filed: the one list of what a query carries,
in groups that the form, the API serializer, the views and ``services.query_file`` share.

The groups follow how a focal point thinks of a query: whom it goes to, what it says, the
consignment it is about, and how it may be handled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from .models import HandlingCode, InformationEvaluation, Priority, QueryKind, SourceEvaluation

#: Whom the query goes to, and from whom.
ADDRESSING = ("recipients", "recipient_units", "priority", "kind", "sender_member", "sender_unit")
#: What it says.
MESSAGE = ("subject", "body")
#: The consignment's identifiers written as text (a link may pre-fill them).
IDENTIFIERS = (
    "container_numbers",
    "bill_of_lading_numbers",
    "air_waybill_numbers",
    "vessel_or_flight",
    "vessel_imo",
    "shipper",
    "consignee",
)
#: The consignment it is about (these feed matching).
CONSIGNMENT = (
    *IDENTIFIERS,
    "hs_codes",
    "route_countries",
    "expected_arrival",
    "exclude_from_matching",
)
#: How it may be handled and how far it is to be trusted.
HANDLING = ("handling_code", "handling_restrictions", "source_evaluation", "information_evaluation")
#: Files sent with it.
FILES = ("attachments",)

GROUPS = (ADDRESSING, MESSAGE, CONSIGNMENT, HANDLING, FILES)
FIELDS = tuple(name for group in GROUPS for name in group)


@dataclass(frozen=True, kw_only=True)
class QueryDraft:
    """Everything an author gives when filing a query, unchecked: ``services.query_file``
    checks it whole. List fields take a list or one text separated by commas or lines."""

    recipients: Sequence[str] | str = ()
    recipient_units: Sequence[str] | str = ()
    priority: str = Priority.ROUTINE
    kind: str = QueryKind.REQUEST
    sender_member: object = None
    sender_unit: object = None
    subject: str = ""
    body: str = ""
    container_numbers: Sequence[str] | str = ()
    bill_of_lading_numbers: Sequence[str] | str = ()
    air_waybill_numbers: Sequence[str] | str = ()
    vessel_or_flight: str = ""
    vessel_imo: str = ""
    shipper: str = ""
    consignee: str = ""
    hs_codes: Sequence[str] | str = ()
    route_countries: Sequence[str] | str = ()
    expected_arrival: datetime | None = None
    exclude_from_matching: bool = False
    handling_code: str = HandlingCode.H0
    handling_restrictions: str = ""
    source_evaluation: str = SourceEvaluation.X
    information_evaluation: str = InformationEvaluation.UNKNOWN
    attachments: Sequence = ()

    @classmethod
    def from_data(cls, data: Mapping) -> QueryDraft:
        """The draft in ``data`` (a form's or serializer's cleaned data), ignoring anything
        that is not part of a query."""
        return cls(**{name: data[name] for name in FIELDS if name in data})


assert {f.name for f in fields(QueryDraft)} == set(FIELDS), "QueryDraft and FIELDS disagree"
