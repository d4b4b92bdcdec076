"""The one validator of a seizure report, whatever its source: the browser form, the API, a
row of an imported file, or the demo data.

It works from lookups fetched once, so a file of 100,000 rows costs a handful of queries, not
one per row. Who may report for which member, from which unit, into which operation is asked
of ``seizures.permissions``; this module only applies the answers. The cleaners that need no
lookup are in ``seizures.cells``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import array_literal
from members.models import ControlUnit, MemberAdministration

from . import cells, permissions
from .models import UNITS, Commodity, Dimension, Operation, SeizureReport, normalise_quantity

#: The optional fields a person may enter beyond the columns of an import file.
EXTRA_FIELDS = [
    "vessel_or_flight",
    "vehicle",
    "estimated_value_usd",
    "revenue_recovered_usd",
    "transit_countries",
    "notes",
    "exclude_from_matching",
]


#: The identifiers cross-country matching reads (optional columns of an import file).
IDENTIFIER_FIELDS = ["bill_of_lading", "air_waybill", "vessel_imo", "shipper", "consignee"]


def _dimension_units(dimension: str) -> str:
    return ", ".join(u for u, (d, _f) in UNITS.items() if d == dimension)


def _dimensions_phrase(commodity: Commodity) -> str:
    labels = dict(Dimension.choices)
    return "; ".join(f"{labels[d]} ({_dimension_units(d)})" for d in commodity.dimensions)


@dataclass
class _OperationInfo:
    pk: int
    code: str
    member_ids: set[int] = field(default_factory=set)


#: The columns checked cell by cell: values mostly unique (references, identifiers, notes),
#: or a list that rows must not share. Every other column's few values repeat over an
#: import's rows (dates, members, units, codes, empty optional cells): each value is checked
#: once per validator (``SeizureValidator._memos``).
_CHECKED_EACH_TIME = frozenset(
    ("reference", "container_number", "bill_of_lading", "air_waybill", "vessel_imo", "shipper",
     "consignee", "notes", "transit_countries")
)  # fmt: skip


def _outcome(func, value, args) -> tuple[object, str | None]:
    """``func(value, *args)`` as (value, None), or (None, its message) if it is refused."""
    try:
        return func(value, *args), None
    except ValueError as error:
        return None, str(error)


class SeizureValidator:
    """Checks seizure reports against lookups fetched once for the given user (or, for the
    demo data only, for the members given as ``member_ids``)."""

    def __init__(self, *, user, member_ids: Iterable[int] | None = None):
        self.user = user
        self.today = timezone.localdate()
        if member_ids is None:
            self.allowed_member_ids = permissions.reporting_member_ids(user)
            units = permissions.reporting_control_units(user)
        else:
            self.allowed_member_ids = frozenset(member_ids)
            units = ControlUnit.objects.filter(member_id__in=self.allowed_member_ids)
        self.members = {
            str(code): pk for pk, code in MemberAdministration.objects.values_list("pk", "code")
        }
        self.member_codes = {pk: code for code, pk in self.members.items()}
        self.control_units = {
            code.upper(): (pk, member_id)
            for pk, code, member_id in units.values_list("pk", "code", "member_id")
        }
        self.commodities: dict[str, Commodity] = {}
        self.commodity_names: dict[str, Commodity] = {}
        for commodity in Commodity.objects.filter(active=True):
            self.commodities[commodity.code.lower()] = commodity
            self.commodity_names[commodity.name.lower()] = commodity
        self.operations: dict[str, _OperationInfo] = {}
        for pk, code, coordinator in Operation.objects.values_list(
            "pk", "code", "coordinating_member_id"
        ):
            self.operations[code.lower()] = _OperationInfo(
                pk=pk, code=code, member_ids={coordinator}
            )
        #: Each repeating column's outcomes by cell (all but ``_CHECKED_EACH_TIME``). The cleaners
        #: depend only on the cell, the arguments given and what was read above.
        self._memos: dict[str, dict] = {}
        by_pk = {info.pk: info for info in self.operations.values()}
        through = Operation.participating_members.through
        for operation_id, member_id in through.objects.values_list(
            "operation_id", "memberadministration_id"
        ):
            by_pk[operation_id].member_ids.add(member_id)

    # Each ``_clean_*`` returns the value or raises ValueError with the message to show.

    def _clean_seized_on(self, value):
        return cells.clean_seized_on(value, self.today)

    def _clean_member(self, value):
        code = cells.cell_text(value).upper()
        if not code:
            raise ValueError(_("Enter the reporting member's country code."))
        member_id = self.members.get(code)
        if member_id is None:
            raise ValueError(_("“%(code)s” is not a member of the network.") % {"code": code})
        if member_id not in self.allowed_member_ids:  # permissions.reporting_member_ids
            raise ValueError(_("You may not report seizures for %(code)s.") % {"code": code})
        return member_id

    def _clean_control_unit(self, value, member_id):
        code = cells.cell_text(value).upper()
        if not code:
            return None
        unit = self.control_units.get(code)
        if unit is None:
            raise ValueError(_("“%(code)s” is not a known control unit.") % {"code": code})
        if member_id is not None and unit[1] != member_id:
            raise ValueError(
                _("The control unit %(code)s belongs to another member.") % {"code": code}
            )
        return unit[0]

    def _clean_commodity(self, value):
        text = cells.cell_text(value)
        if not text:
            raise ValueError(_("Enter the commodity's code or name."))
        commodity = self.commodities.get(text.lower()) or self.commodity_names.get(text.lower())
        if commodity is None:
            raise ValueError(
                _("“%(value)s” is not a commodity of the vocabulary.") % {"value": text}
            )
        return commodity

    def _clean_operation(self, value, member_id):
        code = cells.cell_text(value).lower()
        if not code:
            return None
        info = self.operations.get(code)
        if info is None:
            raise ValueError(
                _("“%(code)s” is not a known operation.") % {"code": cells.cell_text(value)}
            )
        if member_id is not None and not permissions.may_link_operation(
            member_id=member_id, operation_member_ids=info.member_ids
        ):
            raise ValueError(
                _("%(member)s does not take part in the operation %(code)s.")
                % {"member": self.member_codes.get(member_id, ""), "code": info.code}
            )
        return info.pk

    def clean(self, data: dict, *, extra: bool = False) -> tuple[dict, dict[str, str]]:
        """Check one report. Returns (model field values, {column: message})."""
        return self.clean_many([data], extra=extra)[0]

    def clean_many(
        self, rows: list[dict], *, extra: bool = False
    ) -> list[tuple[dict, dict[str, str]]]:
        """``clean`` of each row, column by column: a repeating column's distinct values are
        each checked once per validator, and the per-row work is C-level list building (an
        import checks 100,000 rows of 20 to 30 columns)."""
        checked = self._check_columns(rows, extra=extra)
        return [
            _quantity_finish(values, row_errors, commodity, quantity, unit)
            for values, row_errors, commodity, quantity, unit in zip(
                (
                    dict(zip(checked.names, row, strict=True))
                    for row in zip(*checked.results, strict=True)
                ),
                checked.errors,
                checked.temporaries["commodity"],
                checked.temporaries["quantity"],
                checked.temporaries["unit"],
                strict=True,
            )
        ]

    def _check_columns(self, rows: list[dict], *, extra: bool) -> _Checked:
        """Every column of ``rows`` through its cleaner, in the order of ``_COLUMNS``."""
        count = len(rows)
        checked = _Checked(errors=[{} for _ in range(count)])
        # One search over each row's text; only a row that has a control character somewhere
        # is searched cell by cell.
        suspects = [i for i, data in enumerate(rows) if cells.row_has_control_characters(data)]
        member_ids: list = [None] * count
        for column, name, cleaner, argument in _COLUMNS + (_EXTRA_COLUMNS if extra else ()):
            if argument is _MEMBER:
                arguments = [(member_id,) for member_id in member_ids]
            else:
                arguments = [() if argument is None else (argument,)] * count
            column_cells = [data.get(column) for data in rows]
            column_results = self._check_column(
                column, cleaner, column_cells, arguments, suspects, checked.errors
            )
            if column == "member":
                member_ids = column_results
            if name is None:
                checked.temporaries[column] = column_results
            else:
                checked.names.append(name)
                checked.results.append(column_results)
        return checked

    def _check_column(
        self, column: str, cleaner, column_cells: list, arguments: list, suspects, errors
    ) -> list:
        """One column's values (None where refused), each refusal's message written into
        ``errors``. A cell with a control character is refused as it is, never cleaned."""
        func = getattr(self, cleaner) if isinstance(cleaner, str) else cleaner
        refused = [i for i in suspects if cells.has_control_characters(column_cells[i])]
        for index in refused:
            column_cells[index] = None  # (not checked: refused as it is)
        outcomes = self._outcomes(column, func, column_cells, arguments)
        for index in refused:
            outcomes[index] = (None, cells.control_character_message())
        for index in [i for i, (_r, message) in enumerate(outcomes) if message is not None]:
            errors[index][column] = outcomes[index][1]
        return [result for result, _message in outcomes]

    def _outcomes(self, column: str, func, column_cells: list, arguments: list) -> list[tuple]:
        """(value, message or None) for each cell of a column: each distinct (cell, arguments)
        checked once per validator, unless the column is ``_CHECKED_EACH_TIME``."""
        if column in _CHECKED_EACH_TIME:
            return [_outcome(func, c, a) for c, a in zip(column_cells, arguments, strict=True)]
        memo = self._memos.setdefault(column, {})
        outcomes = []
        append = outcomes.append
        for cell, args in zip(column_cells, arguments, strict=True):
            # (The type is part of the key: 1, 1.0 and True are equal as dict keys.)
            key = (type(cell), cell, *args)
            try:
                append(memo[key])
            except KeyError:
                append(memo.setdefault(key, _outcome(func, cell, args)))
            except TypeError:  # an unhashable cell (a list or a mapping sent to the API)
                append(_outcome(func, cell, args))
        return outcomes


@dataclass
class _Checked:
    """What ``SeizureValidator._check_columns`` found: each row's errors by column, the
    values of the named columns, and the columns only ``clean_many``'s end uses."""

    errors: list[dict[str, str]]
    names: list[str] = field(default_factory=list)
    results: list[list] = field(default_factory=list)
    temporaries: dict[str, list] = field(default_factory=dict)


