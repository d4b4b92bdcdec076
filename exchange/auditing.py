"""Audit events of the exchange, recorded through the members base
(``members.audit.audit_record``): the read paths (query page, API detail, text export,
attachment downloads), the writes of a query's life (called last in each service's
transaction) and the alert mails sent. The members concerned by a query are its sender and its
recipients."""

from members.audit import audit_record
from members.selectors import audit_access_history

from .models import Query


def query_members(query: Query) -> list[str]:
    """The query's parties, from what ``selectors.query_get`` already loaded (no SQL)."""
    return [query.sender_member.code, *(r.member.code for r in query.recipients.all())]


def query_reference_and_parties(query_id: int) -> tuple[str, list[str]]:
    """The reference and parties of a query not loaded yet, in one statement."""
    rows = Query.objects.filter(pk=query_id).values_list(
        "reference", "sender_member__code", "recipients__member__code"
    )
    references, codes = set(), set()
    for reference, sender, recipient in rows:
        references.add(reference)
        codes.update(c for c in (sender, recipient) if c)
    return (references.pop() if references else ""), sorted(codes)


def query_read_record(*, request, query: Query) -> None:
    """``query.read``: once per user and query per AUDIT_READ_DEDUPE_SECONDS."""
    audit_record(
        action="query.read", request=request, obj=query, members=query_members(query), dedupe=True
    )


def query_export_record(*, request, query: Query) -> None:
    audit_record(
        action="query.export",
        request=request,
        obj=query,
        members=query_members(query),
        detail={"format": "txt"},
    )


def attachment_download_record(*, request, attachment) -> None:
    reference, members = query_reference_and_parties(attachment.query_id)
    audit_record(
        action="attachment.download",
        request=request,
        obj=attachment,
        object_reference=reference,
        members=members,
        detail={"query": attachment.query_id},
    )


def query_access_history(*, user, query: Query):
    """Who read, downloaded or exported the query (for its sender's focal points and admins;
    None for everyone else)."""
    return audit_access_history(
        user=user,
        object_type="query",
        object_id=query.pk,
        object_reference=query.reference,
        owner_member_id=query.sender_member_id,
    )


# --- Writes (inside the services' transactions) ----------------------------------------------


def query_write_record(
    *,
    action: str,
    user,
    query: Query,
    detail: dict | None = None,
    attachments=(),
    parties: list | None = None,
) -> None:
    """One event for a write on ``query`` (``query.file``, ``query.reply``, ...) by ``user``,
    and one ``attachment.upload`` per attachment it added. The request's address, browser and
    id come from the request context. Call it last in the service's transaction. A caller
    that has just written the query and its recipients passes its ``parties`` (the members,
    sender first), and nothing is read; otherwise the reference and parties are read."""
    if parties is None:
        reference, members = query_reference_and_parties(query.pk)
    else:
        reference, members = query.reference, parties
    audit_record(
        action=action,
        actor=user,
        obj=query,
        object_reference=reference,
        members=members,
        detail=detail,
    )
    for attachment in attachments:
        audit_record(
            action="attachment.upload",
            actor=user,
            obj=attachment,
            object_reference=reference,
            members=members,
            detail={"query": query.pk, "size": attachment.size},
        )
