"""Every email the portal sends about an alert, one function per message, each returning the
``EmailMessage`` ready to send (after healthchecks' ``hc/lib/emails.py``).

Alert mail carries no query content whatever the handling code: the reference, kind,
priority, handling code, sender and the link; the query's subject only under H0 and H1. A hit
mail names the identifier, the holding member and the month; never the holder's reference or
content. What a mail shows of a query or a hit it reads through the alert's foreign keys.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.handling import HandlingCode

from .models import Alert, AlertEvent
from .subjects import alert_subject

#: Handling codes under which the query's subject may travel in an alert's mail.
SUBJECT_IN_MAIL = frozenset({HandlingCode.H0, HandlingCode.H1})


def alert_email_render(alert: Alert) -> EmailMessage:
    """The email for one alert: what it is about and where to read it, no query content."""
    if alert.hit_id:
        return hit_email_render(alert)
    if alert.subject_type:
        return subject_email_render(alert)
    if alert.release_item_id is not None and not alert.query_id:
        return release_email_render(alert)
    query = alert.query
    link = settings.PORTAL_BASE_URL + reverse("exchange:detail", args=[query.pk])
    context = {
        "alert": alert,
        "query": query,
        "link": link,
        "show_subject": query.handling_code in SUBJECT_IN_MAIL,
    }
    subject = " ".join(render_to_string("alerts/email/alert_subject.txt", context).split())
    body = render_to_string("alerts/email/alert.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[alert.recipient.email],
        headers={"Message-ID": alert_message_id(alert)},
    )


def alert_message_id(alert: Alert) -> str:
    """One Message-ID per alert, the same on every attempt: a rare second copy (sent, then
    recording it failed) is recognisable as the same message by mail clients and servers."""
    return f"<alert-{alert.pk}@{settings.EXCHANGE_MESSAGE_ID_DOMAIN}>"


def hit_email_render(alert) -> EmailMessage:
    """The email for a hit alert: the identifier, the holding member and the month; never the
    holder's reference or content."""
    hit = alert.hit
    link = settings.PORTAL_BASE_URL + reverse("matching:hits")
    context = {"alert": alert, "hit": hit, "link": link}
    subject = " ".join(render_to_string("alerts/email/hit_subject.txt", context).split())
    body = render_to_string("alerts/email/hit.txt", context)
    return EmailMessage(subject=subject, body=body, to=[alert.recipient.email])


def subject_email_render(alert: Alert) -> EmailMessage:
    """The email for an alert about a record named by ``subject_type`` (``alerts.subjects``):
    the message of its event, from the facts its app gives."""
    from .transports import TransportError

    subject = alert_subject(alert.subject_type)
    facts = subject.facts(alert) if subject is not None else None
    if facts is None:
        raise TransportError("The alert's record no longer exists.", permanent=True)
    link = settings.PORTAL_BASE_URL + subject.link(alert)
    if alert.event == AlertEvent.ARRIVAL_OUTCOME:
        message = arrival_outcome_email_render(alert, notice=facts, link=link)
    elif alert.event == AlertEvent.PROFILE_EXPIRING:
        message = profile_expiring_email_render(alert, profile=facts, link=link)
    else:
        message = arrival_notice_email_render(alert, notice=facts, link=link)
    message.extra_headers["Message-ID"] = alert_message_id(alert)
    return message


def _arrival_email(alert, *, notice: dict, link: str, show_outcome: bool) -> EmailMessage:
    context = {"alert": alert, "notice": notice, "link": link, "show_outcome": show_outcome}
    subject = " ".join(render_to_string("alerts/email/arrival_subject.txt", context).split())
    body = render_to_string("alerts/email/arrival.txt", context)
    return EmailMessage(subject=subject, body=body, to=[alert.recipient.email])


def arrival_notice_email_render(alert, *, notice: dict, link: str) -> EmailMessage:
    """The email to the receiving side of a pre-arrival notice (a red one, at once): its
    reference, handling code, parties and expected arrival; never the screening."""
    return _arrival_email(alert, notice=notice, link=link, show_outcome=False)


def arrival_outcome_email_render(alert, *, notice: dict, link: str) -> EmailMessage:
    """The email to the sending side when the receiver recorded a notice's outcome: the
    notice's facts and the outcome; never the receiver's screening."""
    return _arrival_email(alert, notice=notice, link=link, show_outcome=True)


def release_email_render(alert) -> EmailMessage:
    """The email about an item held under a release policy that is no query (a seizure
    report, an import): what happened and the item's reference and link; no content, not the
    return note (read in the portal)."""
    link = settings.PORTAL_BASE_URL + reverse(
        "release-item", args=[alert.release_kind, alert.release_item_id]
    )
    context = {"alert": alert, "link": link}
    subject = " ".join(render_to_string("alerts/email/release_subject.txt", context).split())
    body = render_to_string("alerts/email/release.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[alert.recipient.email],
        headers={"Message-ID": alert_message_id(alert)},
    )


def profile_expiring_email_render(alert, *, profile: dict, link: str) -> EmailMessage:
    """The reminder to a risk profile's author that it expires soon: its number and end of
    validity, never its name or criteria."""
    context = {"alert": alert, "profile": profile, "link": link}
    subject = " ".join(render_to_string("alerts/email/profile_subject.txt", context).split())
    body = render_to_string("alerts/email/profile.txt", context)
    return EmailMessage(subject=subject, body=body, to=[alert.recipient.email])


def digest_email_render(person, alerts: list[Alert]) -> EmailMessage:
    """The daily digest of one person: every alert waiting for it, each with its link."""
    base = settings.PORTAL_BASE_URL
    items = []
    for alert in alerts:
        if alert.hit_id:
            link = base + reverse("matching:hits")
        elif alert.subject_type:
            link = base + alert_subject(alert.subject_type).link(alert)
        elif alert.release_item_id is not None and not alert.query_id:
            link = base + reverse("release-item", args=[alert.release_kind, alert.release_item_id])
        else:
            link = base + reverse("exchange:detail", args=[alert.query_id])
        items.append({"alert": alert, "query": alert.query, "hit": alert.hit, "link": link})
    context = {"person": person, "items": items, "count": len(items)}
    language = getattr(person, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = " ".join(render_to_string("alerts/email/digest_subject.txt", context).split())
        body = render_to_string("alerts/email/digest.txt", context)
    return EmailMessage(subject=subject, body=body, to=[person.email])
