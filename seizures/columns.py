"""The one column list of a seizure report as a table: CSV and XLSX exports, the import file
(browser and API) and its template all come from ``COLUMNS``.

Each column carries its name (the code an import file's header uses), its label (the header
a person reads, in the active language), the database path(s) its value comes from (read with
one ``values_list``) and how that value becomes a cell: text for CSV (``to_cells``), typed for
XLSX (``to_typed_cells``: numbers stay numbers and dates dates). The columns marked
``importable`` make up an import file (its template); of them only the ``required`` ones must
be there, in any order; the ``optional`` ones are imported when present; the ``derived`` ones
(computed by the portal, such as the commodity's name in the active language) are recognised
and ignored, with a note, so that an export imports unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from members.models import localized_name

from .models import BASE_UNITS, Unit


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


def _typed(value):
    """A cell for XLSX: numbers and dates as they are, lists as text, None empty."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return value


def _base_unit(dimension) -> str:
    return BASE_UNITS.get(dimension, "")


def _unit_name(unit) -> str:
    return str(Unit(unit).label) if unit in Unit.values else (unit or "")


@dataclass(frozen=True)
class Column:
    name: str
    source: str | tuple[str, ...]
    label: str = ""
    to_cell: Callable = _cell
    to_typed: Callable = _typed
    importable: bool = False
    #: An import file must have it (its cells must not be empty either).
    required: bool = False
    optional: bool = False
    derived: bool = False

    @property
    def sources(self) -> tuple[str, ...]:
        return self.source if isinstance(self.source, tuple) else (self.source,)


def _text(function):
    """A converter for a text column whose CSV and XLSX cells are the same."""
    return {"to_cell": function, "to_typed": function}


COLUMNS: list[Column] = [
    Column("reference", "reference", _("Reference"), importable=True, required=True),
    Column("seized_on", "seized_on", _("Date seized"), importable=True, required=True),
    Column("member", "reporting_member__code", _("Member"), importable=True, required=True),
    Column("control_unit", "control_unit__code", _("Control unit"), importable=True),
    Column("commodity", "commodity__code", _("Commodity code"), importable=True, required=True),
    Column(
        "commodity_name",
        ("commodity__name", "commodity__name_ru"),
        _("Commodity"),
        derived=True,
        **_text(localized_name),
    ),
    Column("category", "commodity__category", _("Category"), derived=True),
    Column("quantity", "quantity", _("Quantity"), importable=True, required=True),
    Column("unit", "unit", _("Unit code"), importable=True, required=True),
    Column("unit_name", "unit", _("Unit"), derived=True, **_text(_unit_name)),
    Column("quantity_base", "quantity_base", _("Quantity in the base unit"), derived=True),
    Column("base_unit", "dimension", _("Base unit"), derived=True, **_text(_base_unit)),
    Column("transport_mode", "transport_mode", _("Transport mode"), importable=True, required=True),
    Column("origin_country", "origin_country", _("Origin country"), importable=True),
    Column("transit_countries", "transit_countries", _("Transit countries"), optional=True),
    Column("destination_country", "destination_country", _("Destination country"), importable=True),
    Column("container_number", "container_number", _("Container number"), importable=True),
    Column("vessel_or_flight", "vessel_or_flight", _("Vessel or flight"), optional=True),
    Column("vehicle", "vehicle", _("Vehicle"), optional=True),
    Column("bill_of_lading", "bill_of_lading", _("Bill of lading"), optional=True),
    Column("air_waybill", "air_waybill", _("Air waybill"), optional=True),
    Column("vessel_imo", "vessel_imo", _("Vessel IMO number"), optional=True),
    Column("shipper", "shipper", _("Shipper"), optional=True),
    Column("consignee", "consignee", _("Consignee"), optional=True),
    Column("concealment", "concealment", _("Concealment method"), importable=True),
    Column("detection_method", "detection_method", _("Detection method"), importable=True),
    Column("persons_detained", "persons_detained", _("Persons detained"), importable=True),
    Column("estimated_value_usd", "estimated_value_usd", _("Estimated value (USD)"), optional=True),
    Column(
        "revenue_recovered_usd",
        "revenue_recovered_usd",
        _("Revenue recovered (USD)"),
        optional=True,
    ),
    Column("operation", "operation__code", _("Operation"), importable=True),
    Column("sharing", "sharing", _("Sharing"), importable=True),
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
#: Where each column's values are read from, in the order of ``COLUMNS``.
SOURCES: list[str] = [source for c in COLUMNS for source in c.sources]


def _split(values) -> list[tuple[Column, tuple]]:
    """One row of ``values_list(*SOURCES)``, each column with its own values."""
    parts, at = [], 0
    for column in COLUMNS:
        width = len(column.sources)
        parts.append((column, values[at : at + width]))
        at += width
    assert at == len(values), "a row does not match the columns"
    return parts


def to_cells(values) -> list:
    """One row of ``values_list(*SOURCES)`` as export cells (text, for CSV)."""
    return [column.to_cell(*own) for column, own in _split(values)]


def to_typed_cells(values) -> list:
    """One row of ``values_list(*SOURCES)`` as typed cells (numbers, dates), for XLSX."""
    return [column.to_typed(*own) for column, own in _split(values)]


def header_labels() -> list[str]:
    """The columns' headers in the active language."""
    return [str(column.label) for column in COLUMNS]
