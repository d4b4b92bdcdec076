"""Demo urgent queries between the demo focal points, filed and answered through the services.

Called by ``manage.py seed_demo`` once the members and the users focal.<cc> exist. Running it
again changes nothing: a demo query is recognised by its sender and subject. In development
mail goes to the console backend, so the alerts it causes are printed, not sent.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .drafts import QueryDraft
from .models import Query

DEMO_QUERIES = [
    {
        "sender": "KZ",
        "recipients": ["UZ"],
        "kind": "risk-alert",
        "priority": "urgent",
        "handling_code": "H2",
        "source_evaluation": "B",
        "information_evaluation": "2",
        "subject": "Heroin suspected in machine parts bound for Tashkent",
        "body": "Container loaded at Aktau; the consignee was named in a 2024 seizure. "
        "Please examine on arrival.",
        "container_numbers": ["CSQU3054383"],
        "vessel_or_flight": "MV Caspian Star",
        "hs_codes": ["8483.40"],
        "route_countries": ["KZ", "TM", "UZ"],
        "then": [("acknowledge", "UZ"), ("outcome", "UZ", "seized", "")],
    },
    {
        "sender": "PK",
        "recipients": ["AF", "KZ"],
        "kind": "request",
        "priority": "high",
        "handling_code": "H1",
        "source_evaluation": "C",
        "information_evaluation": "3",
        "subject": "Consignee behind undervalued transit cargo",
        "body": "Do you hold anything on the consignee of these two containers?",
        "container_numbers": ["TGHU1234567", "MSKU9070323"],
        "consignee": "Silk Road Trading LLC",
        "then": [("acknowledge", "AF")],
    },
    {
        "sender": "GE",
        "recipients": ["UA", "AZ"],
        "kind": "request",
        "priority": "routine",
        "handling_code": "H0",
        "source_evaluation": "A",
        "information_evaluation": "1",
        "subject": "Shipper history for counterfeit cigarettes",
        "body": "Please share past declarations by this shipper at Odesa and Baku.",
        "container_numbers": ["HLXU8765430"],
        "shipper": "Black Sea Tobacco Export",
        "then": [("reply", "UA", "Two declarations in 2025, both cleared."), ("close",)],
    },
    {
        "sender": "TJ",
        "recipients": ["KG"],
        "kind": "risk-alert",
        "priority": "urgent",
        "handling_code": "H3",
        "handling_restrictions": "Not to be shared with the carrier.",
        "source_evaluation": "B",
        "information_evaluation": "3",
        "subject": "Precursor chemicals declared as cleaning agents",
        "body": "Truck consignment via Dushanbe, expected at Dordoi tomorrow.",
        "container_numbers": ["CMAU5123450"],
        "hs_codes": ["2915.24"],
        "then": [],
    },
    {
        "sender": "UZ",
        "recipients": ["TM"],
        "kind": "request",
        "priority": "high",
        "handling_code": "H0",
        "source_evaluation": "X",
        "information_evaluation": "4",
        "subject": "Air cargo with mis-declared electronics",
        "body": "Can you confirm the airway bill was issued in Ashgabat?",
        "air_waybill_numbers": ["176-12345675"],
        "vessel_or_flight": "TK 4321",
        "then": [],
    },
]


def _focal(code):
    return get_user_model().objects.filter(username=f"focal.{code.lower()}").first()


@transaction.atomic
def seed(*, members) -> str:
    """File the demo queries that are not there yet; return a short summary."""
    created = 0
    for spec in DEMO_QUERIES:
        spec = dict(spec)
        sender_code, steps = spec.pop("sender"), spec.pop("then")
        author = _focal(sender_code)
        if author is None or sender_code not in members:
            continue
        if not all(code in members for code in spec["recipients"]):
            continue
        if Query.objects.filter(
            sender_member=members[sender_code], subject=spec["subject"]
        ).exists():
            continue
        query = services.query_file(
            author=author, draft=QueryDraft(sender_member=members[sender_code], **spec)
        )
        for step in steps:
            if step[0] == "acknowledge":
                services.query_acknowledge(query=query, user=_focal(step[1]))
            elif step[0] == "reply":
                services.query_reply(query=query, user=_focal(step[1]), body=step[2])
            elif step[0] == "outcome":
                services.query_report_outcome(
                    query=query, user=_focal(step[1]), outcome=step[2], reason=step[3]
                )
            elif step[0] == "close":
                services.query_close(query=query, user=author, outcome="resolved")
        created += 1
    return f"{created} demo urgent queries."


#: A query of officer.az that Azerbaijan's release policy (H2) holds until focal.az releases it.
HELD_QUERY = {
    "recipients": ["GE"],
    "kind": "risk-alert",
    "priority": "urgent",
    "handling_code": "H2",
    "source_evaluation": "B",
    "information_evaluation": "3",
    "subject": "Undeclared tobacco in a reefer leaving Alat for Poti",
    "body": "The reefer's declared temperature does not match its cargo of vegetables. "
    "Please examine on arrival at Poti.",
    "container_numbers": ["MSKU9070323"],
    "route_countries": ["AZ", "GE"],
}


@transaction.atomic
def seed_held(*, members) -> str:
    """File the demo query that awaits release (officer.az → GE, H2), if it is not there."""
    officer = get_user_model().objects.filter(username="officer.az").first()
    if officer is None or "AZ" not in members or "GE" not in members:
        return ""
    if Query.objects.filter(sender_member=members["AZ"], subject=HELD_QUERY["subject"]).exists():
        return ""
    query = services.query_file(
        author=officer, draft=QueryDraft(sender_member=members["AZ"], **HELD_QUERY)
    )
    return f"{query.reference} awaits release by focal.az."
