"""Every write the exchange domain knows: filing, acknowledging, replying, reporting outcomes,
closing, and the alert outbox with its delivery. Views, API, tasks and the demo call these.

Each event writes its alert rows in the same transaction (the outbox) and asks for delivery
once the transaction commits; a broker that cannot be reached leaves the rows pending for the
periodic re-send instead of failing the request.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries
from stdnum import iso6346
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumValidationError

from members import permissions
from members.models import ControlUnit, MemberAdministration, MemberStatus

from .models import (
    Alert,
    AlertChannel,
    AlertEvent,
    Attachment,
    HandlingCode,
    InformationEvaluation,
    Priority,
    Query,
    QueryContainer,
    QueryKind,
    QueryOutcome,
    QueryRecipient,
    QueryStatus,
    RecipientState,
    ReferenceCounter,
    Reply,
    RiskOutcome,
    SourceEvaluation,
)

logger = logging.getLogger(__name__)


class QueryClosed(Exception):
    """An action that needs an open query was attempted on a closed one (HTTP 409)."""

    def __init__(self, query: Query):
        self.query = query
        super().__init__(
            _("Query %(reference)s is closed: it no longer accepts replies or changes.")
            % {"reference": query.reference}
        )


class NotAParty(Exception):
    """The user can see the query but may not act in it this way (HTTP 403)."""


# --- Validation of consignment details -----------------------------------------------------------


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _as_list(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = re.split(r"[,;\n]+", values)
    return [str(v).strip() for v in values if str(v).strip()]


def normalise_container_number(text: str) -> str:
    """``csqu 305438-3`` → ``CSQU3054383`` (not validated)."""
    return re.sub(r"[\s./-]", "", text or "").upper()


def clean_container_numbers(values, errors: dict) -> list[str]:
    """Normalise ISO 6346 container numbers and check each one's check digit."""
    numbers: list[str] = []
    for raw in _as_list(values):
        number = normalise_container_number(raw)
        try:
            iso6346.validate(number)
        except InvalidChecksum:
            _add(
                errors,
                "container_numbers",
                _(
                    "%(number)s has a wrong check digit: by ISO 6346 the last digit "
                    "should be %(digit)s."
                )
                % {"number": raw, "digit": iso6346.calc_check_digit(number[:10])},
            )
            continue
        except StdnumValidationError:
            _add(
                errors,
                "container_numbers",
                _(
                    "%(number)s is not an ISO 6346 container number (four letters ending in "
                    "U, J or Z, six digits and a check digit, e.g. CSQU3054383)."
                )
                % {"number": raw},
            )
            continue
        if number not in numbers:
            numbers.append(number)
    return numbers


def clean_air_waybill_numbers(values, errors: dict) -> list[str]:
    """Air waybill numbers: a three-digit airline prefix and an eight-digit serial whose last
    digit is the first seven modulo 7 (IATA)."""
    numbers = []
    for raw in _as_list(values):
        digits = re.sub(r"[\s-]", "", raw)
        if not re.fullmatch(r"\d{11}", digits):
            _add(
                errors,
                "air_waybill_numbers",
                _("%(number)s is not an air waybill number (e.g. 176-12345675).") % {"number": raw},
            )
        elif int(digits[3:10]) % 7 != int(digits[10]):
            _add(
                errors,
                "air_waybill_numbers",
                _("%(number)s has a wrong check digit.") % {"number": raw},
            )
        else:
            formatted = f"{digits[:3]}-{digits[3:]}"
            if formatted not in numbers:
                numbers.append(formatted)
    return numbers


def clean_hs_codes(values, errors: dict) -> list[str]:
    codes = []
    for raw in _as_list(values):
        digits = raw.replace(".", "").replace(" ", "")
        if not re.fullmatch(r"\d{4}|\d{6}|\d{8}|\d{10}", digits):
            _add(
                errors,
                "hs_codes",
                _("%(code)s is not an HS code (4, 6, 8 or 10 digits, e.g. 2402.20).")
                % {"code": raw},
            )
        elif digits not in codes:
            codes.append(digits)
    return codes


def clean_route_countries(values, errors: dict) -> list[str]:
    known = dict(countries)
    codes = []
    for raw in _as_list(values):
        code = raw.upper()
        if code not in known:
            _add(
                errors,
                "route_countries",
                _("%(code)s is not an ISO 3166-1 alpha-2 country code.") % {"code": raw},
            )
        else:
            codes.append(code)
    return codes


