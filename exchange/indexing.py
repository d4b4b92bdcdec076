"""Urgent queries feed the identifier index: which identifiers a query carries, who may see
it (its parties), and whether its handling code lets it be matched outward (not H3, not
marked excluded). Call ``query_index`` after filing or editing a query."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.identifiers import IdentifierKind
from matching import permissions as rules
from matching.models import Hit, RecordType, RecordVisibility
from matching.services import identifiers_index_many
from members.models import ReleaseState

from .models import Query


def query_identifiers(query: Query, *, containers=None) -> list[tuple[str, str]]:
    """The identifiers a query carries; ``containers``: its container numbers in order, when
    the caller has them (else they are read)."""
    if containers is None:
        containers = [c.number for c in query.containers.all()]
    pairs = [(IdentifierKind.CONTAINER, number) for number in containers]
    pairs += [(IdentifierKind.BILL_OF_LADING, n) for n in query.bill_of_lading_numbers or ()]
    pairs += [(IdentifierKind.AIR_WAYBILL, n) for n in query.air_waybill_numbers or ()]
    if query.vessel_imo:
        pairs.append((IdentifierKind.VESSEL_IMO, query.vessel_imo))
    for name in (query.shipper, query.consignee):
        if name:
            pairs.append((IdentifierKind.COMPANY, name))
    return pairs


def query_index_record(
    query: Query, *, recipient_member_ids: list[int] | None = None, containers=None
) -> dict:
    """The index description of a query: seen by its parties only; H3 or excluded queries are
    never matched outward. ``recipient_member_ids`` and ``containers`` (numbers in order),
    when the caller has just written them, spare reading them again."""
    if recipient_member_ids is None:
        recipient_member_ids = [r.member_id for r in query.recipients.all()]
    return {
        "record_type": RecordType.QUERY,
        "record_id": query.pk,
        "record_reference": query.reference,
        "owner_member_id": query.sender_member_id,
        "visibility": RecordVisibility.PARTIES,
        "party_member_ids": recipient_member_ids,
        "matchable_outward": rules.matchable_outward_for_query(
            query.handling_code, query.exclude_from_matching
        ),
        "handling": query.handling_code,
        "seen_on": timezone.localdate(query.created_at),
        "identifiers": query_identifiers(query, containers=containers),
    }


@transaction.atomic
def query_index(
    *,
    query: Query,
    new: bool = False,
    asks_about: Hit | None = None,
    recipient_member_ids: list[int] | None = None,
    containers=None,
) -> list[Hit]:
    """(Re)index a query after filing (``new=True``) or editing it. A query filed from a hit
    (``asks_about``) is never matched with that hit's two records (the asker's and the one it
    asks about): asking raises no new hit. Call on withdrawal ``identifiers_remove``. Filing
    passes the recipients' members and the container numbers it has just written."""
    record = query_index_record(
        query, recipient_member_ids=recipient_member_ids, containers=containers
    )
    if asks_about is not None:
        record["excluded_partners"] = hit_records(asks_about)
    return identifiers_index_many(records=[record], new=new)


def hit_records(hit: Hit) -> list[tuple[str, int]]:
    """The two records a hit links: the learner's own (a watch entry too) and the holder's."""
    return [
        (hit.record_type, hit.record_id),
        (hit.holder_record_type, hit.holder_record_id),
    ]


def queries_reindex(*, chunk_size: int = 2000) -> int:
    """Index every query again, a chunk at a time (each chunk one transaction, a fixed number
    of statements). Returns the number of queries indexed."""
    done = 0
    last_pk = 0
    while True:
        chunk = list(
            # A query awaiting release (or returned) is matched against nothing.
            Query.objects.filter(pk__gt=last_pk, release_state=ReleaseState.RELEASED)
            .prefetch_related("containers", "recipients")
            .order_by("pk")[:chunk_size]
        )
        if not chunk:
            return done
        # A query asked from a hit keeps leaving that hit's records out (one statement).
        apart: dict[int, list[tuple[str, int]]] = {}
        for hit in Hit.objects.filter(follow_up_query_id__in=[q.pk for q in chunk]).only(
            "follow_up_query_id",
            "record_type",
            "record_id",
            "holder_record_type",
            "holder_record_id",
        ):
            apart.setdefault(hit.follow_up_query_id, []).extend(hit_records(hit))
        records = []
        for query in chunk:
            record = query_index_record(query)
            record["excluded_partners"] = apart.get(query.pk, [])
            records.append(record)
        identifiers_index_many(records=records)
        done += len(chunk)
        last_pk = chunk[-1].pk
