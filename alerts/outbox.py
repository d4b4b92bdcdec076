"""The alert outbox: rows written in the event's transaction, delivered after it commits, and
re-sent by a periodic task until they are sent or given up.

- ``alerts_create`` writes one row per person and channel. The in-portal row *is* the
  notification: it is written already delivered, so the bell shows it the moment the event
  commits, broker or not. The other rows (email) are enqueued for delivery on commit.
- ``alerts_deliver`` claims its rows with one locking statement (only one worker can win a
  row; a claim older than ``EXCHANGE_CLAIM_LEASE_SECONDS`` belongs to a dead worker and may be
  taken over), sends them over one connection per channel and records each outcome as soon as
  it is known. While a batch is sent, a heartbeat thread renews its claim every quarter of
  the lease, so a live worker keeps its rows however slow the mail server, and a dead one's
  go out again within a lease and a re-send period (a claim makes a row due at once).
  A second run finds them claimed or sent and does nothing.
- A failure backs off exponentially (``EXCHANGE_ALERT_BACKOFF_SECONDS`` × 2^(attempts − 1)); a
  permanent failure, or ``EXCHANGE_ALERT_MAX_ATTEMPTS`` attempts, ends the row ``failed`` with
  its last error. Failed rows are never picked again unless a network admin re-sends them.
- ``alerts_resend_pending`` takes every due, unclaimed row (oldest due first, from a partial
  index, so dead or backing-off rows never starve new ones) and hands them to the workers in
  batches of ``EXCHANGE_RESEND_BATCH_SIZE``, one task each, so that a backlog (the broker was
  down) drains at the speed of all the workers, not a fixed number a minute. A dispatched row
  is not due again for a while, so the next run does not queue it twice.

Delivery is at-least-once for email: if the SMTP server accepted a message and recording it
as sent then failed (the worker died, the database went away), the row is sent again after
its lease. Every email carries the Message-ID ``<alert-{id}@{domain}>``, so the copy is
recognisable as the same message (see docs/ALERTS.md).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from core.bulk import instances_insert

from . import permissions
from .models import Alert, AlertChannel, AlertState
from .preferences import alert_modes, alert_rows
from .transports import TransportError, transport_for

logger = logging.getLogger(__name__)


def alerts_create(*, query, event: str, people: Iterable, reply=None, **item) -> list[int]:
    """Write one alert per person and channel in the caller's transaction (in-portal always;
    email if the person has an address and chose "email at once", the default; see
    ``alert_preferences``), and ask for delivery once it commits. ``item`` names a held item
    that is no query (``release_kind``, ``release_item_id``, ``release_reference``) and a
    returned item's ``note``."""
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
            **item,
            next_attempt_at=now,
        )
    return alerts_write(rows)


def alerts_write(rows: list[Alert]) -> list[int]:
    """The one writer of the outbox: every alert (of a query, a hit, a notice) is a row made
    by ``preferences.alert_rows`` and written here, by COPY, in the caller's transaction; the
    rows to deliver are handed to the broker once it commits. Returns the rows' ids."""
    if not rows:
        return []
    instances_insert(Alert, rows)
    to_send = [row.pk for row in rows if row.state == AlertState.PENDING]
    if to_send:
        transaction.on_commit(lambda: alerts_enqueue(alert_ids=to_send))
    return [row.pk for row in rows]


def alerts_enqueue(*, alert_ids: list[int]) -> bool:
    """Hand the alerts to the broker for delivery. Never raises: if the broker cannot be
    reached (quickly: short connect timeout, no retries) the rows stay pending for the
    periodic re-send. Returns whether the task was published."""
    from celery import current_app as app  # the project's app (ireN.celery), current once loaded

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


def _mark_sent(alert: Alert, transport) -> None:
    """Stamp the alert sent; what the channel records about the delivery (the audit trail's
    ``alert.email_sent``) goes in the same transaction, or not at all."""
    with transaction.atomic():
        Alert.objects.filter(pk=alert.pk).update(
            state=AlertState.SENT,
            sent_at=timezone.now(),
            attempts=alert.attempts + 1,
            last_error="",
        )
        transport.sent(alert)


