"""Reads of the exchange domain. Every read of query content starts from
``exchange.permissions.restrict_queries``; alerts are only ever the user's own, about queries
the user may still see."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.query import prefetch_related_objects
from django.utils import timezone

from alerts.subjects import alert_subjects_scope
from core.identifiers import container_compact
from members import compiled
from members.models import MemberAdministration, ReleaseState
from members.permissions import may_view_network_figures
from members.releases import release_medians

from . import permissions
from .models import (
    Alert,
    AlertChannel,
    Attachment,
    Query,
    QueryContainer,
    QueryRecipient,
    QueryStatus,
    RecipientState,
    Reply,
)

PENDING_STATES = [RecipientState.NEW, RecipientState.ACKNOWLEDGED]

# Filters use ``pk IN (SELECT query_id …)``: PostgreSQL hashes the subquery once (or turns it
# into a semi-join) and keeps its cost estimate low; correlated EXISTS under OR made it plan a
# per-row subplan and switch on JIT compilation, slower than the query itself.


def _recipient_query_ids(**conditions):
    return QueryRecipient.objects.filter(**conditions).values("query_id")


def _container_query_ids(number: str):
    return QueryContainer.objects.filter(number=number).values("query_id")


def _pending_recipients():
    return QueryRecipient.objects.filter(query_id=OuterRef("pk"), state__in=PENDING_STATES)


def query_list(*, user) -> QuerySet[Query]:
    """The queries the user may see, newest first, annotated with ``awaits_answer`` (a
    recipient has yet to answer) and ``is_unread`` (the user has an unread notification about
    it), with their sender and releaser: built from the user and their rights alone (no clock).
    A page of it is given its recipients and containers, and ``is_overdue``, by
    ``query_list_prefetch``: a fixed number of SQL statements whatever the page size. Narrowed
    by ``filtersets.QueryFilterSet``."""
    queryset = _with_flags(permissions.restrict_queries(user, Query.objects.all()), user=user)
    return queryset.select_related("sender_member", "sender_unit", "released_by")


class _FirstPage(list):
    """The first rows of a list, and how many rows the whole list has (for a ``Paginator``
    asked for page 1 only)."""

    def __init__(self, rows, total: int):
        super().__init__(rows)
        self.total = total

    def count(self) -> int:  # what ``Paginator`` asks
        return self.total


def query_first_page(*, user, size: int) -> list[Query]:
    """The first ``size`` rows of ``query_list`` (unfiltered, in its order) and its number of
    rows, each read by a statement compiled once per person and rights
    (``members.compiled``): the inbox as it opens."""
    rows = compiled.instances_for(
        user, f"exchange.inbox:{size}", lambda: query_list(user=user)[:size]
    )
    total = compiled.count_for(
        user, "exchange.inbox.count", lambda: query_list(user=user).order_by().values("pk")
    )
    return _FirstPage(rows, total)


def query_list_prefetch(queries: list[Query], *, listing: bool = True) -> list[Query]:
    """``queries`` (read through ``query_list`` or ``query_get``) with their recipients (and
    each one's member) and containers, each kind in one statement compiled once per process
    (``members.compiled.prefetch``), and ``is_overdue`` decided by the clock (``overdue``).
    A list's rows read them through ``members.compiled.prefetched``; without ``listing``, as
    ``query.recipients.all()`` too."""
    compiled.prefetch(
        queries,
        "recipients",
        lambda ids: (
            QueryRecipient.objects.filter(query_id__in=ids)
            .select_related("member")
            .order_by("member__code")
        ),
        name="exchange.query_recipients",
        listing=listing,
    )
    compiled.prefetch(
        queries,
        "containers",
        lambda ids: QueryContainer.objects.filter(query_id__in=ids).order_by("position"),
        name="exchange.query_containers",
        listing=listing,
    )
    now = timezone.now()
    for query in queries:
        query.is_overdue = overdue(query, now)
    return queries


def overdue(query: Query, now) -> bool:
    """Open, past due, and a recipient has yet to answer (``awaits_answer``, annotated by
    ``query_list`` and ``query_get``)."""
    return query.status == QueryStatus.OPEN and query.due_at < now and query.awaits_answer


def _with_flags(queryset, *, user):
    """Annotate ``awaits_answer`` (a recipient has not answered) and ``is_unread`` (the user
    has an unread notification about it)."""
    return queryset.annotate(awaits_answer=Exists(_pending_recipients()), is_unread=_unread(user))


def _unread(user):
    """Whether the user has an unread notification about the query."""
    return Exists(
        Alert.objects.filter(
            query_id=OuterRef("pk"),
            recipient_id=user.pk,
            channel=AlertChannel.PORTAL,
            read_at__isnull=True,
            sent_at__isnull=False,
        )
    )


def filter_status(queryset, status: str):
    """``open``/``closed`` (the query), ``overdue`` (open, past due, a recipient has not
    answered) or a recipient state (``new``, ``acknowledged``, ``answered``: some recipient
    is in it)."""
    if status in (QueryStatus.OPEN, QueryStatus.CLOSED):
        return queryset.filter(status=status)
    if status == "overdue":
        return queryset.filter(
            status=QueryStatus.OPEN,
            due_at__lt=timezone.now(),
            pk__in=_recipient_query_ids(state__in=PENDING_STATES),
        )
    if status in RecipientState.values:
        return queryset.filter(pk__in=_recipient_query_ids(state=status))
    return queryset


def filter_counterpart(queryset, code: str):
    """Queries the member ``code`` is party to (as sender or recipient)."""
    code = (code or "").strip().upper()
    if not code:
        return queryset
    member_ids = MemberAdministration.objects.filter(code=code).values("pk")
    return queryset.filter(
        Q(sender_member_id__in=member_ids)
        | Q(pk__in=_recipient_query_ids(member_id__in=member_ids))
    )


def filter_container_number(queryset, number: str):
    number = container_compact(number)
    if not number:
        return queryset
    return queryset.filter(pk__in=_container_query_ids(number))


REFERENCE_PATTERN = re.compile(r"^IREN-[A-Z]{2}(-\d{0,4}(-\d{0,5})?)?$", re.IGNORECASE)
CONTAINER_PATTERN = re.compile(r"^[A-Z]{3}[UJZ]\d{7}$")


def filter_search(queryset, text: str):
    """One box for three searches, told apart by the shape of what was typed: a reference
    (``IREN-KZ-2026-00042``, or its beginning), an ISO 6346 container number (spaces and dashes
    ignored), or else words of the reference, subject and body. Each uses an index (the
    reference's unique index, the container numbers' index, trigram indexes on PostgreSQL)."""
    text = (text or "").strip()
    if not text:
        return queryset
    if REFERENCE_PATTERN.match(text):
        return queryset.filter(reference__istartswith=text)
    number = container_compact(text)
    if CONTAINER_PATTERN.match(number):
        return queryset.filter(pk__in=_container_query_ids(number))
    return queryset.filter(
        Q(subject__icontains=text) | Q(body__icontains=text) | Q(reference__icontains=text)
    )


def query_get(*, user, pk: int) -> Query:
    """One query the user may see, with its recipients and containers; ``Query.DoesNotExist``
    otherwise (the caller answers 404). Its statement (whether the user may see it, the query
    and its parties) is built from the user's rights and the id alone, so it is compiled once
    per person and rights (``members.compiled``), and its recipients and containers once per
    process (``query_list_prefetch``, which also decides ``is_overdue`` by the clock)."""
    found = compiled.instances_for(
        user,
        "exchange.query_get",
        lambda ids: (
            permissions.restrict_queries(user, Query.objects.filter(pk__in=ids))
            .annotate(awaits_answer=Exists(_pending_recipients()), is_unread=_unread(user))
            .select_related("sender_member", "sender_unit", "author", "released_by")
            .order_by()
        ),
        [pk],
    )
    if not found:
        raise Query.DoesNotExist
    query = query_list_prefetch(found, listing=False)[0]
    prefetch_related_objects(list(query.recipients.all()), "control_units")
    return query


def query_returned_own(*, user, pk: int) -> Query:
    """A query of the user's own that a releaser returned (to copy into a new draft);
    ``Query.DoesNotExist`` otherwise."""
    return (
        permissions.restrict_queries(user, Query.objects.all())
        .filter(author=user, release_state=ReleaseState.RETURNED)
        .prefetch_related("containers")
        .get(pk=pk)
    )


def query_thread(*, query: Query) -> list[Reply]:
    """The replies of a query the caller has already fetched through ``query_get``, oldest
    first, with their authors, members and attachments: statements that name no person,
    compiled once per process (``members.compiled.prefetch``)."""
    compiled.prefetch(
        [query],
        "replies",
        lambda ids: (
            Reply.objects.filter(query_id__in=ids)
            .select_related("author", "member")
            .order_by("created_at", "id")
        ),
        name="exchange.query_replies",
    )
    replies = list(query.replies.all())
    compiled.prefetch(
        replies,
        "attachments",
        lambda ids: Attachment.objects.filter(reply_id__in=ids),
        name="exchange.reply_attachments",
    )
    return replies


def query_attachments(*, query: Query) -> list[Attachment]:
    """The attachments of a query the caller has already fetched through ``query_get``
    (those of its replies too), oldest first."""
    compiled.prefetch(
        [query],
        "attachments",
        lambda ids: Attachment.objects.filter(query_id__in=ids).order_by("uploaded_at", "id"),
        name="exchange.query_attachments",
    )
    return list(query.attachments.all())


def attachment_get(*, user, query_pk: int, pk: int) -> Attachment:
    """An attachment of a query the user may see; ``Attachment.DoesNotExist`` otherwise."""
    visible = permissions.restrict_queries(user, Query.objects.all()).filter(pk=query_pk)
    return Attachment.objects.filter(query__in=visible).get(pk=pk, query_id=query_pk)


def notifications(*, user, unread: bool | None = None) -> QuerySet[Alert]:
    """The user's in-portal notifications (delivered ones), newest first, about queries the
    user may still see."""
    from matching.permissions import matching_member_ids

    mine = Alert.objects.filter(recipient=user, channel=AlertChannel.PORTAL, sent_at__isnull=False)
    # Hit alerts name a hit, not a query: they are the user's while the hit is their member's.
    rows = (
        permissions.restrict_query_related(user, mine.filter(hit__isnull=True, subject_type=""))
        | mine.filter(hit__for_member_id__in=matching_member_ids(user))
        # About an item held under a release policy that is no query (a seizure report, an
        # import): the person's own, naming only its reference (the item's page asks again).
        | mine.filter(query__isnull=True, hit__isnull=True, release_item_id__isnull=False)
    )
    subjects = alert_subjects_scope(user)
    if subjects is not None:
        # Alerts about records of the apps above (pre-arrival notices).
        rows = rows | mine.filter(subjects)
    if unread is True:
        rows = rows.filter(read_at__isnull=True)
    elif unread is False:
        rows = rows.filter(read_at__isnull=False)
    return rows.select_related(
        "query", "query__sender_member", "reply__member", "hit__holder_member"
    ).order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    """The number on the bell (and of ``GET /api/v1/notifications/unread-count/``): exactly
    the rows the notifications list marks unread, hit notifications included (an officer moved
    to another unit no longer counts the old unit's). Built from the user's rights alone, so
    its SQL is compiled once per person and rights (``members.compiled``)."""
    return compiled.count_for(
        user,
        "exchange.unread_count",
        lambda: notifications(user=user, unread=True).order_by().values("pk"),
    )


def queries_waiting(*, user, limit: int = 5) -> dict:
    """What waits for the user in the exchange (the home page): open queries addressed to
    them and not yet acknowledged, and overdue ones (either way), each as a count and the
    ``limit`` most pressing (earliest due first)."""
    visible = permissions.restrict_queries(user, Query.objects.all()).select_related(
        "sender_member"
    )
    unacknowledged = visible.filter(
        permissions.query_awaiting_acknowledgement_condition(user), status=QueryStatus.OPEN
    ).order_by("due_at", "id")
    overdue = filter_status(visible, "overdue").order_by("due_at", "id")
    return {
        "unacknowledged": list(unacknowledged[:limit]),
        "unacknowledged_count": unacknowledged.count(),
        "overdue": list(overdue[:limit]),
        "overdue_count": overdue.count(),
    }


def network_figures(*, user) -> list[dict]:
    """For network admins: per member, how many queries it sent and received, how many are
    open and overdue, and its mean times to acknowledge and to answer. No content."""
    if not may_view_network_figures(user):
        return []
    now = timezone.now()
    # Response times run from when the query went out (its release, when one was needed).
    ack_time = ExpressionWrapper(
        F("acknowledged_at") - F("query__released_at"), output_field=DurationField()
    )
    answer_time = ExpressionWrapper(
        F("answered_at") - F("query__released_at"), output_field=DurationField()
    )
    received = {
        row["member_id"]: row
        for row in QueryRecipient.objects.values("member_id").annotate(
            received=Count("id"),
            pending=Count(
                "id",
                filter=Q(query__status=QueryStatus.OPEN)
                & Q(state__in=[RecipientState.NEW, RecipientState.ACKNOWLEDGED]),
            ),
            overdue=Count(
                "id",
                filter=Q(query__status=QueryStatus.OPEN, query__due_at__lt=now)
                & Q(state__in=[RecipientState.NEW, RecipientState.ACKNOWLEDGED]),
            ),
            mean_ack=Avg(ack_time, filter=Q(acknowledged_at__isnull=False)),
            mean_answer=Avg(answer_time, filter=Q(answered_at__isnull=False)),
        )
    }
    sent = {
        row["sender_member_id"]: row
        # What has not left its member (awaiting release, returned) counts nowhere.
        for row in Query.objects.filter(release_state=ReleaseState.RELEASED)
        .values("sender_member_id")
        .annotate(sent=Count("id"), open=Count("id", filter=Q(status=QueryStatus.OPEN)))
    }
    medians = release_medians()
    figures = []
    for member in MemberAdministration.objects.order_by("code"):
        r = received.get(member.pk, {})
        s = sent.get(member.pk, {})
        figures.append(
            {
                "member": member.code.code,
                "name": member.display_name,
                "sent": s.get("sent", 0),
                "sent_open": s.get("open", 0),
                "received": r.get("received", 0),
                "received_pending": r.get("pending", 0),
                "received_overdue": r.get("overdue", 0),
                "mean_time_to_acknowledge": r.get("mean_ack"),
                "mean_time_to_answer": r.get("mean_answer"),
                "median_time_to_release": (
                    timedelta(seconds=medians[member.pk]) if member.pk in medians else None
                ),
            }
        )
    return figures
