"""The one place that decides who may see or do what for which member.

Rights are django-guardian object permissions on ``MemberAdministration`` rows, held by the
per-member role groups (``Role``). This module turns a user into the set of members they may
act for, per right, and hands other apps the filters for their querysets. No view, serializer,
command or task decides country access on its own: they all ask here.

Outside a user's scope the answer is 404, never 403: a foreign country must not learn that a
record exists. ``get_object_or_404`` on a restricted queryset does exactly that.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Cast
from guardian.models import GroupObjectPermission
from guardian.shortcuts import assign_perm

from .models import MemberAdministration, Role, RoleName


class Right(StrEnum):
    """A right a user holds for one member (a permission codename on MemberAdministration)."""

    FILE_QUERIES = "file_queries"
    RECEIVE_ALERTS = "receive_alerts"
    VIEW_QUERIES = "view_queries"
    VIEW_UNIT_QUERIES = "view_unit_queries"
    VIEW_SEIZURES = "view_seizures"
    REPORT_SEIZURES = "report_seizures"
    MANAGE_PEOPLE = "manage_people"


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
        }
    ),
    RoleName.UNIT_OFFICER: frozenset(
        {Right.FILE_QUERIES, Right.VIEW_UNIT_QUERIES, Right.VIEW_SEIZURES, Right.REPORT_SEIZURES}
    ),
    RoleName.ANALYST: frozenset({Right.VIEW_SEIZURES, Right.REPORT_SEIZURES}),
}

#: Rights network admins hold for every member. They manage people and units everywhere but
#: see no query content and no national seizure report.
NETWORK_ADMIN_RIGHTS: frozenset[Right] = frozenset({Right.MANAGE_PEOPLE})

MEMBER_ROLES = (
    RoleName.MEMBER_ADMIN,
    RoleName.FOCAL_POINT,
    RoleName.UNIT_OFFICER,
    RoleName.ANALYST,
)

_CACHE_ATTR = "_iren_rights"


# --- Setting roles up ------------------------------------------------------------------------


def role_group_name(member: MemberAdministration | None, role: str) -> str:
    label = RoleName(role).label
    return f"{member.code} {label}" if member else f"Network {label}"


def member_roles_ensure(*, member: MemberAdministration) -> dict[str, Group]:
    """Create (or complete) the member's role groups and grant their rights on the member.

    Safe to run again: nothing is duplicated.
    """
    groups = {}
    for role in MEMBER_ROLES:
        existing = Role.objects.filter(member=member, name=role).select_related("group").first()
        if existing:
            group = existing.group
        else:
            group, _ = Group.objects.get_or_create(name=role_group_name(member, role))
            Role.objects.create(group=group, member=member, name=role)
        for right in ROLE_RIGHTS[role]:
            assign_perm(f"members.{right}", group, member)
        groups[role] = group
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
    """Drop the rights cached on a user object (after their groups changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# --- Asking -------------------------------------------------------------------------------------


def _rights(user) -> dict:
    """{"network_admin": bool, right: frozenset(member ids)}, computed once per user object
    in at most two queries (is the user a network admin; which rights for which members)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    result: dict = {"network_admin": False}
    for right in Right:
        result[right] = frozenset()
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return result
    if not user.is_active:
        return result
    network_admin = (
        user.is_superuser
        or Role.objects.filter(
            group__user=user, member__isnull=True, name=RoleName.NETWORK_ADMIN
        ).exists()
    )
    result["network_admin"] = network_admin
    # Join the content type instead of asking ContentType's cache: one statement, always.
    rows = (
        GroupObjectPermission.objects.filter(
            group__user=user,
            content_type__app_label=MemberAdministration._meta.app_label,
            content_type__model=MemberAdministration._meta.model_name,
            permission__codename__in=[r.value for r in Right],
        )
        .values_list("object_pk", "permission__codename")
        .order_by()
    )
    if network_admin:
        # Network admins hold their rights for every member: read the member ids in the same
        # statement.
        for right in sorted(NETWORK_ADMIN_RIGHTS):
            every_member = (
                MemberAdministration.objects.order_by()
                .annotate(
                    object_pk_text=Cast("pk", output_field=models.CharField()),
                    codename=Value(right.value, output_field=models.CharField()),
                )
                .values_list("object_pk_text", "codename")
            )
            rows = rows.union(every_member, all=True)
    collected: dict[str, set[int]] = {r.value: set() for r in Right}
    for object_pk, codename in rows:
        collected[codename].add(int(object_pk))
    for right in Right:
        result[right] = frozenset(collected[right.value])
    setattr(user, _CACHE_ATTR, result)
    return result


def is_network_admin(user) -> bool:
    return _rights(user)["network_admin"]


def member_ids(user, right: Right | str) -> frozenset[int]:
    """Ids of the members the user holds ``right`` for."""
    return _rights(user)[Right(right)]


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
    return rights["network_admin"] or any(rights[r] for r in Right)


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


def users_with_right(member: MemberAdministration, right: Right | str):
    """Active users holding ``right`` for ``member``: through their member's role groups (e.g.
    the focal points who receive its alerts) or, for the rights network admins hold
    everywhere, as network admins."""
    right = Right(right)
    groups = GroupObjectPermission.objects.filter(
        content_type__app_label=MemberAdministration._meta.app_label,
        content_type__model=MemberAdministration._meta.model_name,
        object_pk=str(member.pk),
        permission__codename=right.value,
    ).values("group_id")
    condition = Q(groups__in=groups)
    if right in NETWORK_ADMIN_RIGHTS:
        condition |= Q(is_superuser=True) | Q(
            groups__role__member__isnull=True, groups__role__name=RoleName.NETWORK_ADMIN
        )
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


def restrict_queries(user, queryset=None):
    """Urgent queries the user may read: those whose sender or a recipient is a member the
    user holds ``view_queries`` for, plus, for unit officers, those naming their unit as sender
    unit or recipient unit. Network admins get none (they see figures, not content)."""
    from exchange.models import Query, QueryRecipient

    queryset = Query.objects.all() if queryset is None else queryset
    member_scope = member_ids(user, Right.VIEW_QUERIES)
    # ``pk IN (SELECT query_id …)`` rather than a correlated EXISTS: PostgreSQL hashes the
    # subquery once, and its cost estimate stays low enough not to trigger JIT compilation
    # (which cost more than the query itself on 100,000 queries; see docs/PERFORMANCE.md).
    condition = Q(sender_member_id__in=member_scope) | Q(
        pk__in=QueryRecipient.objects.filter(member_id__in=member_scope).values("query_id")
    )
    unit_id = getattr(user, "control_unit_id", None)
    unit_member_id = getattr(user, "member_id", None)
    if unit_id and has_right(user, Right.VIEW_UNIT_QUERIES, unit_member_id):
        condition |= Q(sender_unit_id=unit_id) | Q(
            pk__in=QueryRecipient.objects.filter(control_units=unit_id).values("query_id")
        )
    if not member_scope and not unit_id:
        return queryset.none()
    return queryset.filter(condition)


def restrict_query_related(user, queryset):
    """Rows of a model with a ``query`` foreign key (alerts, replies, attachments) whose query
    the user may read, by the rule of ``restrict_queries``. Written on the foreign key alone
    (two id lists, each from an index) so a user's few rows never make the database read
    every query."""
    from exchange.models import Query, QueryRecipient

    member_scope = member_ids(user, Right.VIEW_QUERIES)
    sent = Query.objects.filter(sender_member_id__in=member_scope).values("pk")
    received = QueryRecipient.objects.filter(member_id__in=member_scope).values("query_id")
    condition = Q(query_id__in=sent) | Q(query_id__in=received)
    unit_id = getattr(user, "control_unit_id", None)
    if unit_id and has_right(user, Right.VIEW_UNIT_QUERIES, getattr(user, "member_id", None)):
        condition |= Q(query_id__in=Query.objects.filter(sender_unit_id=unit_id).values("pk")) | Q(
            query_id__in=QueryRecipient.objects.filter(control_units=unit_id).values("query_id")
        )
    if not member_scope and not unit_id:
        return queryset.none()
    return queryset.filter(condition)


def restrict_seizures(user, queryset=None):
    """Seizure reports the user may read: all of their own members' reports, and the reports
    other members share with the network. ``national`` reports never leave their member."""
    from seizures.models import SeizureReport

    queryset = SeizureReport.objects.all() if queryset is None else queryset
    if not is_network_user(user):
        return queryset.none()
    own = member_ids(user, Right.VIEW_SEIZURES)
    return queryset.filter(Q(reporting_member_id__in=own) | Q(sharing="network"))


def operation_coordinator_member_ids(user) -> frozenset[int]:
    """Members on whose behalf the user may create and coordinate joint operations: as one of
    the member's focal points or member admins; network admins for every member."""
    if is_network_admin(user):
        return frozenset(MemberAdministration.objects.values_list("pk", flat=True))
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return frozenset(
        Role.objects.filter(
            group__user=user,
            member__isnull=False,
            name__in=[RoleName.FOCAL_POINT, RoleName.MEMBER_ADMIN],
        ).values_list("member_id", flat=True)
    )