def clean_bill_of_lading_numbers(values, errors: dict) -> list[str]:
    numbers = []
    for raw in _as_list(values):
        if len(raw) > 35 or not re.fullmatch(r"[A-Za-z0-9/-]+", raw):
            _add(
                errors,
                "bill_of_lading_numbers",
                _("%(number)s is not a bill of lading number (up to 35 letters and digits).")
                % {"number": raw},
            )
        elif raw.upper() not in numbers:
            numbers.append(raw.upper())
    return numbers


def clean_attachments(files: Sequence, errors: dict, field: str = "attachments") -> list:
    """Check size and type. The type is taken from the file name, never from the client's
    claim, and must be in EXCHANGE_ATTACHMENT_TYPES."""
    cleaned = []
    limit = settings.EXCHANGE_ATTACHMENT_MAX_BYTES
    allowed = set(settings.EXCHANGE_ATTACHMENT_TYPES)
    for upload in files or []:
        name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200]
        content_type = mimetypes.guess_type(name)[0] or ""
        if upload.size > limit:
            _add(
                errors,
                field,
                _("%(name)s is too large: attachments may be at most %(limit)s MB.")
                % {"name": name, "limit": f"{limit / 1024 / 1024:g}"},
            )
        elif content_type not in allowed:
            _add(
                errors,
                field,
                _(
                    "%(name)s is not an allowed kind of file "
                    "(PDF, images, text, CSV, Word or Excel)."
                )
                % {"name": name},
            )
        else:
            cleaned.append((upload, name, content_type))
    return cleaned


