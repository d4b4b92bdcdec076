"""Seizure reports feed exchange's identifier index (exchange never imports seizures, so the
call goes this way). ``seizure_report_index`` is called after creating or editing a report,
``seizure_values_index`` after an import (one set-based call for the whole batch, from the
checked values and their new pks) and ``seizure_reports_index`` by ``seizure_reports_reindex``
(a batch of saved reports)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from core.identifiers import IdentifierKind
from matching.models import RecordType, RecordVisibility
from matching.services import (
    identifiers_index_import,
    identifiers_index_many,
)
from members.models import ReleaseState

from .models import SeizureReport, Sharing

#: The report fields that carry identifiers, by kind.
_IDENTIFIER_FIELDS = (
    (IdentifierKind.CONTAINER, "container_number"),
    (IdentifierKind.BILL_OF_LADING, "bill_of_lading"),
    (IdentifierKind.AIR_WAYBILL, "air_waybill"),
    (IdentifierKind.VESSEL_IMO, "vessel_imo"),
    (IdentifierKind.VEHICLE, "vehicle"),
    (IdentifierKind.COMPANY, "shipper"),
    (IdentifierKind.COMPANY, "consignee"),
)


def _identifiers(get: Callable[[str], object]) -> list[tuple[str, str]]:
    return [(kind, raw) for kind, name in _IDENTIFIER_FIELDS if ((raw := get(name)) or "").strip()]


def seizure_index_record(report: SeizureReport, member_code: str | None = None) -> dict:
    """The index description of a report: network-shared reports are visible to every member,
    national ones to their own member only."""
    code = member_code or report.reporting_member.code
    return _index_record(partial(getattr, report), report.pk, str(code))


def _index_record(get: Callable[[str], object], pk: int, code: str) -> dict:
    """``seizure_index_record`` of the field values ``get`` gives (a missing optional field is
    None: no identifier, and matched outward)."""
    network = get("sharing") == Sharing.NETWORK
    return {
        "record_type": RecordType.SEIZURE,
        "record_id": pk,
        "record_reference": f"{code}/{get('reference')}",
        "owner_member_id": get("reporting_member_id"),
        "visibility": RecordVisibility.NETWORK if network else RecordVisibility.PARTIES,
        "party_member_ids": [],
        "matchable_outward": not get("exclude_from_matching"),
        "handling": "",
        "seen_on": get("seized_on"),
        "identifiers": _identifiers(get),
    }


def seizure_report_index(*, report: SeizureReport, new: bool = False):
    """(Re)index one report and match it; returns the hits made. ``new``: the report was
    created in this transaction."""
    return identifiers_index_many(records=[seizure_index_record(report)], new=new)


def seizure_reports_index(*, reports: Iterable[SeizureReport], new: bool = False):
    """Index a batch of reports (an import) with a fixed number of statements. ``new``: the
    reports were written in this transaction (nothing of theirs to replace)."""
    reports = list(reports)
    codes = _member_codes()
    return identifiers_index_many(
        records=[seizure_index_record(r, codes[r.reporting_member_id]) for r in reports],
        new=new,
    )


def seizure_values_index(*, reports: list[dict], pks: list[int]) -> int:
    """Index an import written by COPY (the reports are new in this transaction): from its
    checked field values and their new pks, without building a model instance per report.
    Returns the number of hits made."""
    codes = _member_codes()
    return identifiers_index_import(
        records=[
            _index_record(values.get, pk, codes[values["reporting_member_id"]])
            for pk, values in zip(pks, reports, strict=True)
        ]
    )


def _member_codes() -> dict[int, str]:
    """Every member's code by id, from the cached member vocabulary."""
    from members.selectors import member_vocabulary

    return {member.pk: str(member.code) for member in member_vocabulary()}


def seizure_reports_reindex(*, chunk_size: int = 2000) -> int:
    """Index every report again, a chunk at a time (each chunk one transaction). Returns the
    number of reports indexed."""
    done = 0
    last_pk = 0
    while True:
        chunk = list(
            # A report awaiting release (or returned) is matched against nothing.
            SeizureReport.objects.filter(pk__gt=last_pk, release_state=ReleaseState.RELEASED)
            .select_related("reporting_member")
            .order_by("pk")[:chunk_size]
        )
        if not chunk:
            return done
        seizure_reports_index(reports=chunk)
        done += len(chunk)
        last_pk = chunk[-1].pk
