"""The base of the permission layer: who may act for which member, per right.

Rights are django-guardian object permissions on ``MemberAdministration`` rows, held by the
per-member role groups (``Role``). This module turns a user into the set of members they may
act for, per right, and scopes people and units. Each other app builds its own rules on this
base in its ``permissions.py`` (``exchange.permissions`` for urgent queries); this module
imports nothing from them.

Outside a user's scope the answer is 404, never 403: a foreign country must not learn that a
record exists. ``get_object_or_404`` on a restricted queryset does exactly that.

Who may read the audit trail, and what of each event, is decided in
``members.audit_permissions``, built on this module.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Cast
from guardian.models import GroupObjectPermission

from . import caching
from .models import MemberAdministration, MemberStatus, Role, RoleName


class Right(StrEnum):
    """A right a user holds for one member (a permission codename on MemberAdministration)."""

    FILE_QUERIES = "file_queries"
    RECEIVE_ALERTS = "receive_alerts"
    VIEW_QUERIES = "view_queries"
    VIEW_UNIT_QUERIES = "view_unit_queries"
    VIEW_SEIZURES = "view_seizures"
    REPORT_SEIZURES = "report_seizures"
    MANAGE_PEOPLE = "manage_people"
    RELEASE = "release"
    MANAGE_PROFILES = "manage_profiles"


#: What each member role may do for its own member.
ROLE_RIGHTS: dict[str, frozenset[Right]] = {
    RoleName.MEMBER_ADMIN: frozenset(
        {Right.MANAGE_PEOPLE, Right.VIEW_QUERIES, Right.VIEW_SEIZURES}
    ),
    RoleName.FOCAL_POINT: frozenset(
        {
            Right.FILE_QUERIES,
            Right.RECEIVE_ALERTS,
            Right.VIEW_QUERIES,
            Right.VIEW_SEIZURES,
            Right.REPORT_SEIZURES,
            Right.RELEASE,
            Right.MANAGE_PROFILES,
        }
    ),
    RoleName.UNIT_OFFICER: frozenset(
        {Right.FILE_QUERIES, Right.VIEW_UNIT_QUERIES, Right.VIEW_SEIZURES, Right.REPORT_SEIZURES}
    ),
    RoleName.ANALYST: frozenset(
        {Right.VIEW_SEIZURES, Right.REPORT_SEIZURES, Right.MANAGE_PROFILES}
    ),
    # Given by the member's admins to the people who approve, besides the focal points, what
    # leaves the country under its release policy.
    RoleName.RELEASER: frozenset({Right.RELEASE}),
}

#: Rights network admins hold for every member. They manage people and units everywhere but
#: see no query content and no national seizure report.
NETWORK_ADMIN_RIGHTS: frozenset[Right] = frozenset({Right.MANAGE_PEOPLE})

MEMBER_ROLES = (
    RoleName.MEMBER_ADMIN,
    RoleName.FOCAL_POINT,
    RoleName.UNIT_OFFICER,
    RoleName.ANALYST,
    RoleName.RELEASER,
)

_CACHE_ATTR = "_iren_rights"


# --- Setting roles up ------------------------------------------------------------------------


def role_group_name(member: MemberAdministration | None, role: str) -> str:
    label = RoleName(role).label
    return f"{member.code} {label}" if member else f"Network {label}"


def member_roles_ensure(*, member: MemberAdministration) -> dict[str, Group]:
    """Create (or complete) the member's role groups and grant their rights on the member.

    Safe to run again: nothing is duplicated. The missing permission rows are written in one
    statement (this runs at every onboarding, every demo seed and every test member).
    """
    roles = {
        role.name: role
        for role in Role.objects.filter(member=member, name__in=MEMBER_ROLES).select_related(
            "group"
        )
    }
    groups = {}
    for role in MEMBER_ROLES:
        if role in roles:
            groups[role] = roles[role].group
            continue
        group, _ = Group.objects.get_or_create(name=role_group_name(member, role))
        Role.objects.create(group=group, member=member, name=role)
        groups[role] = group
    content_type = ContentType.objects.get_for_model(MemberAdministration)
    codenames = {right.value for role in MEMBER_ROLES for right in ROLE_RIGHTS[role]}
    permission_ids = dict(
        Permission.objects.filter(content_type=content_type, codename__in=codenames).values_list(
            "codename", "pk"
        )
    )
    existing = set(
        GroupObjectPermission.objects.filter(
            content_type=content_type,
            object_pk=str(member.pk),
            group__in=groups.values(),
        ).values_list("group_id", "permission_id")
    )
    missing = [
        GroupObjectPermission(
            group=groups[role],
            permission_id=permission_ids[right.value],
            content_type=content_type,
            object_pk=str(member.pk),
        )
        for role in MEMBER_ROLES
        for right in sorted(ROLE_RIGHTS[role])
        if (groups[role].pk, permission_ids[right.value]) not in existing
    ]
    if missing:
        GroupObjectPermission.objects.bulk_create(missing)
        caching.rights_changed()  # bulk_create sends no signal
    return groups


def network_admin_group() -> Group:
    role = Role.objects.filter(member=None, name=RoleName.NETWORK_ADMIN).first()
    if role:
        return role.group
    group, _ = Group.objects.get_or_create(name=role_group_name(None, RoleName.NETWORK_ADMIN))
    Role.objects.create(group=group, member=None, name=RoleName.NETWORK_ADMIN)
    return group


def role_group(member: MemberAdministration | None, role: str) -> Group:
    if role == RoleName.NETWORK_ADMIN:
        return network_admin_group()
    return Role.objects.select_related("group").get(member=member, name=role).group


def user_roles(user) -> list[Role]:
    """The roles a user holds, with their members."""
    return list(Role.objects.filter(group__user=user).select_related("member"))


def forget(user) -> None:
    """Drop the rights cached on a user object and in the shared cache (after their groups
    changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    caching.rights_changed()


# --- Asking -------------------------------------------------------------------------------------


def _as_rows(queryset, codename: str):
    """``queryset`` of members as (object_pk text, codename) rows, to union with guardian's."""
    return (
        queryset.order_by()
        .annotate(
            object_pk_text=Cast("pk", output_field=models.CharField()),
            codename=Value(codename, output_field=models.CharField()),
        )
        .values_list("object_pk_text", "codename")
    )


_NETWORK_PREFIX = "network:"
_SUSPENDED = "suspended"


def _rights(user) -> dict:
    """{"network_admin": bool, "suspended": bool, "member_admin_of": frozenset(member ids),
    right: frozenset(member ids)}, once per user object (per request), from the shared cache
    across requests (``members.caching``; any change of roles, rights or a member's status
    invalidates it), else in at most two queries (is the user a network admin; which rights
    for which members, whether the user's own member is suspended).

    A suspended member's people hold nothing: rights on a suspended member are left out
    (they only ever hold rights on their own member). Network admins keep theirs on every
    member, suspended or not (they may still deactivate its accounts)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return _no_rights()
    if not user.is_active:
        return _no_rights()
    result = caching.cached_rights(user, lambda: _rights_from_database(user))
    setattr(user, _CACHE_ATTR, result)
    return result


def _no_rights() -> dict:
    result: dict = {"network_admin": False, _SUSPENDED: False, "member_admin_of": frozenset()}
    for right in Right:
        result[right] = frozenset()
    return result


def _rights_from_database(user) -> dict:
    result = _no_rights()
    network_admin = (
        user.is_superuser
        or Role.objects.filter(
            group__user=user, member__isnull=True, name=RoleName.NETWORK_ADMIN
        ).exists()
    )
    result["network_admin"] = network_admin
    suspended_members = _as_rows(
        MemberAdministration.objects.filter(status=MemberStatus.SUSPENDED), ""
    ).values("object_pk_text")
    # Join the content type instead of asking ContentType's cache: one statement, always.
    rows = (
        GroupObjectPermission.objects.filter(
            group__user=user,
            content_type__app_label=MemberAdministration._meta.app_label,
            content_type__model=MemberAdministration._meta.model_name,
            permission__codename__in=[r.value for r in Right],
        )
        .exclude(object_pk__in=suspended_members)
        .values_list("object_pk", "permission__codename")
        .order_by()
    )
    member_id = getattr(user, "member_id", None)
    if member_id is not None:
        # Is the user's own member suspended? Read in the same statement.
        rows = rows.union(
            _as_rows(
                MemberAdministration.objects.filter(pk=member_id, status=MemberStatus.SUSPENDED),
                _SUSPENDED,
            ),
            all=True,
        )
    if network_admin:
        # Network admins hold their rights for every member: read the member ids in the same
        # statement.
        for right in sorted(NETWORK_ADMIN_RIGHTS):
            rows = rows.union(
                _as_rows(MemberAdministration.objects.all(), _NETWORK_PREFIX + right.value),
                all=True,
            )
    collected: dict[str, set[int]] = {r.value: set() for r in Right}
    own_manage_people: set[int] = set()
    for object_pk, codename in rows:
        if codename == _SUSPENDED:
            result[_SUSPENDED] = True
            continue
        if codename.startswith(_NETWORK_PREFIX):
            collected[codename.removeprefix(_NETWORK_PREFIX)].add(int(object_pk))
            continue
        collected[codename].add(int(object_pk))
        if codename == Right.MANAGE_PEOPLE:
            own_manage_people.add(int(object_pk))
    if result[_SUSPENDED]:
        # Belt and braces: whatever rows there were, a suspended member's people hold nothing.
        collected = {r.value: set() for r in Right}
        own_manage_people = set()
    for right in Right:
        result[right] = frozenset(collected[right.value])
    result["member_admin_of"] = frozenset(own_manage_people)
    return result


def is_suspended(user) -> bool:
    """Does the user belong to a suspended member? (They may then do nothing at all.)"""
    return _rights(user)[_SUSPENDED]


def is_network_admin(user) -> bool:
    return _rights(user)["network_admin"]


def member_ids(user, right: Right | str) -> frozenset[int]:
    """Ids of the members the user holds ``right`` for (none for a right newer than the
    user's cached rights: they are read again within ``PERMISSIONS_CACHE_SECONDS``)."""
    return _rights(user).get(Right(right), frozenset())


def members_for(user, right: Right | str) -> models.QuerySet[MemberAdministration]:
    """The members the user holds ``right`` for, as a queryset."""
    return MemberAdministration.objects.filter(pk__in=member_ids(user, right))


def has_right(user, right: Right | str, member: MemberAdministration | int | None) -> bool:
    """May ``user`` exercise ``right`` for ``member``?"""
    if member is None:
        return False
    member_id = member if isinstance(member, int) else member.pk
    return member_id in member_ids(user, right)


def has_any_member_right(user, right: Right | str) -> bool:
    return bool(member_ids(user, right))


def is_network_user(user) -> bool:
    """Anyone who belongs to the network: a network admin or a holder of any member right."""
    rights = _rights(user)
    return rights["network_admin"] or any(rights.get(r) for r in Right)


def takes_part_in_queries(user) -> bool:
    """Does the user file, read or answer urgent queries for any member or unit? (The inbox,
    the bell and the navigation ask this.)"""
    rights = _rights(user)
    return any(rights[r] for r in (Right.FILE_QUERIES, Right.VIEW_QUERIES, Right.VIEW_UNIT_QUERIES))


def may_onboard_members(user) -> bool:
    return is_network_admin(user)


def may_view_network_figures(user) -> bool:
    """Counts and response times across the network (no content)."""
    return is_network_admin(user)


def may_manage_vocabularies(user) -> bool:
    return is_network_admin(user)


# --- People: separation of duties ---------------------------------------------------------------
# Network admins hold ``manage_people`` for every member, but only to run the network: they may
# deactivate any account and appoint a member admin where a member has none. Granting or
# changing roles, and changing who a person is (username, email, unit), is for the member's
# own admins. No sequence of a network admin's actions may yield query content.


def may_suspend_members(user) -> bool:
    """Suspend and reinstate members: network admins only."""
    return is_network_admin(user)


def is_member_admin_of(user, member: MemberAdministration | int | None) -> bool:
    """Does the user manage ``member``'s people as one of its own member admins (not merely as
    a network admin)?"""
    if member is None:
        return False
    member_id = member if isinstance(member, int) else member.pk
    return member_id in member_admin_of(user)


def member_admin_of(user) -> frozenset[int]:
    """Ids of the members whose people ``user`` manages as one of their own member admins."""
    return _rights(user)["member_admin_of"]


def member_admins(member: MemberAdministration):
    """The member's own active member admins (never the network admins)."""
    return (
        get_user_model()
        .objects.filter(
            member=member,
            is_active=True,
            groups__role__member=member,
            groups__role__name=RoleName.MEMBER_ADMIN,
        )
        .distinct()
    )


def member_has_active_member_admin(member: MemberAdministration) -> bool:
    return member_admins(member).exists()


def people_manager(user, member: MemberAdministration) -> str | None:
    """How ``user`` manages ``member``'s people: ``"member_admin"`` (everything),
    ``"network_admin"`` (deactivate; appoint a member admin where there is none) or None."""
    if is_member_admin_of(user, member):
        return RoleName.MEMBER_ADMIN
    if has_right(user, Right.MANAGE_PEOPLE, member):
        return RoleName.NETWORK_ADMIN
    return None


def may_appoint_member_admin(user, member: MemberAdministration) -> bool:
    """A network admin may invite a member admin for a member that has no active one."""
    return people_manager(user, member) == RoleName.NETWORK_ADMIN and (
        not member_has_active_member_admin(member)
    )


def _is_network_admin_condition() -> Q:
    """A user who is a network admin or a superuser, as a database condition."""
    return Q(is_superuser=True) | Q(
        groups__role__member__isnull=True, groups__role__name=RoleName.NETWORK_ADMIN
    )


def network_admins():
    """Active network admins (the secretariat), superusers included."""
    return get_user_model().objects.filter(_is_network_admin_condition(), is_active=True).distinct()


def users_with_right(member: MemberAdministration, right: Right | str):
    """Active users holding ``right`` for ``member``: through their member's role groups (e.g.
    the focal points who receive its alerts) or, for the rights network admins hold
    everywhere, as network admins."""
    right = Right(right)
    if member.status == MemberStatus.SUSPENDED:
        # No alert goes to a suspended member, and its people act for nothing.
        if right not in NETWORK_ADMIN_RIGHTS:
            return get_user_model().objects.none()
        return network_admins()
    groups = GroupObjectPermission.objects.filter(
        content_type__app_label=MemberAdministration._meta.app_label,
        content_type__model=MemberAdministration._meta.model_name,
        object_pk=str(member.pk),
        permission__codename=right.value,
    ).values("group_id")
    condition = Q(groups__in=groups)
    if right in NETWORK_ADMIN_RIGHTS:
        condition |= _is_network_admin_condition()
    return get_user_model().objects.filter(condition, is_active=True).distinct()


# --- Filters for other apps -------------------------------------------------------------------


def restrict_people(user, queryset=None):
    """Users the given user may manage (their member's people; all for network admins)."""
    user_model = get_user_model()
    queryset = user_model.objects.all() if queryset is None else queryset
    return queryset.filter(member_id__in=member_ids(user, Right.MANAGE_PEOPLE))


def restrict_control_units(user, queryset=None, *, right: Right | str = Right.MANAGE_PEOPLE):
    """Control units whose member the user holds ``right`` for."""
    from .models import ControlUnit

    queryset = ControlUnit.objects.all() if queryset is None else queryset
    return queryset.filter(member_id__in=member_ids(user, right))


def grant_role(user, member: MemberAdministration | None, role: str) -> None:
    """Add ``user`` to the member's role group (creating the groups if needed)."""
    if role != RoleName.NETWORK_ADMIN and member is not None:
        member_roles_ensure(member=member)
    user.groups.add(role_group(member, role))
    forget(user)


# --- Sign-in support: unlocking an account, resetting a second factor --------------------------


def restrict_people_sign_in(user, queryset=None):
    """People whose locked account the user may unlock and whose second factor they may reset:
    the people of the members the user is a member admin of. Network admins may not (their
    security response is to deactivate an account)."""
    user_model = get_user_model()
    queryset = user_model.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    own = Role.objects.filter(group__user=user, name=RoleName.MEMBER_ADMIN).values("member_id")
    return restrict_people(user, queryset).filter(member_id__in=own)


def may_manage_sign_in(user, member: MemberAdministration) -> bool:
    """May ``user`` unlock accounts and reset second factors of ``member``'s people?"""
    if not has_right(user, Right.MANAGE_PEOPLE, member):
        return False
    return Role.objects.filter(group__user=user, name=RoleName.MEMBER_ADMIN, member=member).exists()


# The release rules live beside this module and are read through it, as every other rule.
from .release_permissions import (  # noqa: E402, F401
    held_item_condition,
    may_manage_release_policy,
    may_release,
    release_member_ids,
    releasers,
)
