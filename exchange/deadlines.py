"""The deadline watch of urgent queries: reminders to recipients that have not acknowledged,
and escalation to their member admins. Run by a periodic task."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alerts.models import AlertEvent
from alerts.outbox import alerts_create

from . import permissions
from .models import Priority, QueryRecipient, QueryStatus


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
            Q(last_reminded_at__isnull=True, query__released_at__lte=remind_before)
            | Q(last_reminded_at__lte=remind_before)
            | Q(escalated_at__isnull=True, query__released_at__lte=escalate_before)
        )
        .select_related("query", "member")
        .prefetch_related("control_units")
    )
    reminded = escalated = 0
    for row in due:
        query = row.query
        # A held query's clock starts when it was released (its filing time otherwise).
        went_out = query.released_at or query.created_at
        last = row.last_reminded_at or went_out
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
        if row.escalated_at is None and went_out <= escalate_before:
            alerts_create(
                query=query,
                event=AlertEvent.ESCALATION,
                people=permissions.query_escalation_people(row.member),
            )
            row.escalated_at = now
            escalated += 1
        row.save(update_fields=["last_reminded_at", "reminder_count", "escalated_at"])
    return {"reminded": reminded, "escalated": escalated}
