"""The one way to narrow the list of queries: a FilterSet shared by the browser inbox
(``/queries/``) and ``GET /api/v1/queries/`` (its OpenAPI parameters are generated from it).
It filters within what the user may see (``selectors.query_list``); the box filter asks the
permission module which queries are the user's incoming and outgoing ones."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from members.selectors import member_vocabulary
from members.sorting import SortFilter

from . import permissions, selectors
from .models import Priority, Query, QueryKind, QueryStatus, RecipientState

#: The states the inbox filters by: the query's own, overdue, or some recipient's.
STATUS_CHOICES = [
    (QueryStatus.OPEN.value, _("Open")),
    (QueryStatus.CLOSED.value, _("Closed")),
    ("overdue", _("Overdue")),
    (RecipientState.NEW.value, _("A recipient has not acknowledged")),
    (RecipientState.ACKNOWLEDGED.value, _("A recipient has acknowledged")),
    (RecipientState.ANSWERED.value, _("A recipient has answered")),
]

BOX_CHOICES = [("all", _("All")), ("incoming", _("Incoming")), ("outgoing", _("Outgoing"))]


#: The inbox's sortable columns: (model path, name in ``?sort=`` / ``?ordering=``).
SORT_FIELDS = (
    ("reference", "reference"),
    ("priority", "priority"),
    ("kind", "kind"),
    ("subject", "subject"),
    ("sender_member__code", "from"),
    ("status", "state"),
    ("due_at", "due"),
    ("created_at", "filed"),
)
_PRIORITY_RANK = {"priority": [Priority.URGENT, Priority.HIGH, Priority.ROUTINE]}


def _member_choices():
    return [(m.code.code, m.display_name) for m in member_vocabulary()]


class QueryFilterSet(django_filters.FilterSet):
    """Filters of the inbox and of ``GET /api/v1/queries/``."""

    box = django_filters.ChoiceFilter(
        label=_("Box"), choices=BOX_CHOICES, empty_label=None, method="filter_box"
    )
    status = django_filters.ChoiceFilter(
        label=_("State"),
        choices=STATUS_CHOICES,
        empty_label=_("Any state"),
        method="filter_status",
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Priority.choices, empty_label=_("Any priority")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=QueryKind.choices, empty_label=_("Any kind")
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        choices=_member_choices,
        empty_label=_("Any country"),
        method="filter_counterpart",
    )
    counterpart = django_filters.CharFilter(
        method="filter_counterpart",
        label=_("Counterpart member (country code, sender or recipient)"),
    )
    counterpart_member = django_filters.CharFilter(
        method="filter_counterpart", label=_("Same as counterpart")
    )
    container_number = django_filters.CharFilter(
        method="filter_container_number", label=_("ISO 6346 container number")
    )
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"placeholder": _("Reference, container number or text"), "type": "search"}
        ),
    )
    unread = django_filters.BooleanFilter(
        label=_("Unread only"), widget=forms.CheckboxInput, method="filter_unread"
    )

    sort = SortFilter(fields=SORT_FIELDS, ranks=_PRIORITY_RANK)
    ordering = SortFilter(fields=SORT_FIELDS, ranks=_PRIORITY_RANK)

    class Meta:
        model = Query
        fields = [
            "box",
            "status",
            "priority",
            "kind",
            "country",
            "counterpart",
            "counterpart_member",
            "container_number",
            "q",
            "unread",
            "sort",
            "ordering",
        ]

    def filter_box(self, queryset, name, value: str):
        condition = permissions.query_box_condition(self.request.user, value)
        return queryset if condition is None else queryset.filter(condition)

    def filter_status(self, queryset, name, value: str):
        return selectors.filter_status(queryset, value)

    def filter_counterpart(self, queryset, name, value: str):
        return selectors.filter_counterpart(queryset, value)

    def filter_container_number(self, queryset, name, value: str):
        return selectors.filter_container_number(queryset, value)

    def filter_search(self, queryset, name, value: str):
        return selectors.filter_search(queryset, value)

    def filter_unread(self, queryset, name, value: bool):
        # ``is_unread`` is annotated by ``selectors.query_list``.
        return queryset.filter(is_unread=True) if value else queryset
