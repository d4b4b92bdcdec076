"""Filters of the exchange API. Queries are filtered by ``exchange.filtersets.QueryFilterSet``,
the same FilterSet the browser inbox uses."""

import django_filters
from django.utils.translation import gettext_lazy as _


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(method="filter_unread", label=_("Only unread (true)"))

    def filter_unread(self, queryset, name, value):
        if value is True:
            return queryset.filter(read_at__isnull=True)
        if value is False:
            return queryset.filter(read_at__isnull=False)
        return queryset
