"""Pre-aggregated seizure totals (``SeizureTotal``, ``SeizureRouteTotal`` and its sum over the
commodities, ``SeizureRouteSum``): kept exact by the services that write reports, read by
``selectors.seizure_totals`` where the filters allow.

- ``totals_add(reports)`` adds a batch of reports (dicts or instances) to the tables with one
  set-based upsert per table (``INSERT … ON CONFLICT DO UPDATE SET reports = reports + …``),
  in the caller's transaction: one statement for a whole import (arrays through ``unnest``).
  ``sign=-1`` takes reports out again.
- ``totals_rebuild()`` recomputes the tables from the reports; ``totals_drift()`` lists the
  cells where they differ (``manage.py seizure_totals_check``).
- ``totals_source(...)`` says whether a (filters, grouping) pair can be answered from a table,
  and returns its queryset, still to be restricted by ``permissions.restrict_seizure_totals``.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncYear

from members import caching
from members.models import ReleaseState

from .models import SeizureReport, SeizureRouteSum, SeizureRouteTotal, SeizureTotal
from .vocabulary import commodity_vocabulary

#: The named cache (``members.caching``) of whatever is drawn from the totals: every write
#: of the totals makes it stale.
TOTALS_CACHE = "seizure-totals"

_MONTH_KEY = [
    "month",
    "reporting_member_id",
    "sharing",
    "commodity_id",
    "transport_mode",
    "detection_method",
    "operation_key",
    "dimension",
]
_ROUTE_KEY = [
    "year",
    "reporting_member_id",
    "sharing",
    "commodity_id",
    "origin_country",
    "destination_country",
    "dimension",
]
#: The route key without the commodity (``SeizureRouteSum``).
_ROUTE_SUM_KEY = [c for c in _ROUTE_KEY if c != "commodity_id"]
_PG_TYPES = {
    "month": "date",
    "year": "date",
    "reporting_member_id": "integer",
    "commodity_id": "integer",
    "operation_key": "integer",
}


def _get(report, name):
    return report.get(name) if isinstance(report, dict) else getattr(report, name)


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _cells(reports: Iterable) -> tuple[dict, dict]:
    """The reports summed per cell of each table: {key tuple: [count, total]}."""
    months: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
    routes: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
    for report in reports:
        seized_on = _as_date(_get(report, "seized_on"))
        member, sharing, dimension = (
            _get(report, "reporting_member_id"),
            str(_get(report, "sharing")),
            str(_get(report, "dimension")),
        )
        quantity = Decimal(_get(report, "quantity_base"))
        cell = months[
            (
                seized_on.replace(day=1),
                member,
                sharing,
                _get(report, "commodity_id"),
                str(_get(report, "transport_mode")),
                str(_get(report, "detection_method") or ""),
                _get(report, "operation_id") or 0,
                dimension,
            )
        ]
        cell[0] += 1
        cell[1] += quantity
        cell = routes[
            (
                seized_on.replace(month=1, day=1),
                member,
                sharing,
                _get(report, "commodity_id"),
                str(_get(report, "origin_country") or ""),
                str(_get(report, "destination_country") or ""),
                dimension,
            )
        ]
        cell[0] += 1
        cell[1] += quantity
    return months, routes


def _route_sums(routes: dict) -> dict:
    """Route cells added up over the commodities (the ``SeizureRouteSum`` cells)."""
    sums: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
    drop = _ROUTE_KEY.index("commodity_id")
    for key, (count, total) in routes.items():
        cell = sums[key[:drop] + key[drop + 1 :]]
        cell[0] += count
        cell[1] += Decimal(total)
    return {key: (count, total) for key, (count, total) in sums.items()}


def _upsert(model, key: list[str], cells: dict, sign: int) -> None:
    """One statement adding every cell's count and total to the table; cells are
    sent in key order so that two concurrent writers lock rows in the same order. Taking out
    (``sign=-1``) updates the existing cells instead (an INSERT of negative counts would break
    the table's checks before any conflict is seen), then drops the empty ones."""
    if not cells:
        return
    table = model._meta.db_table
    columns = [*key, "reports", "quantity_base"]
    names = ", ".join(columns)
    rows = [(*k, v[0], v[1]) for k, v in sorted(cells.items())]
    with connection.cursor() as cursor:
        if sign < 0:
            _subtract(cursor, table, key, rows)
            cursor.execute(f"DELETE FROM {table} WHERE reports <= 0")
            return
        update = (
            f"reports = {table}.reports + EXCLUDED.reports, "
            f"quantity_base = {table}.quantity_base + EXCLUDED.quantity_base"
        )
        conflict = ", ".join(key)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT * FROM unnest({_unnest(key)}) "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {update}",
            _arrays(rows),
        )


