"""Every write of a pre-arrival notice's life: filing (one, or a manifest's many), screening
on receipt, arrival, outcome, the monthly partitions and retention. Views, the API, the
import, commands, tasks and the demo call these.

Each write runs in one transaction: the notice, its index rows and hits (matching), its
screening, its alert rows (outbox) and, last, its audit event.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2.extras import execute_values

from core.bulk import instance_new, instances_insert, sequence_take
from core.exceptions import Conflict, Invalid, NotAllowed
from exchange.validators import add_error
from members import permissions as base_permissions
from members.models import ReleaseState
from members.releases import release_state_at_filing
from seizures.models import SeizureReport
from seizures.permissions import restrict_seizures

from . import alerting, auditing, matching_bridge, partitioning, permissions
from .models import (
    NO_FINDING,
    ArrivalNotice,
    ArrivalReferenceCounter,
    NoticeOutcome,
    NoticeStatus,
)
from .screening import notices_screen, screening_outcome_recorded
from .validation import (
    clean_containers,
    clean_datetime,
    clean_number,
    identifier_keys,
    notice_clean,
    notice_identifiers,
)


class NotReceivingSide(Exception):
    """The user sees the notice but may not act for its receiving side (HTTP 403)."""


# --- Partitions --------------------------------------------------------------------------------


def arrival_partitions_ensure(*, months=None) -> list[str]:
    """Create the monthly partitions of ``months`` (dates), by default from last month to
    ``ARRIVALS_PARTITIONS_AHEAD`` months ahead. Returns the names created. Called by the
    filing services (for the months they write) and by beat."""
    if months is None:
        month = partitioning.month_start(timezone.now())
        month = partitioning.month_start(month - timedelta(days=1))
        months = []
        for _i in range(settings.ARRIVALS_PARTITIONS_AHEAD + 2):
            months.append(month)
            month = partitioning.next_month(month)
    return partitioning.partitions_ensure(months)


# --- Filing --------------------------------------------------------------------------------------


def _sequences(member_id: int, year: int, count: int) -> list[int]:
    """``count`` new reference numbers of ``member_id`` in ``year``: one atomic upsert."""
    table = connection.ops.quote_name(ArrivalReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (member_id, year, last_number) VALUES (%s, %s, %s) "
            f"ON CONFLICT (member_id, year) DO UPDATE SET last_number = "
            f"{table}.last_number + EXCLUDED.last_number RETURNING last_number",
            [member_id, year, count],
        )
        last = cursor.fetchone()[0]
    return list(range(last - count + 1, last + 1))


def _notice_instances(*, author, values_list: list[dict], now) -> list[ArrivalNotice]:
    by_member: dict[int, list[dict]] = {}
    for values in values_list:
        by_member.setdefault(values["from_member"].pk, []).append(values)
    notices = []
    year = now.year
    for member_id, group in by_member.items():
        numbers = _sequences(member_id, year, len(group))
        code = group[0]["from_member"].code.code
        for values, sequence in zip(group, numbers, strict=True):
            notices.append(
                instance_new(
                    ArrivalNotice,
                    {
                        **values,
                        "author": author,
                        "reference": f"IREN-{code}-ARR-{year}-{sequence:05d}",
                        "year": year,
                        "sequence": sequence,
                        "identifiers": identifier_keys(notice_identifiers(values)),
                        "created_at": now,
                    },
                )
            )
    return notices


def _screen(notices: list[ArrivalNotice]) -> None:
    """Screen each notice for its receiving member (on the notice, not saved)."""
    screenings = notices_screen(notices=notices)
    for notice in notices:
        notice.screening = screenings[notice.pk]
        notice.lane = notice.screening["lane"]


def _release_states(notices: list[ArrivalNotice], now) -> None:
    """Set each notice's ``release_state`` under its sending member's release policy (read
    once per member and handling code)."""
    states: dict[tuple[int, str], str] = {}
    for notice in notices:
        key = (notice.from_member_id, notice.handling_code)
        if key not in states:
            states[key] = release_state_at_filing(
                member_id=key[0], kind="arrival", handling_code=key[1]
            )
        notice.release_state = states[key]
        notice.released_at = now if notice.release_state == ReleaseState.RELEASED else None


def notices_write(*, author, values_list: list[dict]) -> list[ArrivalNotice]:
    """Write checked notices (``notice_clean``'s values), index and match them, screen them
    for their receiving members and alert the receiving sides (red at once, amber and green in
    the digest): in the caller's transaction. The notices take their ids first; matching
    (index rows, hits and their alerts, which name a notice by id only) and the screening
    (which reads those hits) run before the notices go in, so each is written once, screening
    included, by one COPY.

    A notice its sending member's release policy holds is written ``awaiting_release``:
    neither indexed nor screened, nothing alerted to the receiving side; the sending member's
    releasers are alerted instead. ``notice_release`` sends it on."""
    if not values_list:
        return []
    now = timezone.now()
    arrival_partitions_ensure(months={v["expected_arrival"] for v in values_list})
    notices = _notice_instances(author=author, values_list=values_list, now=now)
    ids = sequence_take(ArrivalNotice._meta.db_table, len(notices))
    for notice, pk in zip(notices, ids, strict=True):
        notice.pk = pk
    _release_states(notices, now)
    going = [n for n in notices if n.release_state == ReleaseState.RELEASED]
    held = [n for n in notices if n.release_state != ReleaseState.RELEASED]
    if going:
        matching_bridge.notices_index(notices=going)
        _screen(going)
    instances_insert(ArrivalNotice, notices)
    alerting.notices_received_alert(notices=going)
    # A notice held with its manifest import is alerted once, as the import (``releasing``).
    alerting.notices_held_alert(notices=[n for n in held if not n.import_job_id], author=author)
    return notices


def notices_rescreen(*, notices: list[ArrivalNotice]) -> list[ArrivalNotice]:
    """Screen ``notices`` again (after their receiving member's rules changed) in the caller's
    transaction: those whose screening changed are saved, one statement, and those that
    turned red are alerted to their receiving side as a red notice is on receipt. Returns the
    notices that changed. Running it twice changes nothing the second time."""
    if not notices:
        return []
    screenings = notices_screen(notices=notices)
    changed, turned_red = [], []
    for notice in notices:
        screening = screenings[notice.pk]
        if screening == notice.screening and screening["lane"] == notice.lane:
            continue
        if screening["lane"] == "red" and notice.lane != "red":
            turned_red.append(notice)
        notice.screening, notice.lane = screening, screening["lane"]
        changed.append(notice)
    if changed:
        rows = [(n.pk, n.expected_arrival, n.lane, json.dumps(n.screening)) for n in changed]
        with connection.cursor() as cursor, connection.wrap_database_errors:
            execute_values(
                cursor.cursor,
                f"UPDATE {partitioning.TABLE} AS n SET lane = v.lane, screening = v.screening"
                " FROM (VALUES %s) AS v (id, expected_arrival, lane, screening)"
                " WHERE n.id = v.id AND n.expected_arrival = v.expected_arrival",
                rows,
                template="(%s::bigint, %s::timestamptz, %s, %s::jsonb)",
            )
    if turned_red:
        alerting.notices_received_alert(notices=turned_red)
    return changed


@transaction.atomic
def notice_file(*, author, data: dict) -> ArrivalNotice:
    """File one notice from ``data`` (the API's field names). Raises a field-keyed
    ``ValidationError`` and writes nothing on bad input."""
    values = notice_clean(author=author, data=data)
    if data.get("query") not in (None, ""):
        values["query"] = _linked_query(author, data["query"])
    (notice,) = notices_write(author=author, values_list=[values])
    if notice.release_state == ReleaseState.RELEASED:
        auditing.notice_write_record(action="arrival.file", user=author, notice=notice)
    else:
        auditing.notice_write_record(
            action="arrival.file",
            user=author,
            notice=notice,
            detail={"release_state": notice.release_state},
            sending_side_only=True,
        )
    return notice


# --- Release (under the sending member's release policy) ----------------------------------------


def _held_locked(user, notice: ArrivalNotice) -> ArrivalNotice:
    """The held notice, locked, once ``user`` is known to release it: a releaser of the
    sending member who is not its author (``NotAllowed``); ``Conflict`` when it no longer
    awaits release."""
    notice = (
        ArrivalNotice.objects.select_for_update(of=("self",))
        .select_related("from_member", "to_member", "author")
        .get(pk=notice.pk, expected_arrival=notice.expected_arrival)
    )
    if not base_permissions.may_release(
        user, member_id=notice.from_member_id, author_id=notice.author_id
    ):
        raise NotAllowed(_("A releaser of the sender, other than its author, releases a notice."))
    if notice.release_state != ReleaseState.AWAITING_RELEASE or notice.import_job_id:
        raise Conflict(
            _("Notice %(reference)s no longer awaits release.") % {"reference": notice.reference}
        )
    return notice


@transaction.atomic
def notice_release(*, notice: ArrivalNotice, user) -> ArrivalNotice:
    """Release a held notice: it goes out exactly as if just filed: indexed and matched,
    screened for the receiving member, the receiving side alerted (red at once)."""
    notice = _held_locked(user, notice)
    now = timezone.now()
    notice.release_state, notice.released_at, notice.released_by = (
        ReleaseState.RELEASED,
        now,
        user,
    )
    matching_bridge.notices_index(notices=[notice])
    _screen([notice])
    notice.save(update_fields=["release_state", "released_at", "released_by", "lane", "screening"])
    alerting.notices_received_alert(notices=[notice])
    alerting.notice_alerts_create(
        notice=notice, event=alerting.EVENTS.RELEASED, people=[notice.author]
    )
    auditing.notice_write_record(
        action="arrival.release",
        user=user,
        notice=notice,
        detail={"waited_seconds": int((now - notice.created_at).total_seconds())},
    )
    return notice


@transaction.atomic
def notice_return(*, notice: ArrivalNotice, user, note: str) -> ArrivalNotice:
    """Return a held notice to its author with ``note``: it never leaves the sending
    member. Alerts the author."""
    notice = _held_locked(user, notice)
    note = (note or "").strip()
    if not note:
        raise Invalid({"note": [_("Say why the item is returned.")]})
    notice.release_state, notice.release_note = ReleaseState.RETURNED, note
    notice.save(update_fields=["release_state", "release_note"])
    alerting.notice_alerts_create(
        notice=notice, event=alerting.EVENTS.RETURNED, people=[notice.author], note=note
    )
    auditing.notice_write_record(
        action="arrival.return", user=user, notice=notice, sending_side_only=True
    )
    return notice


def _linked_query(user, query_id):
    from exchange.permissions import restrict_queries

    try:
        return restrict_queries(user).get(pk=int(query_id))
    except (ValueError, TypeError, restrict_queries(user).model.DoesNotExist):
        raise Invalid({"query": [_("There is no such query you may see.")]}) from None


# --- Arrival and outcome -----------------------------------------------------------------------


def _locked(user, notice: ArrivalNotice) -> ArrivalNotice:
    if not permissions.may_act_as_receiver(user, notice):
        raise NotReceivingSide
    return (
        ArrivalNotice.objects.select_for_update(of=("self",))
        .select_related("from_member", "to_member")
        .get(pk=notice.pk, expected_arrival=notice.expected_arrival)
    )


def discrepancies_find(*, notice: ArrivalNotice, containers: list[dict], gross_kg) -> list[dict]:
    """What was found against what the notice declared: containers missing or extra, seals
    changed, and the gross mass when it differs by more than ``ARRIVALS_MASS_TOLERANCE`` %."""
    declared = {c["number"]: c.get("seals") or [] for c in notice.containers or []}
    found = {c["number"]: c.get("seals") or [] for c in containers}
    discrepancies = []
    for number in declared:
        if number not in found:
            discrepancies.append({"kind": "container_missing", "detail": number})
    for number, seals in found.items():
        if number not in declared:
            discrepancies.append({"kind": "container_extra", "detail": number})
        elif sorted(seals) != sorted(declared[number]):
            discrepancies.append(
                {
                    "kind": "seal_changed",
                    "detail": _("%(number)s: declared %(declared)s, found %(found)s")
                    % {
                        "number": number,
                        "declared": ", ".join(declared[number]) or "—",
                        "found": ", ".join(seals) or "—",
                    },
                }
            )
    declared_kg = sum(float(g.get("gross_kg") or 0) for g in notice.goods or [])
    if gross_kg is not None and declared_kg > 0:
        difference = (float(gross_kg) - declared_kg) / declared_kg * 100
        if abs(difference) > settings.ARRIVALS_MASS_TOLERANCE:
            discrepancies.append(
                {
                    "kind": "mass",
                    "detail": _("declared %(declared)s kg, found %(found)s kg (%(difference)s %%)")
                    % {
                        "declared": f"{declared_kg:g}",
                        "found": f"{float(gross_kg):g}",
                        "difference": f"{difference:+.1f}",
                    },
                }
            )
    return discrepancies


@transaction.atomic
def notice_arrived(*, user, notice: ArrivalNotice, data: dict) -> ArrivalNotice:
    """Record the arrival (receiving side): ``{"arrived_at", "containers", "gross_kg"}``,
    compared with the notice. Raises ``NotReceivingSide`` or a ``ValidationError``."""
    notice = _locked(user, notice)
    errors: dict[str, list[str]] = {}
    if notice.status != NoticeStatus.EXPECTED:
        add_error(errors, "status", _("The arrival of this notice is already recorded."))
    arrived_at = clean_datetime(data.get("arrived_at"), errors, "arrived_at") or timezone.now()
    containers = clean_containers(data.get("containers"), errors)
    gross_kg = clean_number(
        data.get("gross_kg"), errors, "gross_kg", _("gross mass"), integer=False
    )
    if errors:
        raise Invalid(errors)
    notice.discrepancies = discrepancies_find(
        notice=notice, containers=containers, gross_kg=gross_kg
    )
    notice.arrival = {"containers": containers, "gross_kg": gross_kg}
    notice.arrived_at = arrived_at
    notice.arrived_by = user
    notice.status = NoticeStatus.ARRIVED
    notice.save(update_fields=["discrepancies", "arrival", "arrived_at", "arrived_by", "status"])
    auditing.notice_write_record(
        action="arrival.arrived",
        user=user,
        notice=notice,
        detail={"discrepancies": len(notice.discrepancies)},
    )
    return notice


@transaction.atomic
def notice_outcome(*, user, notice: ArrivalNotice, data: dict) -> ArrivalNotice:
    """Record the outcome (receiving side) and close the notice; the sending side is alerted.
    A ``seizure`` outcome names a seizure report the user may see."""
    notice = _locked(user, notice)
    errors: dict[str, list[str]] = {}
    if notice.status == NoticeStatus.CLOSED:
        add_error(errors, "status", _("This notice is closed already."))
    outcome = data.get("outcome") or ""
    if outcome not in NoticeOutcome.values:
        add_error(
            errors,
            "outcome",
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": outcome, "choices": ", ".join(NoticeOutcome.values)},
        )
    report = None
    report_id = data.get("seizure_report")
    if report_id not in (None, ""):
        try:
            report = restrict_seizures(user, SeizureReport.objects.all()).get(pk=int(report_id))
        except (ValueError, TypeError, SeizureReport.DoesNotExist):
            add_error(errors, "seizure_report", _("There is no such seizure report you may see."))
    elif outcome == NoticeOutcome.SEIZURE:
        add_error(errors, "seizure_report", _("Name the seizure report of this seizure."))
    if errors:
        raise Invalid(errors)
    notice.outcome = outcome
    notice.outcome_note = str(data.get("note") or "").strip()[:5000]
    notice.seizure_report = report
    notice.status = NoticeStatus.CLOSED
    notice.closed_at = timezone.now()
    notice.closed_by = user
    notice.save(
        update_fields=[
            "outcome",
            "outcome_note",
            "seizure_report",
            "status",
            "closed_at",
            "closed_by",
        ]
    )
    screening_outcome_recorded(notice=notice)
    alerting.notice_outcome_alert(notice=notice)
    auditing.notice_write_record(
        action="arrival.outcome",
        user=user,
        notice=notice,
        detail={"outcome": outcome, **({"seizure_report": report.pk} if report else {})},
    )
    return notice


# --- Retention ---------------------------------------------------------------------------------

#: A notice retention removes (SQL on the notice table's columns; two parameters: the
#: cut-off and the no-finding outcomes).
_REMOVABLE = (
    "expected_arrival < %s AND (status <> 'closed' OR outcome = ANY(%s))"
    " AND discrepancies = '[]'::jsonb AND seizure_report_id IS NULL AND query_id IS NULL"
)


def _remove(ids_sql: str, params: list) -> None:
    """Remove what hangs on the notices ``ids_sql`` selects: index rows, open hits, alerts."""
    from alerts.models import Alert

    matching_bridge.notices_unindex(ids_sql=ids_sql, params=params)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Alert._meta.db_table} WHERE subject_type = %s"
            f" AND subject_id IN ({ids_sql})",
            [alerting.SUBJECT_TYPE, *params],
        )


@transaction.atomic
def arrivals_prune(*, now=None) -> dict:
    """Remove notices ``ARRIVALS_RETENTION_DAYS`` after their expected arrival when closed
    with no finding or never closed, with their index rows, hits and alerts. Notices with a
    discrepancy, a seizure or a linked query are kept. A month whose notices are all
    removable goes as a whole partition. Audited as a count."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ARRIVALS_RETENTION_DAYS)
    no_finding = [str(o) for o in NO_FINDING]
    table = partitioning.TABLE
    removed = 0
    dropped = []
    with connection.cursor() as cursor:
        for name, month in sorted(partitioning.partitions().items(), key=lambda item: item[1]):
            upper = partitioning.next_month(month)
            if datetime(upper.year, upper.month, 1, tzinfo=UTC) > cutoff:
                continue
            cursor.execute(
                f"SELECT count(*), count(*) FILTER (WHERE NOT ({_REMOVABLE})) FROM {name}",
                [cutoff, no_finding],
            )
            total, kept = cursor.fetchone()
            if kept:
                continue
            _remove(f"SELECT id FROM {name}", [])
            partitioning.partition_drop(name)
            removed += total
            dropped.append(name)
        ids_sql = f"SELECT id FROM {table} WHERE {_REMOVABLE}"
        _remove(ids_sql, [cutoff, no_finding])
        cursor.execute(f"DELETE FROM {table} WHERE {_REMOVABLE}", [cutoff, no_finding])
        removed += cursor.rowcount
    auditing.notices_prune_record(removed=removed, partitions=dropped)
    return {"removed": removed, "partitions_dropped": dropped}
