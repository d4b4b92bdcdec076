"""The alert outbox: rows written in the event's transaction, delivered after it commits, and
re-sent by a periodic task until they are sent or given up.

- ``alerts_create`` writes one row per person and channel and enqueues delivery on commit.
- ``alert_deliver`` claims a row with one conditional UPDATE (only one worker can win it; a
  claim older than the lease may be taken over), asks the channel's transport to send it and
  records the outcome. A second run finds it claimed or sent and does nothing.
- A failure backs off exponentially (``EXCHANGE_ALERT_BACKOFF_SECONDS`` × 2^(attempts − 1)); a
  permanent failure, or ``EXCHANGE_ALERT_MAX_ATTEMPTS`` attempts, ends the row ``failed`` with
  its last error. Failed rows are never picked again unless a network admin re-sends them.
- ``alerts_resend_pending`` takes due rows oldest-due first from a partial index, so dead or
  backing-off rows never starve new ones.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from . import permissions
from .alert_preferences import alert_modes, alert_rows
from .models import Alert, AlertChannel, AlertState, Query, Reply
from .transports import TransportError, transport_for

logger = logging.getLogger(__name__)


def alerts_create(
    *, query: Query, event: str, people: Iterable, reply: Reply | None = None
) -> list[int]:
    """Write one alert per person and channel in the caller's transaction (in-portal always;
    email if the person has an address and chose "email at once", the default; see
    ``alert_preferences``), and ask for delivery once it commits."""
    rows = []
    seen = set()
    now = timezone.now()
    people = [p for p in people if not (p.pk in seen or seen.add(p.pk))]
    modes = alert_modes(people, event)
    for person in people:
        rows += alert_rows(
            person,
            modes=modes,
            query=query,
            reply=reply,
            event=event,
            created_at=now,
            next_attempt_at=now,
        )
    if not rows:
        return []
    Alert.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: alerts_enqueue(alert_ids=ids))
    return ids


def alerts_enqueue(*, alert_ids: list[int]) -> bool:
    """Hand the alerts to the broker for delivery. Never raises: if the broker cannot be
    reached (quickly: short connect timeout, no retries) the rows stay pending for the
    periodic re-send. Returns whether the task was published."""
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


def _claimable(now: datetime) -> Q:
    lease = now - timedelta(seconds=settings.EXCHANGE_CLAIM_LEASE_SECONDS)
    return Q(state=AlertState.PENDING) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease))


def alert_backoff(attempts: int) -> timedelta:
    """The wait before attempt ``attempts + 1``: the base delay doubled per failure."""
    base = settings.EXCHANGE_ALERT_BACKOFF_SECONDS
    return timedelta(seconds=base * 2 ** max(0, attempts - 1))


def _record_failure(alert: Alert, error: TransportError) -> str:
    """Release the claim and back off, or give up: returns the new state."""
    now = timezone.now()
    attempts = alert.attempts + 1
    give_up = error.permanent or attempts >= settings.EXCHANGE_ALERT_MAX_ATTEMPTS
    changes = {"attempts": attempts, "last_error": str(error.message)[:1000], "claimed_at": None}
    if give_up:
        changes.update(state=AlertState.FAILED, failed_at=now)
    else:
        changes.update(next_attempt_at=now + alert_backoff(attempts))
    Alert.objects.filter(pk=alert.pk).update(**changes)
    logger.warning(
        "Alert %s (%s) %s after attempt %d: %s",
        alert.pk,
        alert.channel,
        "failed for good" if give_up else "will be tried again",
        attempts,
        error.message,
    )
    return AlertState.FAILED if give_up else AlertState.PENDING


def alert_deliver(*, alert_id: int, transport=None) -> bool:
    """Deliver one alert if nobody has: claim it, send it through its channel's transport,
    stamp it sent, or record the failure (backing off, or ``failed``). Returns whether this
    call delivered it; never raises a ``TransportError``."""
    now = timezone.now()
    if Alert.objects.filter(_claimable(now), pk=alert_id).update(claimed_at=now) != 1:
        return False
    alert = Alert.objects.select_related(
        "query__sender_member", "query__sender_unit", "recipient"
    ).get(pk=alert_id)
    own_transport = transport is None
    transport = transport or transport_for(alert.channel)
    try:
        transport.send(alert)
    except TransportError as error:
        _record_failure(alert, error)
        return False
    except Exception as error:  # a bug or a template error: count it, as a transient failure
        logger.exception("Alert %s could not be delivered", alert_id)
        _record_failure(alert, TransportError(f"{type(error).__name__}: {error}"))
        return False
    finally:
        if own_transport:
            transport.close()
    with transaction.atomic():
        Alert.objects.filter(pk=alert_id).update(
            state=AlertState.SENT,
            sent_at=timezone.now(),
            attempts=alert.attempts + 1,
            last_error="",
        )
        transport.sent(alert)
    return True


def _portal_publish(alert_ids: list[int]) -> int:
    """In-portal notifications leave nothing to send: one conditional UPDATE claims and stamps
    them all at once (rows already sent, or claimed by a live worker, are left alone)."""
    now = timezone.now()
    return Alert.objects.filter(
        _claimable(now), pk__in=alert_ids, channel=AlertChannel.PORTAL
    ).update(
        claimed_at=now,
        sent_at=now,
        state=AlertState.SENT,
        attempts=F("attempts") + 1,
        last_error="",
    )


def alerts_deliver(*, alert_ids: Iterable[int]) -> dict[str, int]:
    """Deliver several alerts: in-portal ones in one statement, then the others channel by
    channel, each channel over one transport (one SMTP connection for all the emails). One
    failing alert does not stop the others; failures are recorded on their rows."""
    alert_ids = list(alert_ids)
    delivered = _portal_publish(alert_ids)
    by_channel: dict[str, list[int]] = defaultdict(list)
    rows = (
        Alert.objects.filter(pk__in=alert_ids, state=AlertState.PENDING)
        .exclude(channel=AlertChannel.PORTAL)
        .order_by("pk")
        .values_list("pk", "channel")
    )
    for pk, channel in rows:
        by_channel[channel].append(pk)
    failed = 0
    for channel, ids in by_channel.items():
        transport = transport_for(channel)
        try:
            for alert_id in ids:
                if alert_deliver(alert_id=alert_id, transport=transport):
                    delivered += 1
                else:
                    failed += 1
        finally:
            transport.close()
    return {"delivered": delivered, "failed": failed}


def alerts_resend_pending(
    *, older_than_seconds: int | None = None, limit: int = 1000, now: datetime | None = None
) -> dict:
    """Deliver the pending alerts that are due (broker was down, worker crashed, a transient
    failure backed off), oldest due first. Freshly written rows are left to the task already
    queued for them; failed rows are never picked."""
    if older_than_seconds is None:
        older_than_seconds = settings.EXCHANGE_RESEND_AFTER_SECONDS
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    due = list(
        Alert.objects.filter(
            state=AlertState.PENDING, next_attempt_at__lte=now, created_at__lte=cutoff
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return {"pending": len(due), **alerts_deliver(alert_ids=due)}


def alerts_failed_count(*, user) -> int:
    """How many alerts were given up (for network admins; no content)."""
    if not permissions.may_oversee_alerts(user):
        return 0
    return Alert.objects.filter(state=AlertState.FAILED).count()


@transaction.atomic
def alerts_retry_failed(*, user, alert_ids: Iterable[int] | None = None) -> int:
    """A network admin sends failed alerts again (all, or ``alert_ids``): they become pending
    with a fresh count of attempts and are enqueued once this commits. Raises ``Http404`` for
    anyone else."""
    if not permissions.may_oversee_alerts(user):
        raise Http404
    rows = Alert.objects.filter(state=AlertState.FAILED)
    if alert_ids is not None:
        rows = rows.filter(pk__in=list(alert_ids))
    ids = list(rows.select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    Alert.objects.filter(pk__in=ids).update(
        state=AlertState.PENDING,
        attempts=0,
        failed_at=None,
        claimed_at=None,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: alerts_enqueue(alert_ids=ids))
    return len(ids)


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
