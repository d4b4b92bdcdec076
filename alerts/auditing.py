"""Audit events of the outbox: a mail sent about an alert."""

from members.audit import audit_record

from .models import Alert
from .subjects import alert_subject


def _query_reference_and_parties(alert_id: int) -> tuple[str, list[str]]:
    """The reference and parties of an alert's query, read through the alert in one
    statement."""
    rows = Alert.objects.filter(pk=alert_id).values_list(
        "query__reference", "query__sender_member__code", "query__recipients__member__code"
    )
    references, codes = set(), set()
    for reference, sender, recipient in rows:
        if reference:
            references.add(reference)
        codes.update(c for c in (sender, recipient) if c)
    return (references.pop() if references else ""), sorted(codes)


def alert_email_sent_record(*, alert) -> None:
    """``alert.email_sent``: the portal (no actor) mailed ``alert`` to its recipient (their
    username; never their email address). The object is the alert; its reference is the
    query's, so the query's reference finds it."""
    if alert.hit_id:
        # A hit alert: the member concerned is the one the hit is for (no query reference).
        reference, members = "", [alert.hit.for_member.code.code]
    elif alert.subject_type:
        subject = alert_subject(alert.subject_type)
        reference = alert.subject_reference
        members = subject.members(alert) if subject is not None else []
    else:
        reference, members = _query_reference_and_parties(alert.pk)
    recipient = alert.recipient
    audit_record(
        action="alert.email_sent",
        system=True,
        obj=alert,
        object_reference=reference,
        members=members,
        detail={
            "recipient": recipient.get_username(),
            "event": alert.event,
            **(
                {"hit": alert.hit_id}
                if alert.hit_id
                else {alert.subject_type: alert.subject_id}
                if alert.subject_type
                else {"query": alert.query_id}
            ),
        },
    )
