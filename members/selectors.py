"""Reads of the members domain."""

from django.contrib.auth import get_user_model
from django.db.models import F, Prefetch, Q

from . import audit_permissions, caching, compiled, permissions
from .models import AuditEvent, ControlUnit, MemberAdministration, Role, RoleName


def member_vocabulary() -> list[MemberAdministration]:
    """Every member ordered by name, with only ``pk``, ``code`` and ``name`` (enough for
    ``display_name``), from the vocabulary cache: for choices and labels, never for writing."""
    rows = caching.vocabulary(
        "members",
        lambda: list(
            MemberAdministration.objects.order_by("name").values_list("pk", "code", "name")
        ),
    )
    return [MemberAdministration(pk=pk, code=code, name=name) for pk, code, name in rows]


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


# --- Audit trail ------------------------------------------------------------------------------

#: Actions shown in a record's "Access history": who read, downloaded or exported it.
ACCESS_ACTIONS = (
    "query.read",
    "query.export",
    "attachment.download",
    "seizure.read",
    "arrival.read",
)


def audit_event_list(*, user):
    """Audit events the user may see, newest first, with what the list shows (one query),
    each read as the user may read it (``audit_permissions.audit_event_redactor``: a network admin
    reads no content)."""
    events = (
        audit_permissions.restrict_audit_events(user).select_related("actor_member").order_by("-id")
    )
    redact = audit_permissions.audit_event_redactor(user)
    return events if redact is None else events.redacted(redact)


def audit_access_history(
    *, user, object_type: str, object_id: int, object_reference: str = "", owner_member_id=None
):
    """Who read, downloaded or exported one record, newest first (at most 100 rows), for the
    owning member's focal points and admins; None for anyone else (show nothing)."""
    if not audit_permissions.may_view_access_history(user, owner_member_id):
        return None
    values = [object_type, object_id] + ([object_reference] if object_reference else [])

    def build(values):
        condition = Q(object_type=values[0], object_id=values[1])
        if len(values) > 2:
            condition |= Q(object_reference=values[2])
        return (
            AuditEvent.objects.filter(condition, action__in=ACCESS_ACTIONS)
            .select_related("actor_member")
            .order_by("-id")[:100]
        )

    # Once allowed, the statement names no person: compiled once per process.
    return compiled.shared_instances("members.audit_access_history", build, values)
