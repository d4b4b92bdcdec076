"""Seizure reports feed exchange's identifier index (exchange never imports seizures, so the
call goes this way). Call ``seizure_report_index`` after creating or editing a report,
``seizure_reports_index`` after an import (one set-based call for the whole batch) and
``seizure_report_unindex`` when a report is withdrawn or deleted."""

from __future__ import annotations

from collections.abc import Iterable

from exchange.identifiers import IdentifierKind
from exchange.matching import identifiers_index_many, identifiers_remove
from exchange.models_matching import RecordType, RecordVisibility

from .models import SeizureReport, Sharing


def seizure_report_identifiers(report: SeizureReport) -> list[tuple[str, str]]:
    pairs = [
        (IdentifierKind.CONTAINER, report.container_number),
        (IdentifierKind.BILL_OF_LADING, report.bill_of_lading),
        (IdentifierKind.AIR_WAYBILL, report.air_waybill),
        (IdentifierKind.VESSEL_IMO, report.vessel_imo),
        (IdentifierKind.VEHICLE, report.vehicle),
        (IdentifierKind.COMPANY, report.shipper),
        (IdentifierKind.COMPANY, report.consignee),
    ]
    return [(kind, raw) for kind, raw in pairs if (raw or "").strip()]


def seizure_index_record(report: SeizureReport, member_code: str | None = None) -> dict:
    """The index description of a report: network-shared reports are visible to every member,
    national ones to their own member only."""
    code = member_code or report.reporting_member.code
    network = report.sharing == Sharing.NETWORK
    return {
        "record_type": RecordType.SEIZURE,
        "record_id": report.pk,
        "record_reference": f"{code}/{report.reference}",
        "owner_member_id": report.reporting_member_id,
        "visibility": RecordVisibility.NETWORK if network else RecordVisibility.PARTIES,
        "party_member_ids": [],
        "matchable_outward": not report.exclude_from_matching,
        "handling": "",
        "seen_on": report.seized_on,
        "identifiers": seizure_report_identifiers(report),
    }


def seizure_report_index(*, report: SeizureReport, new: bool = False):
    """(Re)index one report and match it; returns the hits made. ``new``: the report was
    created in this transaction."""
    return identifiers_index_many(records=[seizure_index_record(report)], new=new)


def seizure_reports_index(*, reports: Iterable[SeizureReport], new: bool = False):
    """Index a batch of reports (an import) with a fixed number of statements. ``new``: the
    reports were written in this transaction (nothing of theirs to replace)."""
    reports = list(reports)
    codes = {}
    if reports:
        from members.models import MemberAdministration

        codes = dict(
            MemberAdministration.objects.filter(
                pk__in={r.reporting_member_id for r in reports}
            ).values_list("pk", "code")
        )
    return identifiers_index_many(
        records=[seizure_index_record(r, str(codes[r.reporting_member_id])) for r in reports],
        new=new,
    )


def seizure_report_unindex(*, report_id: int) -> int:
    return identifiers_remove(record_type=RecordType.SEIZURE, record_id=report_id)


def seizure_reports_reindex(*, chunk_size: int = 2000) -> int:
    """Index every report again, a chunk at a time (each chunk one transaction). Returns the
    number of reports indexed."""
    done = 0
    last_pk = 0
    while True:
        chunk = list(
            SeizureReport.objects.filter(pk__gt=last_pk)
            .select_related("reporting_member")
            .order_by("pk")[:chunk_size]
        )
        if not chunk:
            return done
        seizure_reports_index(reports=chunk)
        done += len(chunk)
        last_pk = chunk[-1].pk
