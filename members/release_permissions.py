"""Release: who may approve what leaves the country (built on ``members.permissions`` and
read through it)."""

from django.db.models import Q

from .models import MemberAdministration
from .permissions import (
    _SUSPENDED,
    Right,
    _rights,
    is_member_admin_of,
    member_ids,
    users_with_right,
)


def release_member_ids(user) -> frozenset[int]:
    """Members whose held items the user may release: as one of its focal points or as a
    person its member admins gave the ``release`` right."""
    return member_ids(user, Right.RELEASE)


def may_release(user, *, member_id: int | None, author_id: int | None) -> bool:
    """May ``user`` release (or return) an item of ``member_id`` written by ``author_id``?
    A releaser of the member who is not its author: four eyes are two people, so even a
    focal point never releases their own item."""
    if member_id is None or member_id not in release_member_ids(user):
        return False
    return author_id is None or author_id != user.pk


def held_item_condition(user, *, member_field: str, author_field: str) -> Q:
    """Which items awaiting release (or returned) the user may read: their own, and those of
    the members they release for. For every other person such an item does not exist."""
    rights = _rights(user)
    if rights[_SUSPENDED] or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    condition = Q(**{author_field: user.pk})
    releasing = release_member_ids(user)
    if releasing:
        condition |= Q(**{f"{member_field}__in": releasing})
    return condition


def releasers(member: MemberAdministration):
    """Active people who release ``member``'s held items."""
    return users_with_right(member, Right.RELEASE)


def may_manage_release_policy(user, member: MemberAdministration) -> bool:
    """May ``user`` read and change ``member``'s release policy? Its own member admins only."""
    return is_member_admin_of(user, member)