def _send_claimed(alert: Alert, transport) -> bool:
    """Send one alert this worker has claimed and record the outcome at once (the window in
    which a crash re-sends an accepted message is one UPDATE wide)."""
    try:
        transport.send(alert)
    except TransportError as error:
        _record_failure(alert, error)
        return False
    except Exception as error:  # a bug or a template error: count it, as a transient failure
        logger.exception("Alert %s could not be delivered", alert.pk)
        _record_failure(alert, TransportError(f"{type(error).__name__}: {error}"))
        return False
    _mark_sent(alert, transport)
    return True


def alert_deliver(*, alert_id: int, transport=None) -> bool:
    """Deliver one alert if nobody has: claim it, send it through its channel's transport,
    stamp it sent, or record the failure (backing off, or ``failed``). Returns whether this
    call delivered it; never raises a ``TransportError``."""
    now = timezone.now()
    claimed = Alert.objects.filter(_claimable(now), pk=alert_id)
    if claimed.update(claimed_at=now, next_attempt_at=now) != 1:
        return False
    alert = Alert.objects.select_related(
        "query__sender_member", "query__sender_unit", "recipient"
    ).get(pk=alert_id)
    own_transport = transport is None
    transport = transport or transport_for(alert.channel)
    try:
        return _send_claimed(alert, transport)
    finally:
        if own_transport:
            transport.close()


def _portal_publish(alert_ids: list[int]) -> int:
    """In-portal rows written before they were born delivered (or re-sent by an admin) leave
    nothing to send: one conditional UPDATE claims and stamps them all at once (rows already
    sent, or claimed by a live worker, are left alone)."""
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


def _claim(alert_ids: list[int]) -> tuple[datetime, list[int]]:
    """Claim those of ``alert_ids`` nobody holds, in one transaction: rows another worker is
    claiming at this very moment are skipped (PostgreSQL's SKIP LOCKED). Returns the claim's
    stamp and the ids won."""
    now = timezone.now()
    with transaction.atomic():
        won = list(
            Alert.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now), pk__in=alert_ids)
            .values_list("pk", flat=True)
        )
        if won:
            # A claim makes the row due from now: if this worker dies, the re-send takes the
            # row as soon as the claim runs out (see ``alerts_resend_pending``).
            Alert.objects.filter(_claimable(now), pk__in=won).update(
                claimed_at=now, next_attempt_at=now
            )
    return now, won


def _renew(alert_ids: list[int], stamp: datetime) -> tuple[datetime, set[int]]:
    """The claim's heartbeat: move the claim of the rows still ours (pending, claimed with
    ``stamp``) to now. Returns the new stamp and the rows still ours (a row another worker
    took over after our lease ran out is no longer)."""
    now = timezone.now()
    Alert.objects.filter(pk__in=alert_ids, state=AlertState.PENDING, claimed_at=stamp).update(
        claimed_at=now
    )
    ours = set(Alert.objects.filter(pk__in=alert_ids, claimed_at=now).values_list("pk", flat=True))
    return now, ours


class _ClaimHeartbeat(threading.Thread):
    """Renews a batch's claim every quarter of the lease while the worker sends it, whatever
    the sending is doing (a slow SMTP exchange included). It dies with its process: a dead
    worker's claim then runs out after one lease. ``ours`` is the rows still claimed by us."""

    def __init__(self, alert_ids: list[int], stamp: datetime):
        super().__init__(name="alert-claim-heartbeat", daemon=True)
        self.remaining = set(alert_ids)
        self.ours = frozenset(alert_ids)
        self.stamp = stamp
        self.stopped = threading.Event()

    def run(self) -> None:
        every = settings.EXCHANGE_CLAIM_LEASE_SECONDS / 4
        try:
            while not self.stopped.wait(every):
                try:
                    self.stamp, ours = _renew(list(self.remaining), self.stamp)
                except Exception:  # the database is away: the rows' lease runs out, that's all
                    logger.warning("Alert claim heartbeat missed", exc_info=True)
                    continue
                self.ours = frozenset(ours) | (self.ours - self.remaining)
        finally:
            connection.close()

    def sent(self, alert_id: int) -> None:
        self.remaining.discard(alert_id)

    def stop(self) -> None:
        self.stopped.set()
        if self.is_alive():
            self.join(timeout=10)


