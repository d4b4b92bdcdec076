"""Template helpers of the seizures app."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy

register = template.Library()


@register.filter
def quantity(value):
    """580.0 -> "580", 2.00025 -> "2.00025", 550000 -> "550,000" (grouped, localised)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    text = format(number, "f")
    places = len(text.split(".")[1].rstrip("0")) if "." in text else 0
    return number_format(number, decimal_pos=min(places, 9), force_grouping=True)


#: Unit codes and their short names (lazy: translated when shown, in the active language).
_UNIT_SYMBOLS = {
    "mg": gettext_lazy("mg"),
    "g": gettext_lazy("g"),
    "kg": gettext_lazy("kg"),
    "t": gettext_lazy("t"),
    "ml": gettext_lazy("ml"),
    "l": gettext_lazy("l"),
    "pieces": gettext_lazy("pieces"),
    "pills": gettext_lazy("pills"),
    "ampoules": gettext_lazy("ampoules"),
    "count": gettext_lazy("reports"),
}


@register.filter
def unit_symbol(unit) -> str:
    """The short name of a unit code in the active language ("kg" -> "кг")."""
    unit = str(unit)
    symbol = _UNIT_SYMBOLS.get(unit)
    return unit if symbol is None else str(symbol)


@register.filter
def raw_number(value):
    """A number as the machine reads it (for data attributes): 550000.0 -> "550000"."""
    if value is None:
        return ""
    text = format(Decimal(str(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


def query_string_with(params, **changes) -> str:
    """``params`` (a QueryDict) as a query string with some parameters replaced (None removes
    one)."""
    params = params.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def query_string(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    return query_string_with(context["request"].GET, **changes)


@register.simple_tag(takes_context=True)
def may_report_seizures(context) -> bool:
    """May the current user enter or import seizure reports (for the sub-navigation)?"""
    from seizures import permissions

    request = context.get("request")
    if request is None:
        return False
    return permissions.may_report_seizures(request.user)


@register.simple_tag(takes_context=True)
def chart(context, chart_data):
    """One bar chart of ``dashboard_views.chart_data`` (``seizures.chart_markup``)."""
    from seizures.chart_markup import chart_html

    return chart_html(chart_data, context["request"].GET)
