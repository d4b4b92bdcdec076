"""The seizure dashboard: its charts, drawn from the totals the user may read, cached per
viewer, and every bar a link to the filtered report list."""

import calendar
import hashlib
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy

from members import caching

from . import charts, list_markup, permissions, selectors
from .filtersets import SeizureFilterSet
from .models import SeizureTotal
from .totals import TOTALS_CACHE

CHARTS = [
    ("category", gettext_lazy("Totals by category")),
    ("commodity", gettext_lazy("Totals by commodity")),
    ("month", gettext_lazy("Over time, by month")),
    ("member", gettext_lazy("By reporting member")),
    ("transport_mode", gettext_lazy("By transport mode")),
    ("detection_method", gettext_lazy("By detection method")),
    ("route", gettext_lazy("By route (origin → destination)")),
]


def seizure_reader_required(request):
    """404 unless the user may read seizure reports (the dashboard and every report page)."""
    if not permissions.may_view_seizures(request.user):
        raise Http404


#: The report list's filter that each chart's bars set (the month chart sets the dates).
_BAR_FILTERS = {
    "category": "category",
    "commodity": "commodity",
    "member": "member",
    "transport_mode": "transport_mode",
    "detection_method": "detection_method",
}
#: Parameters of the dashboard that are no filter of the report list.
_VIEW_PARAMS = ("scale", "year", "page", "cursor")


def _month_bounds(key: str) -> tuple[date, date]:
    year, month = map(int, key.split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _list_url(params: QueryDict, name: str, key: str, period: dict) -> str:
    """The report list filtered as the dashboard is, narrowed to one bar's group."""
    params = params.copy()
    for view_param in _VIEW_PARAMS:
        params.pop(view_param, None)
    if name == "month":
        first, last = _month_bounds(key)
        start, end = period.get("from"), period.get("to")
        params["from"] = max(first, start).isoformat() if start else first.isoformat()
        params["to"] = min(last, end).isoformat() if end else last.isoformat()
    elif name == "route":
        params["origin"], params["destination"] = key.split("-", 1)
    else:
        params[_BAR_FILTERS[name]] = key
    return f"{reverse('seizures:report-list')}?{params.urlencode()}"


def chart_data(name: str, title, results: list[dict], filters=None, params=None) -> dict:
    """One chart of the dashboard: its panels (one per unit; the month chart: one, the number
    of reports per month of one year, with the years to choose from), the table of the same
    numbers, and for every group the link to its reports."""
    params = params if params is not None else QueryDict()
    series = name == "month"
    log = params.get("scale") == "log"
    period = filters.form.cleaned_data if filters is not None and filters.is_bound else {}
    years, year = [], None
    if series and results:
        years = sorted({int(r["key"][:4]) for r in results})
        asked = params.get("year", "")
        year = int(asked) if asked.isdigit() and int(asked) in years else years[-1]
        results = [r for r in results if r["key"].startswith(f"{year:04d}-")]
        start, end = period.get("from"), period.get("to")
        results = charts.fill_months(
            results,
            date_from=start if start and start.year == year else None,
            date_to=end if end and end.year == year else None,
        )
    for result in results:
        result["url"] = (
            "" if result.get("other") else _list_url(params, name, result["key"], period)
        )
    units = selectors.units_present(results)
    if series:
        panels = [charts.bar_panel(results, "count", series=True)]
    else:
        panels = [charts.bar_panel(results, unit, log=log) for unit in units]
        if not panels:
            panels.append(charts.bar_panel(results, "count", log=log))
    return {
        "name": name,
        "title": title,
        "results": results,
        "units": units,
        "unit_symbols": [charts.unit_symbol(unit) for unit in units],
        "panels": panels,
        "years": years,
        "year": year,
        "log_would_help": not series and not log and charts.log_would_help(results, units),
    }


@login_required
def dashboard(request):
    """The analyst dashboard: every chart is one aggregate query over the reports the user
    may read (from the pre-aggregated totals where the filters allow), with a table of the
    same numbers under it. The charts' HTML is cached, shared by everyone who may read the same
    reports, until the totals next change (``members.caching``)."""
    seizure_reader_required(request)
    filters = SeizureFilterSet(request.GET or None)
    filters_html = None
    if filters.is_bound:
        filters.with_choices()
    else:
        filters_html = list_markup.empty_filters_html(SeizureFilterSet)
    charts_html = ""
    if not filters.is_bound or filters.is_valid():
        key = _charts_cache_key(request)
        charts_html = cache.get(key) if key else None
        if charts_html is None:
            charts_html = _render_charts(request, filters)
            if key:
                cache.set(key, charts_html, settings.DASHBOARD_CACHE_SECONDS)
    return render(
        request,
        "seizures/dashboard.html",
        {
            "form": filters.form,
            "filters_html": filters_html,
            "charts_html": mark_safe(charts_html),  # noqa: S308 (ours)
        },
    )


def _render_charts(request, filters) -> str:
    chart_list = []
    totals = selectors.seizure_totals_many(
        user=request.user, filters=filters, groupings=[name for name, _title in CHARTS]
    )
    for name, title in CHARTS:
        results = totals[name]
        if name != "month":
            results = charts.fold_tail(results)
        chart_list.append(chart_data(name, title, results, filters, request.GET))
    return render_to_string(
        "seizures/_dashboard_charts.html",
        {
            "charts": chart_list,
            "log": request.GET.get("scale") == "log",
            "total_count": sum(r["count"] for r in chart_list[0]["results"]) if chart_list else 0,
        },
        request=request,
    )


def _charts_cache_key(request) -> str | None:
    """Who sees the same charts: the same readable reports (the user's own members), filters,
    language and totals. None when the cache is off."""
    if not settings.DASHBOARD_CACHE_SECONDS:
        return None
    own = sorted(permissions.seizure_reading_member_ids(request.user))
    latest = SeizureTotal.objects.aggregate(latest=Max("pk"))["latest"]
    parts = [
        connection.settings_dict["NAME"],
        caching.generation(TOTALS_CACHE),
        caching.vocabulary_generation(),  # chart labels name commodities and members
        latest,
        get_language(),
        ",".join(map(str, own)),
        request.GET.urlencode(),
    ]
    return "iren:dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()
