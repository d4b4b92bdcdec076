"""Who sees and writes risk profiles and random rates, built only on ``members.permissions``.

- A member's analysts and focal points (``manage_profiles``) write that member's profiles.
- A national profile is seen by its own member's analysts and focal points only; officers
  meet its name and reason only in the screening reasons of the notices it selects, which
  only the receiving side sees (``arrivals.permissions``).
- A network profile is seen by every member's analysts and focal points and written only by
  its owner member's.
- Network admins see counts and hit rates per member, never a profile (404 on one).
- A member's random rate is read by its analysts and focal points and set by its focal
  points.
- Anyone else, a sending member included, learns nothing of another member's profiles: not
  in lists, pages, alerts or figures. Outside the scope: 404.
"""

from __future__ import annotations

from django.db.models import Q

from members.models import MemberAdministration
from members.permissions import Right, has_right, is_network_admin, member_ids

from .models import ProfileScope, RiskProfile


def profile_member_ids(user) -> frozenset[int]:
    """Members whose profiles the user writes (and whose national profiles they see)."""
    return member_ids(user, Right.MANAGE_PROFILES)


def restrict_profiles(user, queryset=None):
    """Profiles the user may see: their members' own, and every member's network profiles.
    Deleted profiles are seen by nobody."""
    queryset = RiskProfile.objects.all() if queryset is None else queryset
    own = sorted(profile_member_ids(user))
    if not own:
        return queryset.none()
    return queryset.filter(deleted_at__isnull=True).filter(
        Q(member_id__in=own) | Q(scope=ProfileScope.NETWORK)
    )


def may_use_targeting(user) -> bool:
    """The targeting page and its navigation link."""
    return bool(profile_member_ids(user)) or may_view_network_figures(user)


def may_write_profiles(user) -> bool:
    return bool(profile_member_ids(user))


def may_write_profile(user, profile: RiskProfile) -> bool:
    """Edit, activate, delete, restore and backtest: the owner member's people only."""
    return profile.member_id in profile_member_ids(user)


def profile_owner(user, code: str | None = None) -> MemberAdministration | None:
    """The member a new profile of the user belongs to: the one named (if the user writes
    its profiles) or, when they write for one member only, that one."""
    own = profile_member_ids(user)
    members = MemberAdministration.objects.filter(pk__in=own)
    if code:
        return members.filter(code=str(code).upper()).first()
    return members.first() if len(own) == 1 else None


def may_view_network_figures(user) -> bool:
    """Per member, the number of active profiles and hit rates (no profile, no criteria)."""
    return is_network_admin(user)


# --- Random selection --------------------------------------------------------------------------


def settings_member_ids(user) -> frozenset[int]:
    """Members whose random rate the user reads: their analysts and focal points."""
    return profile_member_ids(user)


def may_set_random_rate(user, member: MemberAdministration | int) -> bool:
    """The member's focal points (they file and see every query of the member)."""
    return has_right(user, Right.FILE_QUERIES, member) and has_right(
        user, Right.VIEW_QUERIES, member
    )


def settings_member(user, code: str | None = None) -> MemberAdministration | None:
    """The member whose random rate the user asks about: the one named, or their only one."""
    own = settings_member_ids(user)
    members = MemberAdministration.objects.filter(pk__in=own)
    if code:
        return members.filter(code=str(code).upper()).first()
    if len(own) != 1:
        return None
    if getattr(user, "member_id", None) in own:
        return user.member  # read with the user, once per request
    return members.first()
