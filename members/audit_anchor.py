"""Anchors of the audit chain: its tip, kept outside the database.

The hash chain shows a row changed or removed in the middle, but not rows removed at either
end by someone who can bypass the append-only trigger (a database superuser): what remains
still verifies. An anchor is the tip of the chain at one moment as one JSON line,
``{"id": …, "hash": …, "count": …, "at": …}`` (the newest event's id and hash, how many
events the table held up to it, when it was read). ``manage.py audit_anchor`` prints one; the
beat task ``members.audit_anchor`` writes one daily to the log and mails it to the network
admins. ``manage.py audit_verify --anchor FILE`` checks the chain against every anchor kept:
the anchored event must still be there with its hash (else events at the end were removed), and
the events up to it may have shrunk only by what a recorded ``audit.prune`` removed since.
See docs/AUDIT.md."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone

from . import permissions
from .models import AuditEvent

logger = logging.getLogger(__name__)


class AnchorFormatError(ValueError):
    """A line of an anchor file is not an anchor."""


def audit_anchor() -> dict:
    """The tip of the chain now: ``{"id", "hash", "count", "at"}``; id None and count 0 for an
    empty trail. The tip and the count are read in one statement (one snapshot), so a prune
    running at the same time cannot make them disagree."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tip.id, tip.hash, (SELECT COUNT(*) FROM {table} WHERE id <= tip.id) "
            f"FROM {table} AS tip ORDER BY tip.id DESC LIMIT 1"
        )
        row = cursor.fetchone()
    event_id, event_hash, count = row if row is not None else (None, "", 0)
    return {
        "id": event_id,
        "hash": event_hash,
        "count": count,
        "at": timezone.now().isoformat(timespec="seconds"),
    }


def anchor_line(anchor: dict) -> str:
    return json.dumps(
        {key: anchor[key] for key in ("id", "hash", "count", "at")}, separators=(", ", ": ")
    )


def anchors_parse(text: str) -> list[dict]:
    """The anchors of a file, one JSON line each (blank lines and other text around the
    JSON object, such as a log line's prefix, are skipped)."""
    anchors = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        start, end = line.find("{"), line.rfind("}")
        try:
            if start < 0 or end < start:
                raise ValueError("no JSON object")
            anchor = json.loads(line[start : end + 1])
            if not isinstance(anchor, dict):
                raise ValueError("not an object")
            event_id, count, tip_hash = anchor["id"], anchor["count"], anchor["hash"]
            if event_id is not None and (type(event_id) is not int or type(count) is not int):
                raise ValueError("id and count must be integers")
            if not isinstance(tip_hash, str):
                raise ValueError("hash must be text")
        except (ValueError, KeyError) as error:
            raise AnchorFormatError(f"line {number} is not an audit anchor ({error})") from error
        anchors.append(anchor)
    return anchors


def anchor_problem(anchor: dict) -> str | None:
    """What is wrong with the chain against one anchor, or None.

    Every event after the anchor was taken has a larger id, so the prunes recorded since are
    the ``audit.prune`` events after it. If one of them removed the anchored event, the anchor
    has served its time. Otherwise the anchored event must be there with the same hash, and
    the events up to it number the anchored count less what those prunes removed."""
    event_id = anchor["id"]
    if event_id is None:
        return None
    prunes = [
        detail or {}
        for detail in AuditEvent.objects.filter(action="audit.prune", id__gt=event_id)
        .order_by("id")
        .values_list("detail", flat=True)
    ]
    if any(int(prune.get("last_id") or 0) >= event_id for prune in prunes):
        return None
    tip = AuditEvent.objects.filter(id=event_id).values_list("hash", flat=True).first()
    taken = anchor.get("at") or "?"
    if tip is None:
        return (
            f"anchored event {event_id} (anchored at {taken}) is missing: events at the end "
            "of the chain were removed"
        )
    if tip != anchor["hash"]:
        return (
            f"anchored event {event_id} (anchored at {taken}) has another hash than anchored: "
            "the chain was rewritten from there"
        )
    pruned = sum(int(prune.get("removed") or 0) for prune in prunes)
    expected = anchor["count"] - pruned
    now = AuditEvent.objects.filter(id__lte=event_id).count()
    if now < expected:
        return (
            f"{expected - now} events up to anchored event {event_id} (anchored at {taken}) "
            f"were removed without a recorded prune: {anchor['count']} anchored, {pruned} "
            f"pruned since, {now} now"
        )
    if now > expected:
        return (
            f"{now - expected} more events up to anchored event {event_id} (anchored at "
            f"{taken}) than anchored: {anchor['count']} anchored, {pruned} pruned since, "
            f"{now} now"
        )
    return None


def audit_anchor_publish() -> dict:
    """Take an anchor, write it to the log and mail it to the active network admins (to be
    kept outside the portal: a mailbox, a ticket, a printed page). Returns it."""
    anchor = audit_anchor()
    line = anchor_line(anchor)
    logger.info("Audit anchor: %s", line)
    recipients = sorted(
        {email.lower() for email in permissions.network_admins().values_list("email", flat=True)}
        - {""}
    )
    if recipients:
        context = {"line": line, "anchor": anchor, "base_url": settings.PORTAL_BASE_URL}
        subject = render_to_string("members/email/audit_anchor_subject.txt", context).strip()
        body = render_to_string("members/email/audit_anchor.txt", context)
        send_mail(subject, body, None, recipients)
    return anchor
