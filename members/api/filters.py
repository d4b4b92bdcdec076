import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..models import (
    AuditEvent,
    ControlUnit,
    ControlUnitKind,
    MemberAdministration,
    MemberStatus,
)


class UpperCharFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        return super().filter(qs, value.upper() if value else value)


class MemberFilter(django_filters.FilterSet):
    code = UpperCharFilter(field_name="code")
    status = django_filters.ChoiceFilter(choices=MemberStatus.choices)

    class Meta:
        model = MemberAdministration
        fields = ["code", "status"]


class ControlUnitFilter(django_filters.FilterSet):
    member = UpperCharFilter(field_name="member__code", label="member (country code)")
    kind = django_filters.ChoiceFilter(choices=ControlUnitKind.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = ControlUnit
        fields = ["member", "kind", "active"]


class AuditEventFilter(django_filters.FilterSet):
    """Filters of the audit trail, shared by the audit page and ``GET /api/v1/audit/``."""

    actor = django_filters.CharFilter(
        field_name="actor_username", lookup_expr="iexact", label=_("Actor (username)")
    )
    action = django_filters.CharFilter(field_name="action", label=_("Action"))
    object = django_filters.CharFilter(
        method="filter_object",
        label=_("Object"),
        help_text=_("A reference such as IREN-KZ-2026-00001, or a numeric id with object_type."),
    )
    object_type = django_filters.CharFilter(field_name="object_type", label=_("Object type"))
    member = django_filters.CharFilter(method="filter_member", label=_("Member (country code)"))
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte", label=_("Since"))
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt", label=_("Until"))

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "object", "object_type", "member", "since", "until"]

    def filter_object(self, queryset, name, value):
        value = value.strip()
        user = getattr(self.request, "user", None)
        queryset = permissions.restrict_audit_object_search(user, queryset)
        if value.isdigit() and self.data.get("object_type"):
            return queryset.filter(object_id=int(value))
        return queryset.filter(object_reference=value.upper() if value.isascii() else value)

    def filter_member(self, queryset, name, value):
        code = value.strip().upper()
        return queryset.filter(Q(members__contains=[code]) | Q(actor_member__code=code))