def _deliver_channel(channel: str, alert_ids: list[int]) -> tuple[int, int]:
    """Claim and send the alerts of one channel over one transport, the claim renewed by a
    heartbeat meanwhile. Returns (delivered, not delivered)."""
    stamp, won = _claim(alert_ids)
    if not won:
        return 0, len(alert_ids)
    alerts = Alert.objects.select_related(
        "query__sender_member", "query__sender_unit", "recipient"
    ).filter(pk__in=won)
    delivered = failed = 0
    heartbeat = _ClaimHeartbeat(won, stamp)
    heartbeat.start()
    transport = transport_for(channel)
    try:
        for alert in alerts.order_by("pk"):
            if alert.pk not in heartbeat.ours:  # taken over by another worker: its row now
                failed += 1
                continue
            if _send_claimed(alert, transport):
                delivered += 1
            else:
                failed += 1
            heartbeat.sent(alert.pk)
    finally:
        heartbeat.stop()
        transport.close()
    return delivered, failed + len(alert_ids) - len(won)


def alerts_deliver(*, alert_ids: Iterable[int]) -> dict[str, int]:
    """Deliver several alerts: in-portal ones in one statement, then the others channel by
    channel, each channel claimed at once and sent over one transport (one SMTP connection for
    all the emails). One failing alert does not stop the others; failures are recorded on
    their rows. ``failed`` counts those not delivered by this call (refused, deferred, or held
    by another worker)."""
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
        sent, not_sent = _deliver_channel(channel, ids)
        delivered += sent
        failed += not_sent
    return {"delivered": delivered, "failed": failed}


def alerts_resend_pending(
    *, older_than_seconds: int | None = None, limit: int | None = None, now: datetime | None = None
) -> dict:
    """Deliver the pending alerts that are due (broker was down, worker crashed, a transient
    failure backed off), oldest due first, at most ``limit`` (``EXCHANGE_RESEND_MAX_PER_RUN``)
    in one run. Freshly written rows are left to the task already queued for them (for
    ``EXCHANGE_RESEND_AFTER_SECONDS``), rows claimed by a live worker to that worker; a row
    whose claim ran out (its worker died) is due at once; failed rows are never picked.

    With a broker, the rows go out in batches of ``EXCHANGE_RESEND_BATCH_SIZE``, one delivery
    task each, for all the workers to share; each batch is pushed into the future
    (``next_attempt_at``, by the longer of the lease and ``EXCHANGE_RESEND_AFTER_SECONDS``), so
    the next run does not queue it again while it waits in the queue. Without one (in-process
    Celery) the batches are delivered here."""
    from celery import current_app as app  # the project's app (ireN.celery), current once loaded

    if older_than_seconds is None:
        older_than_seconds = settings.EXCHANGE_RESEND_AFTER_SECONDS
    if limit is None:
        limit = settings.EXCHANGE_RESEND_MAX_PER_RUN
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    # A row whose claim ran out belonged to a dead worker: due at once, however young.
    due = list(
        Alert.objects.filter(_claimable(now), next_attempt_at__lte=now)
        .filter(Q(created_at__lte=cutoff) | Q(claimed_at__isnull=False))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    size = max(1, settings.EXCHANGE_RESEND_BATCH_SIZE)
    batches = [due[start : start + size] for start in range(0, len(due), size)]
    result = {"pending": len(due), "delivered": 0, "failed": 0}
    if app.conf.task_always_eager:
        for batch in batches:
            outcome = alerts_deliver(alert_ids=batch)
            result["delivered"] += outcome["delivered"]
            result["failed"] += outcome["failed"]
        return result
    from .tasks import deliver_alerts

    dispatched_until = now + timedelta(
        seconds=max(settings.EXCHANGE_CLAIM_LEASE_SECONDS, settings.EXCHANGE_RESEND_AFTER_SECONDS)
    )
    queued = 0
    for batch in batches:
        Alert.objects.filter(pk__in=batch, state=AlertState.PENDING).update(
            next_attempt_at=dispatched_until
        )
        deliver_alerts.apply_async(kwargs={"alert_ids": batch})
        queued += 1
    result["batches"] = queued
    return result


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


def notifications_mark_read(*, user, alert_ids: Iterable[int] | None = None, query=None) -> int:
    """Mark the user's in-portal notifications read (some, those of one query, or all)."""
    rows = Alert.objects.filter(recipient=user, channel=AlertChannel.PORTAL, read_at__isnull=True)
    if alert_ids is not None:
        rows = rows.filter(pk__in=list(alert_ids))
    if query is not None:
        rows = rows.filter(query=query)
    return rows.update(read_at=timezone.now())
