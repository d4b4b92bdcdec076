"""Every write of an urgent query's life: filing, acknowledging, replying, reporting
outcomes, closing, and the deadline watch. Views, API, tasks and the demo call these.

Each event writes its alert rows in the same transaction (``outbox.alerts_create``) and, last,
its audit event (``auditing.query_write_record``); checks of what a query carries live in
``validators``, and who may act in ``permissions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.outbox import alerts_create
from core.exceptions import Conflict, Invalid, NotAllowed
from matching.hits import hit_ask
from matching.models import Hit, RecordType
from matching.services import identifiers_remove
from members import permissions as base_permissions
from members.models import ReleaseState
from members.releases import release_state_at_filing

from . import permissions
from .auditing import query_write_record
from .drafts import QueryDraft
from .indexing import query_index
from .models import (
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
from .validators import (
    add_error,
    clean_air_waybill_numbers,
    clean_attachments,
    clean_bill_of_lading_numbers,
    clean_choice,
    clean_container_numbers,
    clean_hs_codes,
    clean_recipients,
    clean_route_countries,
    clean_sender,
    clean_vessel_imo,
)


class QueryClosed(Conflict):
    """An action that needs an open query was attempted on a closed one (HTTP 409)."""

    def __init__(self, query: Query):
        self.query = query
        super().__init__(
            _("Query %(reference)s is closed: it no longer accepts replies or changes.")
            % {"reference": query.reference}
        )


class NotAParty(NotAllowed):
    """The user can see the query but may not act in it this way (HTTP 403)."""


def _attachments_save(*, query: Query, reply: Reply | None, files, user) -> list[Attachment]:
    saved = []
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
        saved.append(attachment)
    return saved


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


@transaction.atomic
def query_file(
    *, author, draft: QueryDraft, filed_at: datetime | None = None, asks_about: Hit | None = None
) -> Query:
    """File ``draft`` as ``author``: from its sender member (default: the one member the
    author files for) to the members whose codes are its ``recipients``, optionally narrowed
    to its ``recipient_units`` (control unit codes). Checks everything first and raises one
    field-keyed ``ValidationError`` listing every problem; nothing is saved then. Alerts every
    focal point of each recipient member (and the officers of named units) once the
    transaction commits.

    ``asks_about``: the hit this query follows up ("Ask <member>"). The hit moves to *asked*
    with this query as its follow-up, and the query raises no hit with the hit's own two
    records (it shows in the hit's history instead)."""
    d = draft
    errors: dict[str, list[str]] = {}
    kind = clean_choice(d.kind, QueryKind, "kind", errors)
    priority = clean_choice(d.priority, Priority, "priority", errors)
    handling_code = clean_choice(d.handling_code, HandlingCode, "handling_code", errors)
    source_evaluation = clean_choice(
        d.source_evaluation, SourceEvaluation, "source_evaluation", errors
    )
    information_evaluation = clean_choice(
        str(d.information_evaluation) if d.information_evaluation is not None else None,
        InformationEvaluation,
        "information_evaluation",
        errors,
    )
    handling_restrictions = (d.handling_restrictions or "").strip()
    if handling_code == HandlingCode.H3 and not handling_restrictions:
        add_error(errors, "handling_restrictions", _("State the restrictions that H3 stands for."))
    subject, body = (d.subject or "").strip(), (d.body or "").strip()
    if not subject:
        add_error(errors, "subject", _("Enter a subject."))
    elif len(subject) > 200:
        add_error(errors, "subject", _("The subject may have at most 200 characters."))
    if not body:
        add_error(errors, "body", _("Write what you ask or alert about."))

    member, unit = clean_sender(
        author=author, sender_member=d.sender_member, sender_unit=d.sender_unit, errors=errors
    )
    recipient_members, units_by_member = clean_recipients(
        recipients=d.recipients, recipient_units=d.recipient_units, sender=member, errors=errors
    )

    containers = clean_container_numbers(d.container_numbers, errors)
    bills = clean_bill_of_lading_numbers(d.bill_of_lading_numbers, errors)
    waybills = clean_air_waybill_numbers(d.air_waybill_numbers, errors)
    hs = clean_hs_codes(d.hs_codes, errors)
    route = clean_route_countries(d.route_countries, errors)
    imo = clean_vessel_imo(d.vessel_imo, errors)
    files = clean_attachments(d.attachments, errors)
    if errors:
        raise Invalid(errors)

    filed_at = filed_at or timezone.now()
    release_state = release_state_at_filing(
        member_id=member.pk, kind="query", handling_code=handling_code
    )
    held = release_state == ReleaseState.AWAITING_RELEASE
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
        vessel_or_flight=(d.vessel_or_flight or "").strip()[:100],
        vessel_imo=imo,
        exclude_from_matching=bool(d.exclude_from_matching),
        shipper=(d.shipper or "").strip()[:200],
        consignee=(d.consignee or "").strip()[:200],
        hs_codes=hs,
        route_countries=route,
        expected_arrival=d.expected_arrival,
        created_at=filed_at,
        due_at=due_at_for(priority, filed_at),
        release_state=release_state,
        released_at=None if held else filed_at,
        held_recipients=_addressing(recipient_members, units_by_member) if held else [],
    )
    QueryContainer.objects.bulk_create(
        QueryContainer(query=query, number=number, position=i)
        for i, number in enumerate(containers)
    )
    saved = _attachments_save(query=query, reply=None, files=files, user=author)
    if held:
        # Routed to nobody, indexed for nobody: only its releasers hear of it.
        alerts_create(
            query=query,
            event=AlertEvent.AWAITING_RELEASE,
            people=[p for p in base_permissions.releasers(member) if p.pk != author.pk],
        )
        query_write_record(
            action="query.file",
            user=author,
            query=query,
            attachments=saved,
            detail={"release_state": release_state},
        )
        if asks_about is not None:
            hit_ask(hit=asks_about, user=author, query=query)
        return query
    people = _route(query, recipient_members, units_by_member)
    alerts_create(query=query, event=AlertEvent.FILED, people=people)
    query_write_record(
        action="query.file",
        user=author,
        query=query,
        attachments=saved,
        parties=[member, *recipient_members],
    )
    # Its identifiers join the index and are matched, in this transaction.
    query_index(
        query=query,
        new=True,
        asks_about=asks_about,
        recipient_member_ids=[m.pk for m in recipient_members],
        containers=containers,
    )
    if asks_about is not None:
        hit_ask(hit=asks_about, user=author, query=query)
    return query


