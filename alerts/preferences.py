"""Per-person alert preferences and the daily digest.

- ``alert_channels`` decides, for the people an event alerts, which rows the outbox writes:
  the in-portal row always; an email row only for "email at once"; for "daily digest" the
  portal row is marked ``digest`` and waits for ``digests_send``.
- ``digests_send`` (the beat task ``exchange.send_digests``) mails each person one message
  listing their digest rows, exactly once: the rows are claimed by one conditional UPDATE
  stamping ``digested_at`` (a second run finds nothing unclaimed), and released if the mail
  fails, so the next run sends them.
Digest mail carries what alert mail may: reference, kind, priority, handling code, sender and
link for a query; identifier, holding member, kind of record and month for a hit.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import instance_new
from core.exceptions import Invalid
from members.audit import audit_record

from .emails import digest_email_render
from .models import (
    EVENT_KINDS,
    Alert,
    AlertChannel,
    AlertKind,
    AlertMode,
    AlertPreference,
    AlertState,
)

logger = logging.getLogger(__name__)


def alert_modes(people: Iterable, event: str) -> dict[int, str]:
    """Each person's mode for ``event`` (one statement; "email at once" unless chosen)."""
    kind = EVENT_KINDS.get(event)
    ids = [p.pk for p in people]
    if kind is None or not ids:
        return {}
    return dict(
        AlertPreference.objects.filter(user_id__in=ids, event=kind).values_list("user_id", "mode")
    )


def alert_rows(person, *, modes: dict[int, str], **fields) -> list[Alert]:
    """The outbox rows for one person: portal always, email only for "email at once". The
    in-portal row is the notification: it is written already delivered, so the bell shows it
    the moment the event commits, broker or not (see ``alerts.outbox``)."""
    mode = modes.get(person.pk, AlertMode.IMMEDIATE)
    now = fields.get("created_at") or timezone.now()
    fields = {"created_at": now, "next_attempt_at": now, **fields}
    delivered = {"claimed_at": now, "sent_at": now, "state": AlertState.SENT, "attempts": 1}
    portal = {"recipient": person, "channel": AlertChannel.PORTAL, **fields, **delivered}
    rows = [instance_new(Alert, portal)]
    if mode == AlertMode.DIGEST:
        rows[0].digest = bool(person.email)
    elif mode == AlertMode.IMMEDIATE and person.email:
        rows.append(
            instance_new(Alert, {"recipient": person, "channel": AlertChannel.EMAIL, **fields})
        )
    return rows


# --- The preferences page ----------------------------------------------------------------------


def alert_preferences(*, user) -> dict[str, str]:
    """The user's mode for every kind of event."""
    chosen = dict(AlertPreference.objects.filter(user=user).values_list("event", "mode"))
    return {kind: chosen.get(kind, AlertMode.IMMEDIATE) for kind in AlertKind.values}


@transaction.atomic
def alert_preferences_set(*, user, modes: dict[str, str]) -> dict[str, str]:
    """Save the user's modes (``{kind: mode}``); raises a field-keyed ``ValidationError``."""
    errors = {}
    for kind, mode in modes.items():
        if kind not in AlertKind.values:
            errors[kind] = [_("Unknown kind of event.")]
        elif mode not in AlertMode.values:
            errors[kind] = [_("Choose in the portal only, email at once or a daily digest.")]
    if errors:
        raise Invalid(errors)
    before = alert_preferences(user=user)
    for kind, mode in modes.items():
        AlertPreference.objects.update_or_create(user=user, event=kind, defaults={"mode": mode})
    changed = {k: m for k, m in modes.items() if before.get(k) != m}
    if changed:
        audit_record(action="alert.preferences", actor=user, detail={"modes": changed})
    return alert_preferences(user=user)


# --- The daily digest --------------------------------------------------------------------------


def _claim(person_id: int, since: datetime, stamp: datetime) -> list[Alert]:
    """Claim the person's waiting digest rows with one conditional UPDATE; return the rows
    this call won (those stamped with ``stamp``)."""
    claimed = Alert.objects.filter(
        recipient_id=person_id,
        digest=True,
        digested_at__isnull=True,
        created_at__gte=since,
        created_at__lt=stamp,
    ).update(digested_at=stamp)
    if not claimed:
        return []
    return list(
        Alert.objects.filter(recipient_id=person_id, digest=True, digested_at=stamp)
        .select_related("query__sender_member", "hit__holder_member", "recipient")
        .order_by("created_at", "pk")
    )


def digests_send(*, now: datetime | None = None) -> dict[str, int]:
    """Send each person with waiting digest rows (of the last ``EXCHANGE_DIGEST_HOURS``) one
    email listing them. Returns the number of mails sent and of people whose mail failed."""
    now = now or timezone.now()
    since = now - timedelta(hours=settings.EXCHANGE_DIGEST_HOURS)
    people = list(
        Alert.objects.filter(
            digest=True, digested_at__isnull=True, created_at__gte=since, created_at__lt=now
        )
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    sent = failed = 0
    connection = get_connection()
    try:
        for person_id in people:
            alerts = _claim(person_id, since, now)
            if not alerts:
                continue  # another run took them
            person = alerts[0].recipient
            message = digest_email_render(person, alerts)
            message.connection = connection
            try:
                message.send(fail_silently=False)
            except (OSError, smtplib.SMTPException):
                logger.warning("Digest for person %s failed; released for the next run", person_id)
                Alert.objects.filter(pk__in=[a.pk for a in alerts], digested_at=now).update(
                    digested_at=None
                )
                failed += 1
                continue
            audit_record(
                action="alert.digest_sent",
                system=True,
                object_type="user",
                object_id=person_id,
                detail={"alerts": len(alerts)},  # the person is the object; no address
            )
            sent += 1
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            pass
    return {"sent": sent, "failed": failed}
