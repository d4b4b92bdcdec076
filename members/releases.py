"""Release: a second person approves what leaves the country, under the member's policy.

A member's release policy (``ReleasePolicy``) lists kinds of item (``query``, ``arrival``,
``seizure``) and handling codes. An item of a listed kind, filed by anyone of the member, is
saved ``awaiting_release``: only its author and the member's releasers (``members.permissions
.may_release``) see it, it is routed to nobody and matched against nothing until a releaser
who is not its author releases it (it then goes out exactly as if just filed) or returns it
with a note (it never leaves).

This module is the base every kind builds on; it imports no app above ``members``. Each app
registers its kinds at start-up (``AppConfig.ready``) with ``release_kind_register``: how to
list its held items, find one the user may see, release it and return it. The queue, the
API and the network figures go through the registry, so a new kind (pre-arrival notices)
needs nothing here but its registration.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Invalid, NotAllowed, NotFound
from core.handling import HandlingCode

from . import compiled, permissions
from .audit import audit_record
from .models import RELEASE_POLICY_KINDS, MemberAdministration, ReleasePolicy, ReleaseState

logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class HeldItem:
    """One item as the release queue shows it: no content beyond what a releaser of its own
    member needs to pick it."""

    kind: str
    id: int
    reference: str
    member_id: int
    author_id: int | None
    author: str
    handling_code: str
    priority: str
    created_at: datetime
    release_state: str
    url: str
    summary: str = ""
    priority_label: str = ""

    @property
    def waiting_seconds(self) -> int:
        return max(0, int((timezone.now() - self.created_at).total_seconds()))


@dataclass(frozen=True)
class ReleaseKind:
    """How one kind of item is held and released; registered by the app that owns it.

    - ``awaiting(member_ids)``: its items awaiting release in those members (``HeldItem``s);
    - ``get(user, item_id)``: the item, if it is of this kind and the user may see it, else
      None (the caller answers 404);
    - ``describe(item)``: the item as a ``HeldItem``;
    - ``release(user=, item=)`` / ``return_(user=, item=, note=)``: one transaction each,
      locking the item, refusing (``Conflict``) one no longer awaiting release, recording the
      ``<kind>.release`` / ``<kind>.return`` audit event;
    - ``pending(member_ids, user_id)``: the same items not written by ``user_id``, as a
      queryset of their ``pk`` only (the header's count: one statement for every kind);
    - ``durations()``: (member id, seconds from filing to release) of released held items;
    - ``watch(now)``: optional, run by the beat task ``members.releases_watch``.
    """

    name: str
    policy_kind: str
    awaiting: Callable[[Iterable[int]], Iterable[HeldItem]]
    get: Callable[[object, int], object | None]
    describe: Callable[[object], HeldItem]
    release: Callable[..., object]
    return_: Callable[..., object]
    pending: Callable[[Iterable[int], int], object]
    durations: Callable[[], Iterable[tuple[int, float]]] = lambda: ()
    watch: Callable[[datetime], dict] | None = None
    extra: dict = field(default_factory=dict)


_kinds: dict[str, ReleaseKind] = {}


def release_durations(queryset, member_field: str) -> list[tuple[int, float]]:
    """(member id, seconds from filing to release) of the released held items in
    ``queryset`` (a kind's ``durations``)."""
    waited = ExpressionWrapper(F("released_at") - F("created_at"), output_field=DurationField())
    rows = (
        queryset.filter(released_by__isnull=False, released_at__isnull=False)
        .annotate(waited=waited)
        .values_list(member_field, "waited")
    )
    return [(member_id, waited.total_seconds()) for member_id, waited in rows]


def release_kind_register(kind: ReleaseKind) -> None:
    """Register (or replace, on a second ``ready``) the kind ``kind.name``."""
    _kinds[kind.name] = kind


def release_kinds() -> list[ReleaseKind]:
    return list(_kinds.values())


def release_kind(name: str) -> ReleaseKind:
    """The registered kind ``name``; ``NotFound`` for any other."""
    try:
        return _kinds[name]
    except KeyError:
        raise NotFound from None


# --- The policy ----------------------------------------------------------------------------------


def release_policy_get(*, member: MemberAdministration) -> dict[str, list[str]]:
    """``{"kinds": [...], "handling_codes": [...]}``; both empty when nothing is held."""
    policy = ReleasePolicy.objects.filter(member=member).first()
    if policy is None:
        return {"kinds": [], "handling_codes": []}
    return {"kinds": list(policy.kinds), "handling_codes": list(policy.handling_codes)}


def _clean_list(values, allowed, field_name: str, errors: dict) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, list | tuple):
        errors[field_name] = [_("Give a list.")]
        return []
    cleaned = []
    for value in values:
        text = str(value).strip()
        if field_name == "handling_codes":
            text = text.upper()
        else:
            text = text.lower()
        if text not in allowed:
            errors.setdefault(field_name, []).append(
                _("Unknown value: %(value)s.") % {"value": str(value)[:20]}
            )
        elif text not in cleaned:
            cleaned.append(text)
    return [v for v in allowed if v in cleaned]


@transaction.atomic
def release_policy_set(
    *, member: MemberAdministration, actor, kinds, handling_codes
) -> dict[str, list[str]]:
    """Set ``member``'s release policy, as ``actor`` (one of its own member admins). Audited
    (``release_policy.change``) and mailed to the member's focal points once committed."""
    if not permissions.may_manage_release_policy(actor, member):
        raise NotFound
    errors: dict[str, list[str]] = {}
    kinds = _clean_list(kinds, RELEASE_POLICY_KINDS, "kinds", errors)
    codes = _clean_list(handling_codes, HandlingCode.values, "handling_codes", errors)
    if errors:
        raise Invalid(errors)
    policy, _created = ReleasePolicy.objects.select_for_update().get_or_create(member=member)
    before = {"kinds": list(policy.kinds), "handling_codes": list(policy.handling_codes)}
    after = {"kinds": kinds, "handling_codes": codes}
    if before == after:
        return after
    policy.kinds, policy.handling_codes, policy.updated_by = kinds, codes, actor
    policy.save()
    audit_record(
        action="release_policy.change",
        actor=actor,
        obj=policy,
        object_reference=str(member.code),
        members=[member],
        detail={"before": before, "after": after},
    )
    _policy_change_mail(member=member, actor=actor, policy=after)
    return after


def _policy_change_mail(*, member, actor, policy: dict) -> None:
    """Tell the member's focal points that its release policy changed (after commit; a mail
    server that is down is logged, never undoes the change)."""
    recipients = sorted(
        {
            u.email.lower()
            for u in permissions.users_with_right(member, permissions.Right.RECEIVE_ALERTS)
            if u.email
        }
    )
    if not recipients:
        return
    context = {
        "member": member,
        "by": actor,
        "policy": policy,
        "base_url": settings.PORTAL_BASE_URL,
    }
    subject = " ".join(
        render_to_string("members/email/release_policy_subject.txt", context).split()
    )
    body = render_to_string("members/email/release_policy.txt", context)

    def _send():
        try:
            send_mail(subject, body, None, recipients)
        except OSError:
            logger.exception("Release-policy alert for %s could not be sent", member.code)

    transaction.on_commit(_send)


def release_required(*, member_id: int, kind: str, handling_code: str | None = None) -> bool:
    """Must an item of ``kind`` (with ``handling_code``, if the kind has one) filed for
    ``member_id`` await release? When its kind is listed, and its handling code is listed or
    the policy lists no code or the kind has none."""
    policy = ReleasePolicy.objects.filter(member_id=member_id).only("kinds", "handling_codes")
    policy = policy.first()
    if policy is None or kind not in policy.kinds:
        return False
    if not handling_code or not policy.handling_codes:
        return True
    return handling_code in policy.handling_codes


def release_state_at_filing(*, member_id: int, kind: str, handling_code: str | None = None) -> str:
    """The ``release_state`` an item is saved with."""
    if release_required(member_id=member_id, kind=kind, handling_code=handling_code):
        return ReleaseState.AWAITING_RELEASE
    return ReleaseState.RELEASED


# --- The queue and acting on it ------------------------------------------------------------------


def releases_awaiting(*, user) -> list[HeldItem]:
    """What awaits the user's release, oldest first: items of the members they release for,
    never their own."""
    member_ids = permissions.release_member_ids(user)
    if not member_ids:
        return []
    items = []
    for kind in _kinds.values():
        items += [i for i in kind.awaiting(member_ids) if i.author_id != user.pk]
    return sorted(items, key=lambda i: (i.created_at, i.kind, i.id))


def releases_count(*, user) -> int:
    """The number in the header's "To release": one COUNT over every kind's items."""
    member_ids = permissions.release_member_ids(user)
    if not member_ids or not _kinds:
        return 0

    def build():
        first, *rest = [kind.pending(member_ids, user.pk) for kind in _kinds.values()]
        return first.union(*rest, all=True) if rest else first

    # Built from the user's id and rights alone: compiled once per person and rights.
    return compiled.count_for(user, "members.releases_count", build)


def _item_for_release(*, user, kind: str, item_id: int):
    release = release_kind(kind)
    item = release.get(user, item_id)
    if item is None:
        raise NotFound
    held = release.describe(item)
    if not permissions.may_release(user, member_id=held.member_id, author_id=held.author_id):
        if held.author_id == getattr(user, "pk", None):
            raise NotAllowed(_("A second person must release what you wrote."))
        raise NotAllowed(_("You do not release this member's items."))
    return release, item


def item_release(*, user, kind: str, item_id: int):
    """Release the item: it goes out exactly as if it had just been filed. ``NotFound`` if the
    user may not see it, ``NotAllowed`` for its author or a non-releaser, ``Conflict`` if it no
    longer awaits release."""
    release, item = _item_for_release(user=user, kind=kind, item_id=item_id)
    return release.release(user=user, item=item)


def item_return(*, user, kind: str, item_id: int, note: str):
    """Return the item to its author with ``note`` (required): it never leaves."""
    note = (note or "").strip() if isinstance(note, str) else ""
    if not note:
        raise Invalid({"note": [_("Say why the item is returned.")]})
    if len(note) > NOTE_MAX_LENGTH:
        raise Invalid(
            {"note": [_("Keep the note under %(n)s characters.") % {"n": NOTE_MAX_LENGTH}]}
        )
    release, item = _item_for_release(user=user, kind=kind, item_id=item_id)
    return release.return_(user=user, item=item, note=note)


def item_release_actions(user, *, member_id: int, author_id: int | None, state: str) -> dict:
    """What an item's page offers the user: release and return buttons (a releaser of its
    member, not its author, while it awaits release)."""
    awaiting = state == ReleaseState.AWAITING_RELEASE
    allowed = awaiting and permissions.may_release(user, member_id=member_id, author_id=author_id)
    return {"release": allowed, "return": allowed}


def item_release_panel(
    user,
    *,
    kind: str,
    item,
    member_id: int | None,
    author_id: int | None,
    actionable: bool = True,
    copy_form_url: str | None = None,
) -> dict:
    """An item's release panel (``members/_release_panel.html``): its state, the releaser's
    note, who released it and when, the releaser's buttons (none when not ``actionable``: an
    item released with another, e.g. its import) and, on a returned item for its own author,
    "Copy into a new draft": ``copy_form_url`` (the kind's filing form) with ``?copy=<id>``,
    which the form pre-fills from the returned item to be filed again as a new one."""
    state = item.release_state or ReleaseState.RELEASED
    actions = item_release_actions(user, member_id=member_id, author_id=author_id, state=state)
    if not actionable:
        actions = {"release": False, "return": False}
    copy_url = None
    own = author_id is not None and author_id == getattr(user, "pk", None)
    if copy_form_url and own and state == ReleaseState.RETURNED:
        copy_url = f"{copy_form_url}?{COPY_PARAMETER}={item.pk}"
    return {
        "kind": kind,
        "id": item.pk,
        "state": state,
        "note": item.release_note,
        "released_by": item.released_by,
        "released_at": item.released_at,
        "copy_url": copy_url,
        "actions": actions,
    }


#: The filing form's query parameter naming a returned item to copy into a new draft.
COPY_PARAMETER = "copy"


# --- Figures and the watch ------------------------------------------------------------------------


def release_medians() -> dict[int, float]:
    """Per member id, the median seconds from filing to release of its held items (every
    kind together). Numbers only, no content."""
    by_member: dict[int, list[float]] = {}
    for kind in _kinds.values():
        for member_id, seconds in kind.durations():
            by_member.setdefault(member_id, []).append(float(seconds))
    return {member_id: statistics.median(values) for member_id, values in by_member.items()}


def releases_watch(*, now: datetime | None = None) -> dict[str, dict]:
    """Run every kind's watch (urgent items that still wait); safe to run twice."""
    now = now or timezone.now()
    return {kind.name: kind.watch(now) for kind in _kinds.values() if kind.watch is not None}