def _addressing(recipient_members, units_by_member) -> list[dict]:
    """Whom a held query goes to once released, as codes (checked again on release)."""
    return [
        {
            "member": member.code.code,
            "units": [u.code for u in units_by_member.get(member.pk, [])],
        }
        for member in recipient_members
    ]


def _route(query: Query, recipient_members, units_by_member) -> list:
    """Address ``query`` to its recipients; returns the people its filing alerts."""
    people = []
    for recipient_member in recipient_members:
        recipient = QueryRecipient.objects.create(query=query, member=recipient_member)
        named = units_by_member.get(recipient_member.pk, [])
        if named:
            recipient.control_units.set(named)
        people += permissions.query_party_people(recipient_member, [u.pk for u in named])
    return people


def _require_released(query: Query) -> None:
    """Nothing happens in a query's thread before it is released."""
    if not query.is_released:
        raise Conflict(
            _("Query %(reference)s has not been released.") % {"reference": query.reference}
        )


# --- Acting in a query ---------------------------------------------------------------------------


def _lock(query: Query) -> Query:
    return Query.objects.select_for_update().get(pk=query.pk)


def _recipients_for(user, query: Query, member_code: str | None = None) -> list[QueryRecipient]:
    """The recipient rows of ``query`` the user may act for (optionally only ``member_code``)."""
    rows = query.recipients.select_related("member").prefetch_related("control_units")
    if member_code:
        rows = rows.filter(member__code=member_code.upper())
    return permissions.query_recipients_acted_for(user, rows)