def _quantity_finish(values: dict, row_errors: dict, commodity, quantity, unit):
    """One row's commodity, quantity and unit, checked together: the unit must be of a
    dimension the commodity allows; the quantity is normalised to that dimension's base."""
    if commodity is not None and unit is not None:
        dimension = UNITS[unit][0]
        if not commodity.allows(dimension):
            row_errors["unit"] = _(
                "%(commodity)s cannot be reported in %(unit)s; use a unit of: %(dimensions)s."
            ) % {
                "commodity": commodity.name,
                "unit": unit,
                "dimensions": _dimensions_phrase(commodity),
            }
        elif quantity is not None:
            values["quantity_base"], values["dimension"] = normalise_quantity(quantity, unit)
    values["commodity_id"] = commodity.pk if commodity is not None else None
    values["quantity"] = quantity
    values["unit"] = unit
    return values, row_errors


#: Marks a column whose cleaner also takes the row's member id.
_MEMBER = object()

#: (column, values key or None for a column only the end of ``clean_many`` uses, cleaner,
#: extra argument): in the order ``clean`` has always checked and returned them.
_COLUMNS = (
    ("reference", "reference", cells.clean_reference, None),
    ("seized_on", "seized_on", "_clean_seized_on", None),
    ("member", "reporting_member_id", "_clean_member", None),
    ("control_unit", "control_unit_id", "_clean_control_unit", _MEMBER),
    ("commodity", None, "_clean_commodity", None),
    ("quantity", None, cells.clean_quantity, None),
    ("unit", None, cells.clean_unit, None),
    ("transport_mode", "transport_mode", cells.clean_transport_mode, None),
    ("origin_country", "origin_country", cells.clean_country, None),
    ("destination_country", "destination_country", cells.clean_country, None),
    ("container_number", "container_number", cells.clean_container_number, None),
    ("concealment", "concealment", cells.clean_text, 200),
    ("detection_method", "detection_method", cells.clean_detection_method, None),
    ("persons_detained", "persons_detained", cells.clean_persons_detained, None),
    ("operation", "operation_id", "_clean_operation", _MEMBER),
    ("sharing", "sharing", cells.clean_sharing, None),
    ("bill_of_lading", "bill_of_lading", cells.clean_bill_of_lading, None),
    ("air_waybill", "air_waybill", cells.clean_air_waybill, None),
    ("vessel_imo", "vessel_imo", cells.clean_vessel_imo, None),
    ("shipper", "shipper", cells.clean_text, 200),
    ("consignee", "consignee", cells.clean_text, 200),
)
#: The optional columns (``extra``): the form, the API and an import that has them.
_EXTRA_COLUMNS = (
    ("vessel_or_flight", "vessel_or_flight", cells.clean_text, 100),
    ("vehicle", "vehicle", cells.clean_text, 100),
    ("estimated_value_usd", "estimated_value_usd", cells.clean_money, None),
    ("revenue_recovered_usd", "revenue_recovered_usd", cells.clean_money, None),
    ("transit_countries", "transit_countries", cells.clean_countries, None),
    ("notes", "notes", cells.clean_text, 5000),
    ("exclude_from_matching", "exclude_from_matching", cells.clean_flag, None),
)


def references_taken(pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (member id, reference) pairs already exist: one query per member, its references
    sent as one array."""
    by_member: dict[int, list[str]] = {}
    for member_id, reference in pairs:
        by_member.setdefault(member_id, []).append(reference)
    taken: set[tuple[int, str]] = set()
    for member_id, references in by_member.items():
        taken.update(
            (member_id, reference)
            for reference in SeizureReport.objects.filter(
                reporting_member_id=member_id,
                reference__in=RawSQL("SELECT unnest(%s::varchar[])", [array_literal(references)]),
            ).values_list("reference", flat=True)
        )
    return taken
