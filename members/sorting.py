"""Sortable tables: one django-filter ``OrderingFilter`` that every list's FilterSet
declares twice, as ``sort`` (the browser's ``?sort=due`` / ``?sort=-due``) and ``ordering`` (the
API's usual name). Only the whitelisted names sort; the record id always breaks ties, so the
order is total and any pagination (pages or keysets) stays stable."""

from __future__ import annotations

import django_filters
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES


class SortFilter(django_filters.OrderingFilter):
    """``fields``: (model path, public name) pairs. ``ranks``: public name -> the values of a
    choice field in their natural order (e.g. urgent, high, routine), sorted by that rank
    rather than alphabetically."""

    def __init__(self, *args, ranks: dict | None = None, **kwargs):
        self.ranks = ranks or {}
        kwargs.setdefault("label", _("Sort by"))
        kwargs.setdefault(
            "help_text",
            _("A column name; a leading minus sorts in descending order."),
        )
        super().__init__(*args, **kwargs)

    def _expression(self, param: str):
        descending = param.startswith("-")
        name = param.lstrip("-")
        if name in self.ranks:
            field = self.param_map[name]
            rank = Case(
                *(When(**{field: v}, then=Value(i)) for i, v in enumerate(self.ranks[name])),
                default=Value(len(self.ranks[name])),
                output_field=IntegerField(),
            )
            return rank.desc() if descending else rank.asc()
        return self.get_ordering_value(param)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = [self._expression(p) for p in value if p not in EMPTY_VALUES]
        if not ordering:
            return qs
        descending = str(value[0]).startswith("-")
        return qs.order_by(*ordering, "-pk" if descending else "pk")