def may_create_operations(user) -> bool:
    return is_network_admin(user) or bool(operation_coordinator_member_ids(user))


def grant_role(user, member: MemberAdministration | None, role: str) -> None:
    """Add ``user`` to the member's role group (creating the groups if needed)."""
    if role != RoleName.NETWORK_ADMIN and member is not None:
        member_roles_ensure(member=member)
    user.groups.add(role_group(member, role))
    forget(user)


# --- Exchange: who may act in an urgent query, who is alerted -----------------------------------
# Reading a query is decided by ``restrict_queries`` above; these decide acting on one the user
# can already see.


def may_file_query(user, member, unit=None) -> bool:
    """May ``user`` file a query on behalf of ``member`` (and ``unit``)? Focal points file for
    their member, with or without one of its units; unit officers only from their own unit."""
    if member is None or not has_right(user, Right.FILE_QUERIES, member):
        return False
    member_id = member if isinstance(member, int) else member.pk
    if unit is not None and unit.member_id != member_id:
        return False
    if has_right(user, Right.VIEW_QUERIES, member_id):
        return True
    return unit is not None and unit.pk == getattr(user, "control_unit_id", None)


def may_act_in_query(user, member_id: int, unit_ids) -> bool:
    """May ``user`` act (acknowledge, reply, report an outcome, close) for the party
    ``member_id`` of a query that names ``unit_ids`` for that party? Focal points act for their
    member; unit officers when the query names their unit. Member admins only read."""
    if not has_right(user, Right.FILE_QUERIES, member_id):
        return False
    if has_right(user, Right.VIEW_QUERIES, member_id):
        return True
    unit_id = getattr(user, "control_unit_id", None)
    return unit_id is not None and unit_id in set(unit_ids)


def query_party_people(member, unit_ids=()) -> list:
    """The people alerted for one party of a query: the member's focal points and the
    officers of the units the query names for it."""
    people = {u.pk: u for u in users_with_right(member, Right.RECEIVE_ALERTS)}
    if unit_ids:
        officers = users_with_right(member, Right.VIEW_UNIT_QUERIES).filter(
            control_unit_id__in=list(unit_ids)
        )
        for officer in officers:
            people.setdefault(officer.pk, officer)
    return sorted(people.values(), key=lambda u: u.pk)


def query_escalation_people(member) -> list:
    """The member admins an unacknowledged urgent query is escalated to: those who manage the
    member's people and may read its queries (never the network admins, who see no content)."""
    readers = users_with_right(member, Right.VIEW_QUERIES).values("pk")
    return list(users_with_right(member, Right.MANAGE_PEOPLE).filter(pk__in=readers))


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
