"""Who may see and do what in the seizures domain: reports, imports and operations.

Built only on the members base (``members.permissions``): rights per member, network admins,
network users. Views, API, forms, selectors, services and the validator ask here; none decides
a country's access on its own.

- A member's people with ``view_seizures`` read every report of that member; every network
  user (network admins included) reads the reports other members share with the network.
  ``national`` reports never leave their member, so a network admin sees none of them.
- People with ``report_seizures`` for a member enter and import that member's reports, from
  that member's control units, into operations their member takes part in.
- An import job is its uploader's own business, and only while they may still import.
- Focal points and member admins coordinate operations for their member; network admins for
  every member.

Outside a user's scope the answer is 404, never 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from exchange import permissions as query_permissions
from members import permissions as base
from members.models import (
    ControlUnit,
    MemberAdministration,
    MemberStatus,
    ReleaseState,
    Role,
    RoleName,
)

from .models import ImportJob, Operation, SeizureReport, Sharing

Right = base.Right


# --- Reading ------------------------------------------------------------------------------------


def may_view_seizures(user) -> bool:
    """The dashboard, the report list, operations and the commodity list: any network user
    (what they then read is cut down by ``restrict_seizures``)."""
    return base.is_network_user(user)


def held_seizures_condition(user) -> Q:
    """Reports awaiting release (or returned) that the user reads: their own, and those of
    the members they release for (``members.permissions.held_item_condition``)."""
    return ~Q(release_state=ReleaseState.RELEASED) & base.held_item_condition(
        user, member_field="reporting_member_id", author_field="created_by_id"
    )


def restrict_seizures(user, queryset: QuerySet | None = None) -> QuerySet:
    """Seizure reports the user may read: all of their own members' reports, and the reports
    other members share with the network. ``national`` reports never leave their member.

    A report awaiting release (or returned) exists only for its author and its member's
    releasers, whatever its sharing."""
    queryset = SeizureReport.objects.all() if queryset is None else queryset
    if not may_view_seizures(user):
        return queryset.none()
    own = base.member_ids(user, Right.VIEW_SEIZURES)
    released = Q(reporting_member_id__in=own) | Q(sharing=Sharing.NETWORK)
    return queryset.filter(
        (Q(release_state=ReleaseState.RELEASED) & released) | held_seizures_condition(user)
    )


def seizure_reading_member_ids(user) -> frozenset[int]:
    """Members all of whose reports the user reads (besides what is shared with the network):
    two users with the same set read the same reports."""
    if not may_view_seizures(user):
        return frozenset()
    return base.member_ids(user, Right.VIEW_SEIZURES)


def restrict_seizure_totals(user, queryset: QuerySet) -> QuerySet:
    """Pre-aggregated totals (``SeizureTotal``, ``SeizureRouteTotal``) under the same rule as
    the reports: their cells carry the reporting member and the sharing for that reason.
    A report counts in them only once released (``seizures.totals``)."""
    if not may_view_seizures(user):
        return queryset.none()
    own = base.member_ids(user, Right.VIEW_SEIZURES)
    return queryset.filter(Q(reporting_member_id__in=own) | Q(sharing=Sharing.NETWORK))


def restrict_operations(user, queryset: QuerySet | None = None) -> QuerySet:
    """Operations are known network-wide (their figures are restricted, not their names)."""
    queryset = Operation.objects.all() if queryset is None else queryset
    return queryset if may_view_seizures(user) else queryset.none()


# --- Reporting and importing --------------------------------------------------------------------


def reporting_member_ids(user) -> frozenset[int]:
    """Members the user may enter and import seizure reports for."""
    return base.member_ids(user, Right.REPORT_SEIZURES)


def may_report_seizures(user) -> bool:
    return bool(reporting_member_ids(user))


def reporting_members(user) -> QuerySet[MemberAdministration]:
    return MemberAdministration.objects.filter(pk__in=reporting_member_ids(user))


def reporting_control_units(user, queryset: QuerySet | None = None) -> QuerySet[ControlUnit]:
    """Control units a report of the user may name: those of the members they report for."""
    return base.restrict_control_units(user, queryset, right=Right.REPORT_SEIZURES)


def may_link_operation(*, member_id: int | None, operation_member_ids: Iterable[int]) -> bool:
    """A member's report may name an operation only if that member coordinates or takes part
    in it."""
    return member_id is not None and member_id in set(operation_member_ids)


def may_import(user) -> bool:
    return may_report_seizures(user)


def restrict_import_jobs(user, queryset: QuerySet | None = None) -> QuerySet[ImportJob]:
    """Import jobs the user may follow: their own uploads, while they may still import."""
    queryset = ImportJob.objects.all() if queryset is None else queryset
    if not may_import(user):
        return queryset.none()
    return queryset.filter(created_by_id=user.pk)


# --- Linked urgent queries ----------------------------------------------------------------------
# The query rules belong to the exchange app; this is the one place seizures asks them.


def _restrict_queries(user):
    return query_permissions.restrict_queries(user)


def visible_query_ids(user, query_ids: Iterable[int | None]) -> set[int]:
    """Of these linked urgent query ids, those the user may see (one query)."""
    ids = {pk for pk in query_ids if pk}
    if not ids:
        return set()
    return set(_restrict_queries(user).filter(pk__in=ids).values_list("pk", flat=True))


def visible_linked_query(user, query_id: int | None):
    """The linked urgent query, if the user may see it (else None)."""
    if not query_id:
        return None
    return _restrict_queries(user).filter(pk=query_id).first()


def may_link_query(user, query_id: int) -> bool:
    """A report may be linked only to an urgent query its author may see."""
    return _restrict_queries(user).filter(pk=query_id).exists()


# --- Operations and the vocabulary --------------------------------------------------------------


def operation_coordinator_member_ids(user) -> frozenset[int]:
    """Members on whose behalf the user may create and coordinate joint operations: as one of
    the member's focal points or member admins; network admins for every member."""
    if base.is_network_admin(user):
        return frozenset(MemberAdministration.objects.values_list("pk", flat=True))
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return frozenset(
        Role.objects.filter(
            group__user=user,
            member__isnull=False,
            name__in=[RoleName.FOCAL_POINT, RoleName.MEMBER_ADMIN],
        )
        .exclude(member__status=MemberStatus.SUSPENDED)
        .values_list("member_id", flat=True)
    )


def may_create_operations(user) -> bool:
    return base.is_network_admin(user) or bool(operation_coordinator_member_ids(user))


def may_coordinate_operation(user, member: MemberAdministration | None) -> bool:
    return member is not None and member.pk in operation_coordinator_member_ids(user)


def may_manage_commodities(user) -> bool:
    """The commodity vocabulary is kept by network admins."""
    return base.may_manage_vocabularies(user)
