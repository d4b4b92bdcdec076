"""The one way to filter notices, for the board and the API: direction, lane, status, unit,
mode, a window of expected arrival and an identifier search. Applied by the selectors after
``permissions.restrict_notices``, never instead of it. The lane narrows to the notices the
user receives (the only ones whose lane they may know)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import permissions
from .models import ArrivalNotice, Lane, NoticeStatus, TransportMode
from .validation import search_keys

_ANY = _("Any")


class NoticeFilterSet(django_filters.FilterSet):
    direction = django_filters.ChoiceFilter(
        label=_("Direction"),
        choices=[("incoming", _("Incoming")), ("outgoing", _("Outgoing"))],
        method="filter_direction",
        empty_label=_ANY,
    )
    lane = django_filters.ChoiceFilter(
        label=_("Lane"), choices=Lane.choices, method="filter_lane", empty_label=_ANY
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=NoticeStatus.choices, empty_label=_ANY
    )
    mode = django_filters.ChoiceFilter(
        label=_("Mode"), choices=TransportMode.choices, empty_label=_ANY
    )
    unit = django_filters.CharFilter(label=_("Control unit"), method="filter_unit")
    expected_after = django_filters.IsoDateTimeFilter(
        field_name="expected_arrival", lookup_expr="gte", label=_("Expected from")
    )
    expected_before = django_filters.IsoDateTimeFilter(
        field_name="expected_arrival", lookup_expr="lt", label=_("Expected before")
    )
    identifier = django_filters.CharFilter(
        label=_("Container, document, vessel or company"), method="filter_identifier"
    )

    class Meta:
        model = ArrivalNotice
        fields = []

    @property
    def user(self):
        return getattr(self.request, "user", None)

    def filter_direction(self, queryset, name, value):
        condition = permissions.direction_condition(self.user, value)
        return queryset if condition is None else queryset.filter(condition)

    def filter_lane(self, queryset, name, value):
        return queryset.filter(permissions.direction_condition(self.user, "incoming"), lane=value)

    def filter_unit(self, queryset, name, value):
        code = value.strip().upper()
        return queryset.filter(Q(to_unit__code=code) | Q(from_unit__code=code))

    def filter_identifier(self, queryset, name, value):
        keys = search_keys(value.strip())
        if not keys:
            return queryset.none()
        return queryset.filter(identifiers__overlap=keys)
