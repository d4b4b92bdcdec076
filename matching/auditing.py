"""Audit events of cross-country matching: a lookup and the state changes of a hit."""

from members.audit import audit_record


def identifier_lookup_record(*, request, answer: dict) -> None:
    """``identifier.lookup``: the kind, the normalised value and how many members hold it; no
    reference and no content. The holding members are the members concerned."""
    holders = answer.get("holders", [])
    audit_record(
        action="identifier.lookup",
        request=request,
        object_type="identifier",
        members=[h["member"] for h in holders],
        detail={"kind": answer["kind"], "value": answer["value"], "holders": len(holders)},
    )


def hit_state_record(*, action: str, user, hit, detail: dict | None = None) -> None:
    """``hit.dismiss`` / ``hit.ask``: a hit of the user's member changed state (the dismissal's
    reason is free text and stays out of the trail)."""
    audit_record(
        action=action,
        actor=user,
        object_type="hit",
        object_id=hit.pk,
        members=[hit.for_member],
        detail={"state": hit.state, "kind": hit.kind, **(detail or {})},
    )
