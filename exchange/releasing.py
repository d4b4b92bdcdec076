"""Urgent queries under a member's release policy: the ``query`` kind of ``members.releases``
(registered in ``ExchangeConfig.ready``), and the watch that keeps an urgent held query from
waiting unseen."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.outbox import alerts_create
from core.exceptions import Conflict, Invalid, NotAllowed
from matching.models import Hit
from members import permissions as base
from members.models import ReleaseState
from members.permissions import member_admins
from members.releases import HeldItem, ReleaseKind, release_durations

from . import services
from .auditing import query_write_record
from .indexing import query_index
from .models import AlertEvent, Priority, Query
from .permissions import restrict_queries
from .validators import clean_recipients

# --- Releasing and returning a held query -------------------------------------------------------


class NotAwaitingRelease(Conflict):
    """The query no longer awaits release (released or returned already): HTTP 409."""

    def __init__(self, query: Query):
        super().__init__(
            _("Query %(reference)s no longer awaits release.") % {"reference": query.reference}
        )


def _check_releaser(query: Query, user) -> None:
    if not base.may_release(user, member_id=query.sender_member_id, author_id=query.author_id):
        raise NotAllowed(_("A releaser of the sender, other than its author, releases a query."))


@transaction.atomic
def query_release(*, query: Query, user) -> Query:
    """Release a held query, as ``user`` (a releaser of its sender member who is not its
    author; ``members.releases.item_release`` checks that): it is routed exactly as if it had
    just been filed (recipients, their alerts, matching), and its due time runs from now."""
    query = (
        Query.objects.select_for_update(of=("self",))
        .select_related("sender_member")
        .get(pk=query.pk)
    )
    _check_releaser(query, user)
    if query.release_state != ReleaseState.AWAITING_RELEASE:
        raise NotAwaitingRelease(query)
    errors: dict[str, list[str]] = {}
    recipient_members, units_by_member = clean_recipients(
        recipients=[r["member"] for r in query.held_recipients],
        recipient_units=[u for r in query.held_recipients for u in r.get("units", [])],
        sender=query.sender_member,
        errors=errors,
    )
    if errors:
        raise Invalid(errors)
    now = timezone.now()
    query.release_state, query.released_at, query.released_by = ReleaseState.RELEASED, now, user
    query.due_at = services.due_at_for(query.priority, now)
    query.held_recipients = []
    query.save(
        update_fields=[
            "release_state",
            "released_at",
            "released_by",
            "due_at",
            "held_recipients",
            "updated_at",
        ]
    )
    people = services._route(query, recipient_members, units_by_member)
    alerts_create(query=query, event=AlertEvent.FILED, people=people)
    if query.author_id != user.pk:
        alerts_create(query=query, event=AlertEvent.RELEASED, people=[query.author])
    query_write_record(
        action="query.release",
        user=user,
        query=query,
        detail={"waited_seconds": int((now - query.created_at).total_seconds())},
    )
    # A query filed from a hit keeps apart from the hit's records, as at filing.
    query_index(query=query, new=True, asks_about=Hit.objects.filter(follow_up_query=query).first())
    return query


@transaction.atomic
def query_return(*, query: Query, user, note: str) -> Query:
    """Return a held query to its author with ``note``: it never leaves (the author may copy
    it into a new draft). Alerts the author."""
    query = Query.objects.select_for_update(of=("self",)).get(pk=query.pk)
    _check_releaser(query, user)
    if query.release_state != ReleaseState.AWAITING_RELEASE:
        raise NotAwaitingRelease(query)
    note = (note or "").strip()
    if not note:
        raise Invalid({"note": [_("Say why the item is returned.")]})
    query.release_state, query.release_note = ReleaseState.RETURNED, note
    query.returned_at, query.returned_by = timezone.now(), user
    query.save(
        update_fields=["release_state", "release_note", "returned_at", "returned_by", "updated_at"]
    )
    alerts_create(query=query, event=AlertEvent.RETURNED, people=[query.author], note=note)
    query_write_record(action="query.return", user=user, query=query)
    return query


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
    return query_release(query=item, user=user)


def _return(*, user, item: Query, note: str) -> Query:
    return query_return(query=item, user=user, note=note)


def _durations():
    return release_durations(Query.objects.all(), "sender_member_id")


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
