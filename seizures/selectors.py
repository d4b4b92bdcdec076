"""Reads of the seizures domain. Every one starts from ``restrict_seizures``: a ``national``
report never reaches anyone outside its member, in lists, details, exports, statistics or
operation pages."""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache

from django.db import connection
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from members.selectors import member_vocabulary

from .columns import SOURCES, to_cells, to_typed_cells
from .models import (
    BASE_UNITS,
    Category,
    DetectionMethod,
    Operation,
    SeizureReport,
    TransportMode,
)
from .permissions import restrict_operations, restrict_seizure_totals, restrict_seizures
from .totals import MONTH_GROUPING_COLUMNS, totals_source
from .vocabulary import commodity_vocabulary

#: Base units in the order totals are given.
BASE_UNIT_ORDER = ["kg", "l", "pieces"]
_DIMENSION_UNIT = dict(BASE_UNITS)
#: The report list's order, latest seizure first: also the keyset of its pages.
SEIZURE_LIST_ORDERING = ("-seized_on", "-pk")


def _scoped(user, filters=None, *, operation: Operation | None = None) -> QuerySet:
    """The reports the user may read, narrowed by a validated FilterSet (and an operation)."""
    queryset = restrict_seizures(user)
    if filters is not None and filters.is_bound:
        queryset = filters.filter_queryset(queryset)
    if operation is not None:
        queryset = queryset.filter(operation_id=operation.pk)
    return queryset


def seizure_list(*, user, filters=None) -> QuerySet:
    """The seizure reports the user may read, filtered (``filters``: a validated
    ``SeizureFilterSet``), with what a list shows."""
    queryset = (
        restrict_seizures(user)
        .select_related("reporting_member", "commodity", "operation", "control_unit")
        .order_by(*SEIZURE_LIST_ORDERING)
    )
    # Filtered after the default order, so that a FilterSet's sort (if any) replaces it.
    if filters is not None and filters.is_bound:
        queryset = filters.filter_queryset(queryset)
    return queryset


def seizure_count(*, user, filters=None) -> int:
    return _scoped(user, filters).count()


def seizure_get(*, user, pk: int) -> SeizureReport | None:
    return seizure_list(user=user).filter(pk=pk).first()


@lru_cache(maxsize=16)
def _country_names(language: str) -> dict[str, str]:
    """Country names in one language (django-countries translates and sorts on each call)."""
    return {code: str(name) for code, name in countries}


def _group_fields(group_by: str):
    """(values to group on, how to make key and label from a row). Commodities and members
    are grouped by their integer ids, without a join; their codes and names come from one
    small lookup."""
    categories = dict(Category.choices)
    modes = dict(TransportMode.choices)
    methods = dict(DetectionMethod.choices)
    if group_by in ("category", "commodity"):
        commodities = {c.pk: (c.code, c.display_name, c.category) for c in commodity_vocabulary()}
        if group_by == "category":
            return ["commodity_id"], lambda r: (
                commodities[r["commodity_id"]][2],
                str(categories.get(commodities[r["commodity_id"]][2], "")),
            )
        return ["commodity_id"], lambda r: commodities[r["commodity_id"]][:2]
    if group_by == "member":
        members = {
            member.pk: (str(member.code), member.display_name) for member in member_vocabulary()
        }
        return ["reporting_member_id"], lambda r: members[r["reporting_member_id"]]
    if group_by == "month":
        return ["month"], lambda r: (
            r["month"].strftime("%Y-%m"),
            formats.date_format(r["month"], "YEAR_MONTH_FORMAT"),
        )
    if group_by == "transport_mode":
        return ["transport_mode"], lambda r: (
            r["transport_mode"],
            str(modes.get(r["transport_mode"], r["transport_mode"])),
        )
    if group_by == "detection_method":
        return ["detection_method"], lambda r: (
            r["detection_method"] or "unknown",
            str(methods.get(r["detection_method"], "")) or _("Not recorded"),
        )
    if group_by == "route":
        names = _country_names(get_language() or "en")
        route, unknown = _("%(origin)s → %(destination)s"), _("unknown")
        return ["origin_country", "destination_country"], lambda r: (
            f"{r['origin_country'] or '??'}-{r['destination_country'] or '??'}",
            route
            % {
                "origin": names.get(r["origin_country"]) or unknown,
                "destination": names.get(r["destination_country"]) or unknown,
            },
        )
    raise ValueError(group_by)


def _total_rows(user, filters, group_by: str, operation: Operation | None):
    """The aggregate rows of one grouping: ``{<group fields>, "dimension", "count", "total"}``."""
    fields, _describe = _group_fields(group_by)
    source = totals_source(filters=filters, group_by=group_by, operation=operation)
    if source is not None:
        # The pre-aggregated totals hold these filters and this grouping: thousands of cells
        # to add up instead of up to millions of reports.
        return (
            restrict_seizure_totals(user, source)
            .order_by()
            .values(*fields, "dimension")
            .annotate(count=Sum("reports"), total=Sum("quantity_base"))
        )
    queryset = _scoped(user, filters, operation=operation)
    if group_by == "month":
        queryset = queryset.annotate(month=TruncMonth("seized_on"))
    return (
        queryset.order_by()
        .values(*fields, "dimension")
        .annotate(count=Count("pk"), total=Sum("quantity_base"))
    )


