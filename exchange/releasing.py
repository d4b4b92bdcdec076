"""Urgent queries under a member's release policy: the ``query`` kind of ``members.releases``
(registered in ``ExchangeConfig.ready``), and the watch that keeps an urgent held query from
waiting unseen."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone

from alerts.outbox import alerts_create
from members import permissions as base
from members.models import ReleaseState
from members.permissions import member_admins
from members.releases import HeldItem, ReleaseKind

from . import services
from .models import AlertEvent, Priority, Query
from .permissions import restrict_queries


def query_held_item(query: Query) -> HeldItem:
    return HeldItem(
        kind="query",
        id=query.pk,
        reference=query.reference,
        member_id=query.sender_member_id,
        author_id=query.author_id,
        author=query.author.username,
        handling_code=query.handling_code,
        priority=query.priority,
        created_at=query.created_at,
        release_state=query.release_state,
        url=reverse("exchange:detail", args=[query.pk]),
        priority_label=str(query.get_priority_display()),
    )


def _awaiting(member_ids) -> list[HeldItem]:
    queries = (
        Query.objects.filter(
            release_state=ReleaseState.AWAITING_RELEASE, sender_member_id__in=list(member_ids)
        )
        .select_related("author")
        .order_by("created_at", "id")
    )
    return [query_held_item(q) for q in queries]


def _pending(member_ids, user_id: int):
    return (
        Query.objects.filter(
            release_state=ReleaseState.AWAITING_RELEASE, sender_member_id__in=list(member_ids)
        )
        .exclude(author_id=user_id)
        .order_by()
        .values("pk")
    )


def _get(user, item_id: int) -> Query | None:
    return restrict_queries(user).select_related("author").filter(pk=item_id).first()


def _release(*, user, item: Query) -> Query:
    return services.query_release(query=item, user=user)


def _return(*, user, item: Query, note: str) -> Query:
    return services.query_return(query=item, user=user, note=note)


def _durations():
    waited = ExpressionWrapper(F("released_at") - F("created_at"), output_field=DurationField())
    rows = (
        Query.objects.filter(released_by__isnull=False, released_at__isnull=False)
        .annotate(waited=waited)
        .values_list("sender_member_id", "waited")
    )
    return [(member_id, waited.total_seconds()) for member_id, waited in rows]


@transaction.atomic
def queries_watch_release(now: datetime | None = None) -> dict[str, int]:
    """Urgent queries still awaiting release: after RELEASE_URGENT_MINUTES alert every
    releaser of the sender again, after twice that its member admins. Each is stamped when
    sent and the rows are locked, so a second run (or a second beat) sends nothing again."""
    now = now or timezone.now()
    minutes = settings.RELEASE_URGENT_MINUTES
    remind_before = now - timedelta(minutes=minutes)
    escalate_before = now - timedelta(minutes=2 * minutes)
    due = (
        Query.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(release_state=ReleaseState.AWAITING_RELEASE, priority=Priority.URGENT)
        .filter(
            Q(release_reminded_at__isnull=True, created_at__lte=remind_before)
            | Q(release_escalated_at__isnull=True, created_at__lte=escalate_before)
        )
        .select_related("sender_member")
    )
    reminded = escalated = 0
    for query in due:
        member = query.sender_member
        if query.release_reminded_at is None and query.created_at <= remind_before:
            alerts_create(
                query=query,
                event=AlertEvent.RELEASE_REMINDER,
                people=[p for p in base.releasers(member) if p.pk != query.author_id],
            )
            query.release_reminded_at = now
            reminded += 1
        if query.release_escalated_at is None and query.created_at <= escalate_before:
            alerts_create(
                query=query, event=AlertEvent.RELEASE_ESCALATION, people=member_admins(member)
            )
            query.release_escalated_at = now
            escalated += 1
        query.save(update_fields=["release_reminded_at", "release_escalated_at"])
    return {"reminded": reminded, "escalated": escalated}


QUERY_RELEASE_KIND = ReleaseKind(
    name="query",
    policy_kind="query",
    awaiting=_awaiting,
    get=_get,
    describe=query_held_item,
    release=_release,
    return_=_return,
    pending=_pending,
    durations=_durations,
    watch=queries_watch_release,
)
