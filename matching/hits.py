"""Hit states: new → seen → asked (a follow-up query was filed) → confirmed (a seizure report
links that query), or dismissed with a reason. Each service locks the hit; those a person
takes on a hit check that it is the user's member's (``matching.permissions.may_act_on_hit``).
Every change but new → seen writes its audit event in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Invalid, NotAllowed

from . import permissions as rules
from .auditing import hit_state_record
from .models import Hit, HitState


def _locked(hit: Hit, user) -> Hit:
    hit = Hit.objects.select_for_update().get(pk=hit.pk)
    if user is not None and not rules.may_act_on_hit(user, hit):
        raise NotAllowed(_("This hit is not for your member."))
    return hit


def _set_state(hit: Hit, state: str, **fields) -> Hit:
    hit.state = state
    hit.state_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(hit, name, value)
    hit.save(update_fields=["state", "state_changed_at", *fields])
    return hit


@transaction.atomic
def hit_mark_seen(*, hit: Hit, user) -> Hit:
    """new → seen (any other state stays as it is)."""
    hit = _locked(hit, user)
    if hit.state == HitState.NEW:
        _set_state(hit, HitState.SEEN)
    return hit


@transaction.atomic
def hit_ask(*, hit: Hit, user, query) -> Hit:
    """Record the follow-up query filed from the hit: new/seen/asked → asked. The query must
    come from the hit's member."""
    hit = _locked(hit, user)
    if query.sender_member_id != hit.for_member_id:
        raise Invalid({"follow_up_query": [_("The follow-up query is not your member's.")]})
    if hit.state in (HitState.CONFIRMED, HitState.DISMISSED):
        raise Invalid({"state": [_("This hit is already closed.")]})
    _set_state(hit, HitState.ASKED, follow_up_query=query)
    hit_state_record(action="hit.ask", user=user, hit=hit, detail={"follow_up_query": query.pk})
    return hit


@transaction.atomic
def hits_confirm_for_query(*, query_id: int, user, seizure_report_id: int) -> int:
    """asked → confirmed, for every hit whose follow-up query a seizure report (filed by
    ``user``) now links, each with its audit event ``hit.confirm``. Returns their number."""
    hits = list(
        Hit.objects.select_for_update(of=("self",))
        .select_related("for_member")
        .filter(follow_up_query_id=query_id, state=HitState.ASKED)
        .order_by("pk")
    )
    for hit in hits:
        _set_state(hit, HitState.CONFIRMED)
        hit_state_record(
            action="hit.confirm",
            user=user,
            hit=hit,
            detail={"follow_up_query": query_id, "seizure_report": seizure_report_id},
        )
    return len(hits)


@transaction.atomic
def hit_dismiss(*, hit: Hit, user, reason: str) -> Hit:
    """Any open state → dismissed, with a reason."""
    hit = _locked(hit, user)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("Say why the hit is dismissed.")]
    elif len(reason) > 1000:
        errors["reason"] = [_("The reason may have at most 1000 characters.")]
    if hit.state == HitState.CONFIRMED:
        errors["state"] = [_("A confirmed hit cannot be dismissed.")]
    if errors:
        raise Invalid(errors)
    _set_state(hit, HitState.DISMISSED, dismiss_reason=reason)
    hit_state_record(action="hit.dismiss", user=user, hit=hit)
    return hit