def _unnest(key: list[str]) -> str:
    """The ``unnest`` arguments for one typed array per column (the key, then the sums)."""
    types = [_PG_TYPES.get(c, "text") for c in key] + ["integer", "numeric"]
    return ", ".join(f"%s::{t}[]" for t in types)


def _arrays(rows: list[tuple]) -> list[list]:
    """The rows turned into one list per column, each sent as one array parameter."""
    return [list(column) for column in zip(*rows, strict=True)]


def _subtract(cursor, table: str, key: list[str], rows: list[tuple]) -> None:
    match = " AND ".join(f"{table}.{c} = d.{c}" for c in key)
    cursor.execute(
        f"UPDATE {table} SET reports = {table}.reports - d.reports, "
        f"quantity_base = {table}.quantity_base - d.quantity_base "
        f"FROM unnest({_unnest(key)}) AS d({', '.join([*key, 'reports', 'quantity_base'])}) "
        f"WHERE {match}",
        _arrays(rows),
    )


def totals_add(reports: Iterable, *, sign: int = 1) -> None:
    """Add (``sign=-1``: take out) these reports to the pre-aggregated totals, in the caller's
    transaction. ``reports``: dicts of a report's values or ``SeizureReport`` instances."""
    months, routes = _cells(reports)
    with transaction.atomic():
        _upsert(SeizureTotal, _MONTH_KEY, months, sign)
        _upsert(SeizureRouteTotal, _ROUTE_KEY, routes, sign)
        _upsert(SeizureRouteSum, _ROUTE_SUM_KEY, _route_sums(routes), sign)
    caching.changed(TOTALS_CACHE)


# --- Raw aggregates, rebuild and check ------------------------------------------------------


def _raw_cells() -> tuple[dict, dict]:
    """Both tables' cells computed from the reports (two GROUP BY queries). A report awaiting
    release (or returned) counts in no total."""
    reports = SeizureReport.objects.filter(release_state=ReleaseState.RELEASED).order_by()
    months = {}
    for row in (
        reports.annotate(month=TruncMonth("seized_on"))
        .values(
            "month",
            "reporting_member_id",
            "sharing",
            "commodity_id",
            "transport_mode",
            "detection_method",
            "operation_id",
            "dimension",
        )
        .annotate(n=Count("pk"), total=Sum("quantity_base"))
    ):
        key = tuple(row[c] for c in _MONTH_KEY[:6]) + (row["operation_id"] or 0, row["dimension"])
        months[key] = (row["n"], Decimal(row["total"]))
    routes = {}
    for row in (
        reports.annotate(year=TruncYear("seized_on"))
        .values(*_ROUTE_KEY)
        .annotate(n=Count("pk"), total=Sum("quantity_base"))
    ):
        routes[tuple(row[c] for c in _ROUTE_KEY)] = (row["n"], Decimal(row["total"]))
    return months, routes


def _stored_cells(model, key: list[str]) -> dict:
    return {
        tuple(row[:-2]): (row[-2], Decimal(row[-1]))
        for row in model.objects.filter(reports__gt=0).values_list(*key, "reports", "quantity_base")
    }


def totals_drift() -> list[str]:
    """Cells where the pre-aggregated totals differ from the reports (empty when exact)."""
    raw_months, raw_routes = _raw_cells()
    problems = []
    for label, model, key, raw in [
        ("month", SeizureTotal, _MONTH_KEY, raw_months),
        ("route", SeizureRouteTotal, _ROUTE_KEY, raw_routes),
        ("route sum", SeizureRouteSum, _ROUTE_SUM_KEY, _route_sums(raw_routes)),
    ]:
        stored = _stored_cells(model, key)
        for cell in sorted(set(raw) | set(stored), key=str):
            expected, found = raw.get(cell, (0, Decimal(0))), stored.get(cell, (0, Decimal(0)))
            if expected != found:
                problems.append(
                    f"{label} {cell}: reports say {expected[0]} / {expected[1]}, "
                    f"totals say {found[0]} / {found[1]}"
                )
    return problems


