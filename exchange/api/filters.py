import django_filters
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..models import Priority, Query, QueryKind

STATUS_CHOICES = [
    ("open", _("Open")),
    ("closed", _("Closed")),
    ("overdue", _("Overdue")),
    ("new", _("A recipient has not acknowledged")),
    ("acknowledged", _("A recipient has acknowledged")),
    ("answered", _("A recipient has answered")),
]


class QueryFilter(django_filters.FilterSet):
    """Filters of ``GET /api/v1/queries/``; applied within what the user may see."""

    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status")
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    kind = django_filters.ChoiceFilter(choices=QueryKind.choices)
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
    box = django_filters.ChoiceFilter(
        choices=[("incoming", _("Incoming")), ("outgoing", _("Outgoing"))],
        method="filter_box",
    )
    q = django_filters.CharFilter(
        method="filter_search", label=_("Search: reference, container number or text")
    )

    class Meta:
        model = Query
        fields = ["status", "priority", "kind", "counterpart", "container_number", "box", "q"]

    def filter_status(self, queryset, name, value):
        return selectors.filter_status(queryset, value)

    def filter_counterpart(self, queryset, name, value):
        return selectors.filter_counterpart(queryset, value)

    def filter_container_number(self, queryset, name, value):
        return selectors.filter_container_number(queryset, value)

    def filter_box(self, queryset, name, value):
        return selectors.filter_box(queryset, user=self.request.user, box=value)

    def filter_search(self, queryset, name, value):
        return selectors.filter_search(queryset, value)


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(method="filter_unread", label=_("Only unread (true)"))

    def filter_unread(self, queryset, name, value):
        if value is True:
            return queryset.filter(read_at__isnull=True)
        if value is False:
            return queryset.filter(read_at__isnull=False)
        return queryset
