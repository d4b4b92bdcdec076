"""Pre-arrival notices under the sending member's release policy: the ``arrival`` kind of
``members.releases``, registered in ``ArrivalsConfig.ready``.

A held notice (filed one by one or from a manifest) is read by its author and the sending
member's releasers only (``permissions.restrict_notices``); releasing it indexes, screens and
alerts it for the receiving member exactly as if just filed (``services.notice_release``).
"""

from __future__ import annotations

from django.db.models import DurationField, ExpressionWrapper, F
from django.urls import reverse

from members.models import ReleaseState
from members.releases import HeldItem, ReleaseKind

from . import services
from .models import ArrivalNotice
from .permissions import restrict_notices


def notice_held_item(notice: ArrivalNotice) -> HeldItem:
    return HeldItem(
        kind="arrival",
        id=notice.pk,
        reference=notice.reference,
        member_id=notice.from_member_id,
        author_id=notice.author_id,
        author=notice.author.username,
        handling_code=notice.handling_code,
        priority="",
        created_at=notice.created_at,
        release_state=notice.release_state,
        url=reverse("arrivals:detail", args=[notice.pk]),
    )


def _held(member_ids):
    return ArrivalNotice.objects.filter(
        release_state=ReleaseState.AWAITING_RELEASE, from_member_id__in=list(member_ids)
    )


def _awaiting(member_ids) -> list[HeldItem]:
    notices = _held(member_ids).select_related("author").order_by("created_at", "id")
    return [notice_held_item(n) for n in notices]


def _pending(member_ids, user_id: int):
    return _held(member_ids).exclude(author_id=user_id).order_by().values("pk")


def _get(user, item_id: int) -> ArrivalNotice | None:
    return restrict_notices(user).select_related("author").filter(pk=item_id).first()


def _durations():
    waited = ExpressionWrapper(F("released_at") - F("created_at"), output_field=DurationField())
    rows = (
        ArrivalNotice.objects.filter(released_by__isnull=False, released_at__isnull=False)
        .annotate(waited=waited)
        .values_list("from_member_id", "waited")
    )
    return [(member_id, waited.total_seconds()) for member_id, waited in rows]


ARRIVAL_RELEASE_KIND = ReleaseKind(
    name="arrival",
    policy_kind="arrival",
    awaiting=_awaiting,
    get=_get,
    describe=notice_held_item,
    release=lambda *, user, item: services.notice_release(notice=item, user=user),
    return_=lambda *, user, item, note: services.notice_return(notice=item, user=user, note=note),
    pending=_pending,
    durations=_durations,
)