def _attachments_save(*, query: Query, reply: Reply | None, files, user) -> None:
    for upload, name, content_type in files:
        attachment = Attachment(
            query=query,
            reply=reply,
            original_name=name,
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()


# --- Filing --------------------------------------------------------------------------------------


def due_at_for(priority: str, filed_at: datetime) -> datetime:
    """The due time that follows from a priority (EXCHANGE_DUE_HOURS)."""
    return filed_at + timedelta(hours=settings.EXCHANGE_DUE_HOURS[priority])


def _next_sequence(member_id: int, year: int) -> int:
    """The next reference number of ``member_id`` in ``year``: one atomic upsert, so queries
    filed at the same moment never share a number (the row stays locked until commit)."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (member_id, year, last_number) VALUES (%s, %s, 1) "
            f"ON CONFLICT (member_id, year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [member_id, year],
        )
        return cursor.fetchone()[0]


def _choice(value, choices, field: str, errors: dict, default=None):
    value = default if value in (None, "") else value
    if value not in choices.values:
        _add(
            errors,
            field,
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value or "", "choices": ", ".join(choices.values)},
        )
    return value


@transaction.atomic
def query_file(
    *,
    author,
    recipients: Iterable[str],
    subject: str,
    body: str,
    kind: str = QueryKind.REQUEST,
    priority: str = Priority.ROUTINE,
    handling_code: str = HandlingCode.H0,
    handling_restrictions: str = "",
    source_evaluation: str = SourceEvaluation.X,
    information_evaluation: str = InformationEvaluation.UNKNOWN,
    sender_member: MemberAdministration | str | None = None,
    sender_unit: ControlUnit | str | None = None,
    recipient_units: Iterable[str] = (),
    container_numbers: Iterable[str] | str = (),
    bill_of_lading_numbers: Iterable[str] | str = (),
    air_waybill_numbers: Iterable[str] | str = (),
    vessel_or_flight: str = "",
    shipper: str = "",
    consignee: str = "",
    hs_codes: Iterable[str] | str = (),
    route_countries: Iterable[str] | str = (),
    expected_arrival: datetime | None = None,
    attachments: Sequence = (),
    filed_at: datetime | None = None,
) -> Query:
    """File a query from ``sender_member`` (default: the one member the author files for) to
    the members whose codes are ``recipients``, optionally narrowed to ``recipient_units``
    (control unit codes). Checks everything first and raises one field-keyed
    ``ValidationError`` listing every problem; nothing is saved then. Alerts every focal point
    of each recipient member (and the officers of named units) once the transaction commits.
    """
    errors: dict[str, list[str]] = {}
    kind = _choice(kind, QueryKind, "kind", errors)
    priority = _choice(priority, Priority, "priority", errors)
    handling_code = _choice(handling_code, HandlingCode, "handling_code", errors)
    source_evaluation = _choice(source_evaluation, SourceEvaluation, "source_evaluation", errors)
    information_evaluation = _choice(
        str(information_evaluation) if information_evaluation is not None else None,
        InformationEvaluation,
        "information_evaluation",
        errors,
    )
    handling_restrictions = (handling_restrictions or "").strip()
    if handling_code == HandlingCode.H3 and not handling_restrictions:
        _add(errors, "handling_restrictions", _("State the restrictions that H3 stands for."))
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        _add(errors, "subject", _("Enter a subject."))
    elif len(subject) > 200:
        _add(errors, "subject", _("The subject may have at most 200 characters."))
    if not body:
        _add(errors, "body", _("Write what you ask or alert about."))

    # Sender: a member (and unit) the author may file for.
    unit = None
    if isinstance(sender_unit, str) and sender_unit:
        unit = ControlUnit.objects.filter(code=sender_unit.strip().upper()).first()
        if unit is None:
            _add(
                errors,
                "sender_unit",
                _("There is no control unit %(code)s.") % {"code": sender_unit},
            )
    elif isinstance(sender_unit, ControlUnit):
        unit = sender_unit
    member = None
    if isinstance(sender_member, MemberAdministration):
        member = sender_member
    elif isinstance(sender_member, str) and sender_member:
        member = MemberAdministration.objects.filter(code=sender_member.strip().upper()).first()
    elif unit is not None:
        member = unit.member
    else:
        filing = permissions.members_for(author, permissions.Right.FILE_QUERIES)
        if len(filing) == 1:
            member = filing[0]
    if (
        unit is None
        and member is not None
        and not permissions.has_right(author, permissions.Right.VIEW_QUERIES, member)
    ):
        # Unit officers file from their own unit.
        unit = getattr(author, "control_unit", None)
    if member is None or not permissions.may_file_query(author, member, unit):
        field = "sender_unit" if unit is not None and member is not None else "sender_member"
        _add(errors, field, _("You may not file queries on behalf of this sender."))

    # Recipients: known members of the network, other than the sender.
    codes = [c.upper() for c in _as_list(recipients)]
    recipient_members: list[MemberAdministration] = []
    if not codes:
        _add(errors, "recipients", _("Choose at least one recipient member."))
    else:
        found = {
            m.code.code: m
            for m in MemberAdministration.objects.filter(code__in=codes, status=MemberStatus.MEMBER)
        }
        unknown = [c for c in codes if c not in found]
        if unknown:
            _add(
                errors,
                "recipients",
                _("Unknown recipient: %(codes)s is not a member of the network.")
                % {"codes": ", ".join(unknown)},
            )
        for code in dict.fromkeys(codes):
            if code in found:
                if member is not None and found[code].pk == member.pk:
                    _add(errors, "recipients", _("A query cannot be addressed to its sender."))
                else:
                    recipient_members.append(found[code])
    unit_codes = [c.upper() for c in _as_list(recipient_units)]
    units_by_member: dict[int, list[ControlUnit]] = {}
    if unit_codes:
        known_units = {u.code: u for u in ControlUnit.objects.filter(code__in=unit_codes)}
        recipient_ids = {m.pk for m in recipient_members}
        for code in unit_codes:
            found_unit = known_units.get(code)
            if found_unit is None or found_unit.member_id not in recipient_ids:
                _add(
                    errors,
                    "recipient_units",
                    _("%(code)s is not a control unit of a recipient member.") % {"code": code},
                )
            else:
                units_by_member.setdefault(found_unit.member_id, []).append(found_unit)

    containers = clean_container_numbers(container_numbers, errors)
    bills = clean_bill_of_lading_numbers(bill_of_lading_numbers, errors)
    waybills = clean_air_waybill_numbers(air_waybill_numbers, errors)
    hs = clean_hs_codes(hs_codes, errors)
    route = clean_route_countries(route_countries, errors)
    files = clean_attachments(attachments, errors)
    if errors:
        raise ValidationError(errors)

    filed_at = filed_at or timezone.now()
    year = filed_at.year
    sequence = _next_sequence(member.pk, year)
    query = Query.objects.create(
        reference=f"IREN-{member.code.code}-{year}-{sequence:05d}",
        year=year,
        sequence=sequence,
        kind=kind,
        priority=priority,
        handling_code=handling_code,
        handling_restrictions=handling_restrictions,
        source_evaluation=source_evaluation,
        information_evaluation=information_evaluation,
        sender_member=member,
        sender_unit=unit,
        author=author,
        subject=subject,
        body=body,
        bill_of_lading_numbers=bills,
        air_waybill_numbers=waybills,
        vessel_or_flight=(vessel_or_flight or "").strip()[:100],
        shipper=(shipper or "").strip()[:200],
        consignee=(consignee or "").strip()[:200],
        hs_codes=hs,
        route_countries=route,
        expected_arrival=expected_arrival,
        created_at=filed_at,
        due_at=due_at_for(priority, filed_at),
    )
    QueryContainer.objects.bulk_create(
        QueryContainer(query=query, number=number, position=i)
        for i, number in enumerate(containers)
    )
    people = []
    for recipient_member in recipient_members:
        recipient = QueryRecipient.objects.create(query=query, member=recipient_member)
        named = units_by_member.get(recipient_member.pk, [])
        if named:
            recipient.control_units.set(named)
        people += permissions.query_party_people(recipient_member, [u.pk for u in named])
    _attachments_save(query=query, reply=None, files=files, user=author)
    alerts_create(query=query, event=AlertEvent.FILED, people=people)
    return query


# --- Acting in a query ---------------------------------------------------------------------------


def _lock(query: Query) -> Query:
    return Query.objects.select_for_update().get(pk=query.pk)


def _recipients_for(user, query: Query, member_code: str | None = None) -> list[QueryRecipient]:
    """The recipient rows of ``query`` the user may act for (optionally only ``member_code``)."""
    rows = query.recipients.select_related("member").prefetch_related("control_units")
    if member_code:
        rows = rows.filter(member__code=member_code.upper())
    return [
        r
        for r in rows
        if permissions.may_act_in_query(user, r.member_id, [u.pk for u in r.control_units.all()])
    ]


def _is_sender_party(user, query: Query) -> bool:
    return permissions.may_act_in_query(
        user, query.sender_member_id, [query.sender_unit_id] if query.sender_unit_id else []
    )


def _parties_except(query: Query, member_id: int | None) -> list:
    """Everyone alerted for the query's parties other than member ``member_id``."""
    people = {}
    if query.sender_member_id != member_id:
        for person in permissions.query_party_people(
            query.sender_member, [query.sender_unit_id] if query.sender_unit_id else []
        ):
            people[person.pk] = person
    for recipient in query.recipients.select_related("member").prefetch_related("control_units"):
        if recipient.member_id == member_id:
            continue
        for person in permissions.query_party_people(
            recipient.member, [u.pk for u in recipient.control_units.all()]
        ):
            people[person.pk] = person
    return list(people.values())


@transaction.atomic
def query_acknowledge(
    *, query: Query, user, member_code: str | None = None
) -> list[QueryRecipient]:
    """Acknowledge receipt for the recipient member(s) the user acts for. Acknowledging again
    changes nothing. Raises ``QueryClosed`` on a closed query, ``NotAParty`` if the user acts
    for no recipient."""
    query = _lock(query)
    if not query.is_open:
        raise QueryClosed(query)
    rows = _recipients_for(user, query, member_code)
    if not rows:
        raise NotAParty(_("Only a recipient's focal points or concerned officers may acknowledge."))
    now = timezone.now()
    changed = []
    for row in rows:
        if row.state == RecipientState.NEW:
            row.state = RecipientState.ACKNOWLEDGED
            row.acknowledged_at, row.acknowledged_by = now, user
            row.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
            changed.append(row)
    for row in changed:
        alerts_create(
            query=query,
            event=AlertEvent.ACKNOWLEDGED,
            people=_parties_except(query, row.member_id),
        )
    if changed:
        query.save(update_fields=["updated_at"])
    return rows


@transaction.atomic
def query_reply(
    *, query: Query, user, body: str, attachments: Sequence = (), member_code: str | None = None
) -> Reply:
    """Add a reply to the thread on behalf of the party the user acts for. A recipient's first
    reply acknowledges (if needed) and answers the query for that member. Alerts the other
    parties. Raises ``QueryClosed`` on a closed query (nothing is saved)."""
    query = _lock(query)
    if not query.is_open:
        raise QueryClosed(query)
    errors: dict[str, list[str]] = {}
    body = (body or "").strip()
    if not body:
        _add(errors, "body", _("Write a reply."))
    files = clean_attachments(attachments, errors)
    rows = _recipients_for(user, query, member_code)
    if rows:
        member_id = rows[0].member_id
    elif _is_sender_party(user, query):
        member_id = query.sender_member_id
    else:
        raise NotAParty(_("Only the parties to a query may reply."))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    reply = Reply.objects.create(query=query, author=user, member_id=member_id, body=body)
    _attachments_save(query=query, reply=reply, files=files, user=user)
    for row in rows:
        if row.member_id != member_id:
            continue
        if row.acknowledged_at is None:
            row.acknowledged_at, row.acknowledged_by = now, user
        if row.state != RecipientState.ANSWERED:
            row.state, row.answered_at = RecipientState.ANSWERED, now
        row.save(update_fields=["state", "acknowledged_at", "acknowledged_by", "answered_at"])
    query.save(update_fields=["updated_at"])
    alerts_create(
        query=query, event=AlertEvent.REPLY, reply=reply, people=_parties_except(query, member_id)
    )
    return reply


@transaction.atomic
def query_report_outcome(
    *, query: Query, user, outcome: str, reason: str = "", member_code: str | None = None
) -> QueryRecipient:
    """Record what came of a risk alert for the recipient member the user acts for: examined
    and nothing found, seized (the seizure report links to the query), or not examined (with a
    reason). Counts as the member's answer."""
    query = _lock(query)
    if not query.is_open:
        raise QueryClosed(query)
    errors: dict[str, list[str]] = {}
    if query.kind != QueryKind.RISK_ALERT:
        _add(errors, "outcome", _("Only a risk alert's recipients report an outcome."))
    outcome = _choice(outcome, RiskOutcome, "outcome", errors)
    reason = (reason or "").strip()
    if outcome == RiskOutcome.NOT_EXAMINED and not reason:
        _add(errors, "reason", _("Say why the consignment was not examined."))
    rows = _recipients_for(user, query, member_code)
    if not rows:
        raise NotAParty(_("Only a recipient's focal points or concerned officers report outcomes."))
    if errors:
        raise ValidationError(errors)
    row = rows[0]
    now = timezone.now()
    row.outcome, row.outcome_reason = outcome, reason
    row.outcome_reported_at, row.outcome_reported_by = now, user
    if row.acknowledged_at is None:
        row.acknowledged_at, row.acknowledged_by = now, user
    if row.state != RecipientState.ANSWERED:
        row.state, row.answered_at = RecipientState.ANSWERED, now
    row.save()
    query.save(update_fields=["updated_at"])
    alerts_create(
        query=query, event=AlertEvent.OUTCOME, people=_parties_except(query, row.member_id)
    )
    return row


@transaction.atomic
def query_close(
    *, query: Query, user, outcome: str = QueryOutcome.RESOLVED, note: str = ""
) -> Query:
    """Close the query with an outcome. Only the sender's side may close; closing a closed
    query raises ``QueryClosed``."""
    query = _lock(query)
    if not query.is_open:
        raise QueryClosed(query)
    if not _is_sender_party(user, query):
        raise NotAParty(_("Only the sender's focal points or officer may close a query."))
    errors: dict[str, list[str]] = {}
    outcome = _choice(outcome, QueryOutcome, "outcome", errors, default=QueryOutcome.RESOLVED)
    if errors:
        raise ValidationError(errors)
    query.status, query.outcome, query.outcome_note = (
        QueryStatus.CLOSED,
        outcome,
        (note or "").strip(),
    )
    query.closed_at, query.closed_by = timezone.now(), user
    query.save()
    alerts_create(
        query=query, event=AlertEvent.CLOSED, people=_parties_except(query, query.sender_member_id)
    )
    return query


# --- Deadlines -----------------------------------------------------------------------------------


@transaction.atomic
def queries_watch_deadlines(*, now: datetime | None = None) -> dict[str, int]:
    """Remind the focal points of every recipient that has not acknowledged an open urgent
    query after EXCHANGE_REMINDER_MINUTES (and again each interval), and escalate to the
    recipient's member admins once after EXCHANGE_ESCALATION_MINUTES. Safe to run twice: the
    rows are locked and stamped, so a second run finds nothing due."""
    now = now or timezone.now()
    remind_before = now - timedelta(minutes=settings.EXCHANGE_REMINDER_MINUTES)
    escalate_before = now - timedelta(minutes=settings.EXCHANGE_ESCALATION_MINUTES)
    due = (
        QueryRecipient.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            acknowledged_at__isnull=True,
            query__status=QueryStatus.OPEN,
            query__priority=Priority.URGENT,
        )
        .filter(
            Q(last_reminded_at__isnull=True, query__created_at__lte=remind_before)
            | Q(last_reminded_at__lte=remind_before)
            | Q(escalated_at__isnull=True, query__created_at__lte=escalate_before)
        )
        .select_related("query", "member")
        .prefetch_related("control_units")
    )
    reminded = escalated = 0
    for row in due:
        query = row.query
        last = row.last_reminded_at or query.created_at
        if last <= remind_before:
            alerts_create(
                query=query,
                event=AlertEvent.REMINDER,
                people=permissions.query_party_people(
                    row.member, [u.pk for u in row.control_units.all()]
                ),
            )
            row.last_reminded_at, row.reminder_count = now, row.reminder_count + 1
            reminded += 1
        if row.escalated_at is None and query.created_at <= escalate_before:
            alerts_create(
                query=query,
                event=AlertEvent.ESCALATION,
                people=permissions.query_escalation_people(row.member),
            )
            row.escalated_at = now
            escalated += 1
        row.save(update_fields=["last_reminded_at", "reminder_count", "escalated_at"])
    return {"reminded": reminded, "escalated": escalated}


