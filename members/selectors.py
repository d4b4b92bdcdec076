"""Reads of the members domain."""

from django.contrib.auth import get_user_model
from django.db.models import F, Prefetch

from . import permissions
from .models import ControlUnit, MemberAdministration, Role, RoleName


def member_directory():
    """Every member with its control units and focal points, in three queries."""
    focal_points = (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__role__name=RoleName.FOCAL_POINT,
            groups__role__member_id=F("member_id"),
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    return MemberAdministration.objects.prefetch_related(
        Prefetch("control_units", queryset=ControlUnit.objects.order_by("code")),
        Prefetch("people", queryset=focal_points, to_attr="focal_points"),
    )


def member_people(*, user, member):
    """The member's people with their roles, for those who may manage them."""
    return (
        permissions.restrict_people(user)
        .filter(member=member)
        .select_related("control_unit")
        .prefetch_related(
            Prefetch("groups__role", queryset=Role.objects.all()),
        )
        .order_by("username")
    )


def user_role_names(user) -> list[str]:
    return [role.get_name_display() for role in permissions.user_roles(user)]