def _is_sender_party(user, query: Query) -> bool:
    return permissions.may_act_for_sender(user, query)


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
    _require_released(query)
    if not query.is_open:
        raise QueryClosed(query)
    rows = _recipients_for(user, query, member_code)
    if not rows:
        raise NotAParty(_("Only a recipient's focal points or concerned officers may acknowledge."))
    now = timezone.now()
    changed = []
    for row in rows:
        if row.awaits_acknowledgement:
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
        query_write_record(
            action="query.acknowledge",
            user=user,
            query=query,
            detail={"for": sorted(str(row.member.code) for row in changed)},
        )
    return rows


@transaction.atomic
def query_reply(
    *, query: Query, user, body: str, attachments: Sequence = (), member_code: str | None = None
) -> Reply:
    """Add a reply to the thread on behalf of the party the user acts for. A recipient's first
    reply acknowledges (if needed) and answers the query for that member. Alerts the other
    parties. Raises ``QueryClosed`` on a closed query (nothing is saved)."""
    query = _lock(query)
    _require_released(query)
    if not query.is_open:
        raise QueryClosed(query)
    errors: dict[str, list[str]] = {}
    body = (body or "").strip()
    if not body:
        add_error(errors, "body", _("Write a reply."))
    files = clean_attachments(attachments, errors)
    rows = _recipients_for(user, query, member_code)
    if rows:
        member_id = rows[0].member_id
    elif _is_sender_party(user, query):
        member_id = query.sender_member_id
    else:
        raise NotAParty(_("Only the parties to a query may reply."))
    if errors:
        raise Invalid(errors)
    now = timezone.now()
    reply = Reply.objects.create(query=query, author=user, member_id=member_id, body=body)
    saved = _attachments_save(query=query, reply=reply, files=files, user=user)
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
    query_write_record(
        action="query.reply",
        user=user,
        query=query,
        detail={
            "reply": reply.pk,
            "for": str(rows[0].member.code if rows else query.sender_member.code),
        },
        attachments=saved,
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
    _require_released(query)
    if not query.is_open:
        raise QueryClosed(query)
    errors: dict[str, list[str]] = {}
    if not query.takes_outcomes:
        add_error(errors, "outcome", _("Only a risk alert's recipients report an outcome."))
    outcome = clean_choice(outcome, RiskOutcome, "outcome", errors)
    reason = (reason or "").strip()
    if outcome == RiskOutcome.NOT_EXAMINED and not reason:
        add_error(errors, "reason", _("Say why the consignment was not examined."))
    rows = _recipients_for(user, query, member_code)
    if not rows:
        raise NotAParty(_("Only a recipient's focal points or concerned officers report outcomes."))
    if errors:
        raise Invalid(errors)
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
    query_write_record(
        action="query.outcome",
        user=user,
        query=query,
        detail={"for": str(row.member.code), "outcome": outcome},
    )
    return row


@transaction.atomic
def query_close(
    *, query: Query, user, outcome: str = QueryOutcome.RESOLVED, note: str = ""
) -> Query:
    """Close the query with an outcome. Only the sender's side may close; closing a closed
    query raises ``QueryClosed``."""
    query = _lock(query)
    _require_released(query)
    if not query.is_open:
        raise QueryClosed(query)
    if not _is_sender_party(user, query):
        raise NotAParty(_("Only the sender's focal points or officer may close a query."))
    errors: dict[str, list[str]] = {}
    outcome = clean_choice(outcome, QueryOutcome, "outcome", errors, default=QueryOutcome.RESOLVED)
    if errors:
        raise Invalid(errors)
    query.status, query.outcome, query.outcome_note = (
        QueryStatus.CLOSED,
        outcome,
        (note or "").strip(),
    )
    query.closed_at, query.closed_by = timezone.now(), user
    query.save()
    if outcome == QueryOutcome.WITHDRAWN:
        # A withdrawn query leaves the identifier index (its open hits go with it).
        identifiers_remove(record_type=RecordType.QUERY, record_id=query.pk)
    alerts_create(
        query=query, event=AlertEvent.CLOSED, people=_parties_except(query, query.sender_member_id)
    )
    query_write_record(action="query.close", user=user, query=query, detail={"outcome": outcome})
    return query