# --- The outbox ----------------------------------------------------------------------------------


def alerts_create(
    *, query: Query, event: str, people: Iterable, reply: Reply | None = None
) -> list[int]:
    """Write one alert per person and channel (in-portal always, email if the person has an
    address) in the caller's transaction, and ask for delivery once it commits."""
    rows = []
    seen = set()
    for person in people:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        rows.append(
            Alert(
                recipient=person, query=query, reply=reply, event=event, channel=AlertChannel.PORTAL
            )
        )
        if person.email:
            rows.append(
                Alert(
                    recipient=person,
                    query=query,
                    reply=reply,
                    event=event,
                    channel=AlertChannel.EMAIL,
                )
            )
    if not rows:
        return []
    Alert.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: alerts_enqueue(alert_ids=ids))
    return ids


def alerts_enqueue(*, alert_ids: list[int]) -> bool:
    """Hand the alerts to the broker for delivery. Never raises: if the broker cannot be
    reached (quickly: short connect timeout, no retries) the rows stay pending and the
    periodic re-send delivers them. Returns whether the task was published."""
    from ireN.celery import app

    from .tasks import deliver_alerts

    if app.conf.task_always_eager:
        try:
            deliver_alerts.apply(kwargs={"alert_ids": alert_ids})
        except Exception:  # delivery problems are recorded on the rows; never break the caller
            logger.exception("Alert delivery failed in-process; the rows stay pending")
        return True
    timeout = settings.EXCHANGE_BROKER_CONNECT_TIMEOUT
    try:
        with app.connection_for_write(
            connect_timeout=timeout,
            transport_options={
                "max_retries": 0,
                "socket_connect_timeout": timeout,
                "socket_timeout": timeout,
                "connect_retries_timeout": timeout,
            },
        ) as conn:
            deliver_alerts.apply_async(
                kwargs={"alert_ids": alert_ids}, connection=conn, retry=False
            )
    except Exception:  # any broker failure: leave the outbox rows for the periodic re-send
        logger.warning(
            "Broker unreachable: %d alert(s) left pending for the periodic re-send",
            len(alert_ids),
            exc_info=True,
        )
        return False
    return True