@transaction.atomic
def totals_rebuild() -> tuple[int, int]:
    """Recompute the tables from the reports (locks out concurrent report writers for the
    duration). Returns the number of cells of each."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {SeizureReport._meta.db_table} IN SHARE MODE")
    months, routes = _raw_cells()
    for model, key, cells in (
        (SeizureTotal, _MONTH_KEY, months),
        (SeizureRouteTotal, _ROUTE_KEY, routes),
        (SeizureRouteSum, _ROUTE_SUM_KEY, _route_sums(routes)),
    ):
        model.objects.all().delete()
        model.objects.bulk_create(
            (
                model(**dict(zip(key, cell, strict=True)), reports=n, quantity_base=t)
                for cell, (n, t) in cells.items()
            ),
            batch_size=2000,
        )
    caching.changed(TOTALS_CACHE)
    return len(months), len(routes)


# --- Which reads a table can answer ---------------------------------------------------------

#: Form fields that do not narrow the reports (groupings, sorting, paging).
_NOT_FILTERS = {"group_by", "ordering", "o", "sort", "page", "cursor", "page_size"}
_MONTH_FILTERS = {"from", "to", "member", "category", "commodity", "operation", "transport_mode"}
_ROUTE_FILTERS = {"from", "to", "member", "category", "commodity"}
#: Groupings the monthly totals answer, and the cell column each one reads.
MONTH_GROUPING_COLUMNS = {
    "category": "commodity_id",
    "commodity": "commodity_id",
    "member": "reporting_member_id",
    "month": "month",
    "transport_mode": "transport_mode",
    "detection_method": "detection_method",
}


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def totals_source(*, filters, group_by: str, operation=None) -> QuerySet | None:
    """The totals rows answering this aggregate (not yet restricted to what the user may
    read), or None when only the reports can (a filter the tables don't hold, or a period that
    does not start and end on their grain)."""
    data = _filter_values(filters)
    if group_by == "route":
        queryset = _route_totals(data, operation)
    elif group_by in MONTH_GROUPING_COLUMNS:
        queryset = _month_totals(data, operation)
    else:
        return None
    if queryset is None:
        return None
    if data.get("category"):
        ids = [c.pk for c in commodity_vocabulary() if c.category == data["category"]]
        queryset = queryset.filter(commodity_id__in=ids)
    if data.get("commodity"):
        queryset = queryset.filter(commodity_id=data["commodity"].pk)
    if data.get("member"):
        queryset = queryset.filter(reporting_member_id=data["member"].pk)
    return queryset


def _filter_values(filters) -> dict:
    """The filters that are set, by name (none when the filter set is not bound)."""
    if filters is None or not filters.is_bound:
        return {}
    return {
        name: value
        for name, value in filters.form.cleaned_data.items()
        if value not in (None, "", [], ()) and name not in _NOT_FILTERS
    }


def _route_totals(data: dict, operation) -> QuerySet | None:
    """Yearly route totals, when the filters and period fit them."""
    start, end = data.get("from"), data.get("to")
    if operation is not None or set(data) - _ROUTE_FILTERS:
        return None
    if (start and (start.month, start.day) != (1, 1)) or (end and (end.month, end.day) != (12, 31)):
        return None
    # Without a category or commodity filter, the routes of every commodity together.
    by_commodity = data.get("category") or data.get("commodity")
    queryset = (SeizureRouteTotal if by_commodity else SeizureRouteSum).objects.all()
    if start:
        queryset = queryset.filter(year__gte=start)
    if end:
        queryset = queryset.filter(year__lte=end.replace(month=1, day=1))
    return queryset


def _month_totals(data: dict, operation) -> QuerySet | None:
    """Monthly totals, when the filters and period fit them."""
    start, end = data.get("from"), data.get("to")
    if set(data) - _MONTH_FILTERS:
        return None
    if (start and start.day != 1) or (end and end != _month_end(end)):
        return None
    queryset = SeizureTotal.objects.all()
    if start:
        queryset = queryset.filter(month__gte=start)
    if end:
        queryset = queryset.filter(month__lte=end.replace(day=1))
    if data.get("operation"):
        queryset = queryset.filter(operation_key=data["operation"].pk)
    if operation is not None:
        queryset = queryset.filter(operation_key=operation.pk)
    if data.get("transport_mode"):
        queryset = queryset.filter(transport_mode=data["transport_mode"])
    return queryset
