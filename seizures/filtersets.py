"""The one way to filter seizure reports: django-filter FilterSets shared by the browser (report
list, dashboard, exports) and the API (list and stats), whose OpenAPI parameters
drf-spectacular generates from them.

Codes in (``KZ``, ``heroin``, ``nicotiana``), objects out; an unknown code is a field error (a
400 naming the field in the API). Selectors apply a validated FilterSet after
``restrict_seizures``, never instead of it.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.selectors import member_vocabulary
from members.sorting import SortFilter

from .models import Category, DetectionMethod, Operation, SeizureReport, TransportMode
from .vocabulary import commodity_vocabulary, operation_choices, operation_vocabulary

GROUP_BY_CHOICES = [
    "category",
    "commodity",
    "member",
    "month",
    "transport_mode",
    "detection_method",
    "route",
]
DEFAULT_GROUP_BY = "category"
#: The detection-method filter's value for reports that record none.
UNKNOWN = "unknown"
_ANY = _("Any")


def _blank(choices):
    return [("", _ANY), *choices]


class SeizureFilterForm(forms.Form):
    """Resolves the codes of the filters to objects, and checks the period."""

    def clean_member(self):
        code = (self.cleaned_data.get("member") or "").strip().upper()
        if not code:
            return None
        # From the vocabulary cache: the filters need the id only.
        member = next((m for m in member_vocabulary() if str(m.code) == code), None)
        if member is None:
            raise ValidationError(
                _("“%(code)s” is not a member of the network."), params={"code": code}
            )
        return member

    def clean_commodity(self):
        code = (self.cleaned_data.get("commodity") or "").strip().lower()
        if not code:
            return None
        commodity = next((c for c in commodity_vocabulary() if c.code == code), None)
        if commodity is None:
            raise ValidationError(_("“%(code)s” is not a commodity code."), params={"code": code})
        return commodity

    def clean_operation(self):
        code = (self.cleaned_data.get("operation") or "").strip().lower()
        if not code:
            return None
        operation = next(
            (Operation(pk=pk, code=c, name=n) for pk, c, n in operation_vocabulary() if c == code),
            None,
        )
        if operation is None:
            raise ValidationError(_("“%(code)s” is not an operation code."), params={"code": code})
        return operation

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            self.add_error("to", _("The end of the period is before its start."))
        return data


class StatsFilterForm(SeizureFilterForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The list of groupings goes into the message once, formatted here.
        field = self.fields["group_by"]
        field.error_messages["invalid_choice"] = str(
            _("“%(value)s” is not a grouping; use one of: %(choices)s.")
        ).replace("%(choices)s", ", ".join(GROUP_BY_CHOICES))


def _date_filter(label, lookup_expr):
    return django_filters.DateFilter(
        field_name="seized_on",
        lookup_expr=lookup_expr,
        label=label,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A day, YYYY-MM-DD."),
    )


class SeizureFilterSet(django_filters.FilterSet):
    """The filters of the dashboard, the report list, the exports and the seizures API."""

    # ``from`` is a Python keyword: declared through the class namespace.
    locals()["from"] = _date_filter(pgettext_lazy("period", "From"), "gte")
    to = _date_filter(pgettext_lazy("period", "To"), "lte")
    member = django_filters.CharFilter(
        label=_("Member"),
        method="filter_member",
        help_text=_("Reporting member (ISO 3166-1 alpha-2 code)."),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=Category.choices,
        empty_label=_ANY,
        method="filter_category",
        help_text=_("Commodity category code."),
    )
    commodity = django_filters.CharFilter(
        label=_("Commodity"), method="filter_commodity", help_text=_("Commodity code.")
    )
    operation = django_filters.CharFilter(
        label=_("Operation"), method="filter_operation", help_text=_("Operation code.")
    )
    transport_mode = django_filters.ChoiceFilter(
        label=_("Transport mode"),
        choices=TransportMode.choices,
        empty_label=_ANY,
        help_text=_("Transport mode code."),
    )

    class Meta:
        model = SeizureReport
        fields: list[str] = []
        form = SeizureFilterForm

    def filter_member(self, queryset, name, member):
        return queryset.filter(reporting_member_id=member.pk)

    def filter_category(self, queryset, name, category):
        # Resolved to commodity ids first: the filter then uses the commodity index.
        ids = [c.pk for c in commodity_vocabulary() if c.category == category]
        return queryset.filter(commodity_id__in=ids)

    def filter_commodity(self, queryset, name, commodity):
        return queryset.filter(commodity_id=commodity.pk)

    def filter_operation(self, queryset, name, operation):
        return queryset.filter(operation_id=operation.pk)

    def with_choices(self):
        """Drop-downs for the browser (from the vocabulary cache; the API does not need them)."""
        fields = self.form.fields
        fields["member"].widget = forms.Select(
            choices=_blank([(str(m.code), m.display_name) for m in member_vocabulary()])
        )
        commodities = sorted(commodity_vocabulary(), key=lambda c: c.display_name)
        fields["commodity"].widget = forms.Select(
            choices=_blank([(c.code, c.display_name) for c in commodities])
        )
        fields["operation"].widget = forms.Select(choices=_blank(operation_choices()))
        return self

    @property
    def error_text(self) -> str:
        return "\n".join(f"{field}: {' '.join(errors)}" for field, errors in self.errors.items())


#: The report list's sortable columns: (model path, name in ``?sort=`` / ``?ordering=``).
SORT_FIELDS = (
    ("seized_on", "seized_on"),
    ("reporting_member__code", "member"),
    ("reference", "reference"),
    ("commodity__name", "commodity"),
    ("quantity_base", "quantity"),
    ("transport_mode", "transport_mode"),
    ("operation__name", "operation"),
    ("sharing", "sharing"),
)


class SeizureListFilterSet(SeizureFilterSet):
    """The report list (browser and ``GET /api/v1/seizures/``): the filters, a text search and
    sorting. Not the dashboard's or the statistics': ordering has no meaning for a total."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Text in the reference, container number, concealment or notes."),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Reference, container, concealment…")}
        ),
    )
    detection_method = django_filters.ChoiceFilter(
        label=_("Detection method"),
        choices=[*DetectionMethod.choices, (UNKNOWN, _("Not recorded"))],
        empty_label=_ANY,
        method="filter_detection_method",
        help_text=_("Detection method code; “unknown” for reports without one."),
    )
    origin = django_filters.CharFilter(
        label=_("Origin country"),
        method="filter_country",
        help_text=_("Country code (ISO 3166-1 alpha-2); “??” for reports without one."),
    )
    destination = django_filters.CharFilter(
        label=_("Destination country"),
        method="filter_country",
        help_text=_("Country code (ISO 3166-1 alpha-2); “??” for reports without one."),
    )
    sort = SortFilter(fields=SORT_FIELDS)
    ordering = SortFilter(fields=SORT_FIELDS)

    def filter_detection_method(self, queryset, name, value):
        return queryset.filter(detection_method="" if value == UNKNOWN else value)

    def filter_country(self, queryset, name, value):
        code = value.strip().upper()
        field = "origin_country" if name == "origin" else "destination_country"
        return queryset.filter(**{field: "" if code == "??" else code})

    def with_choices(self):
        super().with_choices()
        # Set by a chart's bar (a route); not offered as fields of their own.
        self.form.fields["origin"].widget = forms.HiddenInput()
        self.form.fields["destination"].widget = forms.HiddenInput()
        # The browser sorts by clicking a column header (``?sort=``), not from a drop-down.
        self.form.fields.pop("ordering", None)
        self.form.fields["sort"].widget = forms.MultipleHiddenInput()
        return self

    def filter_search(self, queryset, name, value: str):
        # A case-insensitive substring (ILIKE), within what the user may see:
        # the selector restricted the queryset before any filter runs.
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(reference__icontains=text)
            | Q(container_number__icontains=text.replace(" ", ""))
            | Q(concealment__icontains=text)
            | Q(notes__icontains=text)
        )


class SeizureStatsFilterSet(SeizureFilterSet):
    """The filters of ``/api/v1/seizures/stats/``, with the grouping."""

    group_by = django_filters.ChoiceFilter(
        choices=[(g, g) for g in GROUP_BY_CHOICES],
        method="keep",
        help_text=_("Grouping (category by default)."),
    )

    class Meta(SeizureFilterSet.Meta):
        form = StatsFilterForm

    def keep(self, queryset, name, value):
        return queryset  # a grouping, not a filter: the selector reads it

    @property
    def grouping(self) -> str:
        return self.form.cleaned_data.get("group_by") or DEFAULT_GROUP_BY