def _claim(alert_id: int, now: datetime) -> bool:
    """Claim an alert for delivery with one conditional UPDATE: only one worker can win it,
    and a claim older than the lease (a worker that died) may be taken over."""
    lease = now - timedelta(seconds=settings.EXCHANGE_CLAIM_LEASE_SECONDS)
    return (
        Alert.objects.filter(pk=alert_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease))
        .update(claimed_at=now)
        == 1
    )


def alert_email_render(alert: Alert) -> EmailMessage:
    """The email for one alert: the handling code and evaluation stand first."""
    if alert.hit_id:
        from .matching import hit_email_render

        return hit_email_render(alert)
    query = alert.query
    link = settings.PORTAL_BASE_URL + reverse("exchange:detail", args=[query.pk])
    context = {"alert": alert, "query": query, "reply": alert.reply, "link": link}
    subject = " ".join(render_to_string("exchange/email/alert_subject.txt", context).split())
    body = render_to_string("exchange/email/alert.txt", context)
    return EmailMessage(subject=subject, body=body, to=[alert.recipient.email])


def alert_deliver(*, alert_id: int, mail_connection=None) -> bool:
    """Deliver one alert if nobody has: claim it, send it (email) or publish it (in-portal),
    stamp ``sent_at``. A second run finds it claimed or sent and does nothing. On failure the
    claim is released and the error recorded, so the periodic re-send tries again. Returns
    whether this call delivered it."""
    now = timezone.now()
    if not _claim(alert_id, now):
        return False
    alert = Alert.objects.select_related(
        "query__sender_member", "query__sender_unit", "recipient", "reply__member"
    ).get(pk=alert_id)
    try:
        if alert.channel == AlertChannel.EMAIL:
            message = alert_email_render(alert)
            message.connection = mail_connection
            message.send(fail_silently=False)
    except Exception as error:
        Alert.objects.filter(pk=alert_id).update(
            claimed_at=None, attempts=alert.attempts + 1, last_error=str(error)[:1000]
        )
        raise
    Alert.objects.filter(pk=alert_id).update(
        sent_at=timezone.now(), attempts=alert.attempts + 1, last_error=""
    )
    return True