def _groups(rows, group_by: str) -> list[dict]:
    """Aggregate rows (per grouping key and dimension) as ordered groups with their totals per
    base unit."""
    fields, describe = _group_fields(group_by)
    groups: OrderedDict[str, dict] = OrderedDict()
    described: dict[tuple, tuple] = {}  # one key and label per group, not per row
    for row in rows:
        values = tuple(row[field] for field in fields)
        if values not in described:
            described[values] = describe(row)
        key, label = described[values]
        group = groups.setdefault(key, {"key": key, "label": label, "count": 0, "totals": {}})
        group["count"] += row["count"]
        unit = _DIMENSION_UNIT[row["dimension"]]
        group["totals"][unit] = group["totals"].get(unit, 0) + row["total"]
    results = []
    for group in groups.values():
        group["totals"] = {
            unit: float(group["totals"][unit])
            for unit in BASE_UNIT_ORDER
            if unit in group["totals"]
        }
        results.append(group)
    if group_by == "month":
        results.sort(key=lambda g: g["key"])
    else:
        results.sort(key=lambda g: (-g["count"], g["key"]))
    return results


def seizure_totals(
    *, user, filters=None, group_by: str, operation: Operation | None = None
) -> list[dict]:
    """Counts and totals per base unit of the reports the user may read, grouped by
    ``group_by`` (one of ``GROUP_BY_CHOICES``), in one aggregate query (plus, for commodity,
    category and member, one lookup of their codes and names):

    ``[{"key": "heroin", "label": "Heroin", "count": 9, "totals": {"kg": 580.0}}, ...]``
    """
    return _groups(_total_rows(user, filters, group_by, operation), group_by)


def seizure_totals_many(*, user, filters=None, groupings) -> dict[str, list[dict]]:
    """``seizure_totals`` for several groupings at once (the dashboard's charts). Those the
    monthly totals answer come from one scan of them (``GROUPING SETS``); category is added
    up from the commodity rows. The others are one aggregate each."""
    shared = [
        name
        for name in groupings
        if name in MONTH_GROUPING_COLUMNS
        and totals_source(filters=filters, group_by=name) is not None
    ]
    rows = _month_table_rows(user, filters, shared) if len(shared) > 1 else {}
    return {
        name: _groups(rows[name] if name in rows else _total_rows(user, filters, name, None), name)
        for name in groupings
    }


def _month_table_rows(user, filters, groupings: list[str]) -> dict[str, list[dict]]:
    """One statement over the restricted monthly totals, grouped by every column the
    groupings read at once; the rows of each grouping set are told apart by ``GROUPING()``."""
    columns = list(dict.fromkeys(MONTH_GROUPING_COLUMNS[name] for name in groupings))
    source = totals_source(filters=filters, group_by=groupings[0])
    cells = (
        restrict_seizure_totals(user, source)
        .order_by()
        .values(*columns, "dimension", "reports", "quantity_base")
    )
    sql, params = cells.query.sql_with_params()
    listed = ", ".join(columns)
    sets = ", ".join(f"({column}, dimension)" for column in columns)
    statement = (
        f"SELECT {listed}, dimension, GROUPING({listed}) AS grouped, "
        f"SUM(reports) AS count, SUM(quantity_base) AS total "
        f"FROM ({sql}) AS cells GROUP BY GROUPING SETS ({sets})"
    )
    by_column: dict[str, list[dict]] = {column: [] for column in columns}
    # GROUPING() sets the bit of every column left out of the row's set (first column first).
    bit_column = {
        (1 << len(columns)) - 1 - (1 << (len(columns) - 1 - index)): column
        for index, column in enumerate(columns)
    }
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        names = [description[0] for description in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            by_column[bit_column[row["grouped"]]].append(row)
    return {name: by_column[MONTH_GROUPING_COLUMNS[name]] for name in groupings}


def units_present(results: list[dict]) -> list[str]:
    present = {unit for r in results for unit in r["totals"]}
    return [unit for unit in BASE_UNIT_ORDER if unit in present]


def operation_list(*, user) -> QuerySet:
    """Operations are known network-wide (their figures are restricted, not their names)."""
    return (
        restrict_operations(user)
        .select_related("coordinating_member")
        .prefetch_related("participating_members")
    )


def operation_results(*, user, operation: Operation) -> dict:
    """An operation's results by participant and by commodity, within what the user may
    read (two aggregate queries)."""
    by_member = seizure_totals(user=user, group_by="member", operation=operation)
    by_commodity = seizure_totals(user=user, group_by="commodity", operation=operation)
    totals: dict[str, float] = {}
    for row in by_commodity:
        for unit, value in row["totals"].items():
            totals[unit] = totals.get(unit, 0) + value
    return {
        "by_member": by_member,
        "by_commodity": by_commodity,
        "count": sum(r["count"] for r in by_commodity),
        "totals": {u: totals[u] for u in BASE_UNIT_ORDER if u in totals},
        "units_by_member": units_present(by_member),
        "units_by_commodity": units_present(by_commodity),
    }


def seizure_export_rows(*, user, filters=None, typed: bool = False):
    """The filtered reports the user may read, as rows of cells in the order of
    ``seizures.columns.COLUMNS`` (streamed): text cells, or with ``typed`` numbers and dates
    as they are (for XLSX)."""
    queryset = _scoped(user, filters).order_by("seized_on", "pk").values_list(*SOURCES)
    convert = to_typed_cells if typed else to_cells
    for values in queryset.iterator(chunk_size=2000):
        yield convert(values)
