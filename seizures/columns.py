"""The one column list of a seizure report as a table: CSV and XLSX exports, the import file
(browser and API) and its template all come from ``COLUMNS``.

Each column carries its name, the database path its value comes from (read with one
``values_list``) and how that value becomes a cell. The columns marked ``importable`` make up an
import file (its template); of them only the ``required`` ones must be there, in any order; the
``optional`` ones are imported when present; the
``derived`` ones (computed by the portal) are recognised and ignored, with a note, so that an
export imports unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .models import BASE_UNITS


def plain_decimal(value: Decimal) -> str:
    """55.000 -> "55", 0.500000000 -> "0.5", 1000 -> "1000" (never "1E+3")."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return value


def _base_unit(dimension) -> str:
    return BASE_UNITS.get(dimension, "")


@dataclass(frozen=True)
class Column:
    name: str
    source: str
    to_cell: Callable = _cell
    importable: bool = False
    #: An import file must have it (its cells must not be empty either).
    required: bool = False
    optional: bool = False
    derived: bool = False


COLUMNS: list[Column] = [
    Column("reference", "reference", importable=True, required=True),
    Column("seized_on", "seized_on", importable=True, required=True),
    Column("member", "reporting_member__code", importable=True, required=True),
    Column("control_unit", "control_unit__code", importable=True),
    Column("commodity", "commodity__code", importable=True, required=True),
    Column("category", "commodity__category", derived=True),
    Column("quantity", "quantity", importable=True, required=True),
    Column("unit", "unit", importable=True, required=True),
    Column("quantity_base", "quantity_base", derived=True),
    Column("base_unit", "dimension", to_cell=_base_unit, derived=True),
    Column("transport_mode", "transport_mode", importable=True, required=True),
    Column("origin_country", "origin_country", importable=True),
    Column("transit_countries", "transit_countries", optional=True),
    Column("destination_country", "destination_country", importable=True),
    Column("container_number", "container_number", importable=True),
    Column("vessel_or_flight", "vessel_or_flight", optional=True),
    Column("vehicle", "vehicle", optional=True),
    Column("bill_of_lading", "bill_of_lading", optional=True),
    Column("air_waybill", "air_waybill", optional=True),
    Column("vessel_imo", "vessel_imo", optional=True),
    Column("shipper", "shipper", optional=True),
    Column("consignee", "consignee", optional=True),
    Column("concealment", "concealment", importable=True),
    Column("detection_method", "detection_method", importable=True),
    Column("persons_detained", "persons_detained", importable=True),
    Column("estimated_value_usd", "estimated_value_usd", optional=True),
    Column("revenue_recovered_usd", "revenue_recovered_usd", optional=True),
    Column("operation", "operation__code", importable=True),
    Column("sharing", "sharing", importable=True),
]

#: The names of an export's columns.
EXPORT_COLUMNS: list[str] = [c.name for c in COLUMNS]
#: The columns of an import file (its template has them all, in this order).
IMPORT_COLUMNS: list[str] = [c.name for c in COLUMNS if c.importable]
#: The columns an import file must have; any other may be left out (its cells count as empty).
IMPORT_REQUIRED_COLUMNS: list[str] = [c.name for c in COLUMNS if c.required]
#: Columns an import file may have: imported when present.
IMPORT_OPTIONAL_COLUMNS: list[str] = [c.name for c in COLUMNS if c.optional]
#: Columns of an export the portal computes: an import recognises and ignores them.
DERIVED_COLUMNS: list[str] = [c.name for c in COLUMNS if c.derived]
#: Where each column's value is read from, in the order of ``COLUMNS``.
SOURCES: list[str] = [c.source for c in COLUMNS]


def to_cells(values) -> list:
    """One row of ``values_list(*SOURCES)`` as export cells."""
    return [column.to_cell(value) for column, value in zip(COLUMNS, values, strict=True)]