def _portal_publish(alert_ids: list[int]) -> int:
    """Publish in-portal notifications: nothing leaves the database, so one conditional UPDATE
    claims and stamps them all at once (rows already sent, or claimed by a live worker, are
    left alone)."""
    now = timezone.now()
    lease = now - timedelta(seconds=settings.EXCHANGE_CLAIM_LEASE_SECONDS)
    return (
        Alert.objects.filter(pk__in=alert_ids, channel=AlertChannel.PORTAL, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease))
        .update(claimed_at=now, sent_at=now, attempts=F("attempts") + 1, last_error="")
    )


def alerts_deliver(*, alert_ids: Iterable[int], raise_errors: bool = True) -> dict[str, int]:
    """Deliver several alerts: in-portal ones first, in one statement; then the emails over one
    SMTP connection. One failing email does not stop the others; the first error is raised at
    the end so the task retries (already delivered rows are skipped then)."""
    alert_ids = list(alert_ids)
    delivered = _portal_publish(alert_ids)
    emails = list(
        Alert.objects.filter(pk__in=alert_ids, channel=AlertChannel.EMAIL, sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    failed = 0
    first_error = None
    if emails:
        mail_connection = get_connection()
        try:
            mail_connection.open()
        except OSError as error:  # the mail server is down: every email stays pending
            logger.warning("Mail server unreachable; %d email alert(s) pending", len(emails))
            failed, first_error, emails = len(emails), error, []
        for alert_id in emails:
            try:
                delivered += alert_deliver(alert_id=alert_id, mail_connection=mail_connection)
            except Exception as error:
                logger.warning("Alert %s could not be delivered: %s", alert_id, error)
                failed += 1
                first_error = first_error or error
        mail_connection.close()
    if first_error is not None and raise_errors:
        raise first_error
    return {"delivered": delivered, "failed": failed}


def alerts_resend_pending(*, older_than_seconds: int | None = None, limit: int = 1000) -> dict:
    """Deliver the alerts still pending (broker was down, worker crashed, mail server failed),
    oldest first. Freshly written rows are left to the task already queued for them."""
    if older_than_seconds is None:
        older_than_seconds = settings.EXCHANGE_RESEND_AFTER_SECONDS
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = list(
        Alert.objects.filter(sent_at__isnull=True, created_at__lte=cutoff)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return {"pending": len(pending), **alerts_deliver(alert_ids=pending, raise_errors=False)}


def notifications_mark_read(
    *, user, alert_ids: Iterable[int] | None = None, query: Query | None = None
) -> int:
    """Mark the user's in-portal notifications read (some, those of one query, or all)."""
    rows = Alert.objects.filter(recipient=user, channel=AlertChannel.PORTAL, read_at__isnull=True)
    if alert_ids is not None:
        rows = rows.filter(pk__in=list(alert_ids))
    if query is not None:
        rows = rows.filter(query=query)
    return rows.update(read_at=timezone.now())
