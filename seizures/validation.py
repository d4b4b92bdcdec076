"""The one validator of a seizure report, whatever its source: the browser form, the API, a
row of an imported file, or the demo data.

It works from lookups fetched once, so a file of 100,000 rows costs a handful of queries, not
one per row. Who may report for which member, from which unit, into which operation is asked
of ``seizures.permissions``; this module only applies the answers.

(Over 400 lines on purpose: it is one class with one ``_clean_*`` per field, and splitting it
would scatter the one validator the issue asks for.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial

from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from core.bulk import array_literal
from core.identifiers import (
    InvalidIdentifier,
    container_expected_check_digit,
    container_valid,
    normalise,
)
from core.identifiers import container_compact as normalise_container_number
from members.models import ControlUnit, MemberAdministration

from . import permissions
from .models import (
    UNITS,
    Commodity,
    DetectionMethod,
    Dimension,
    Operation,
    SeizureReport,
    Sharing,
    TransportMode,
    normalise_quantity,
)

_QUANTITY_MAX = Decimal("1000000000000")
_MONEY_MAX = Decimal("1000000000000")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: C0 controls but tab, line feed and carriage return, DEL and the C1 controls: no entry or
#: file cell may hold them (PostgreSQL refuses NUL outright; the others are never data).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_COUNTRY_CODES = frozenset(code for code, _name in countries)
# Computed once: an enum's .values builds a new list on every access.
_TRANSPORT_MODES = frozenset(TransportMode.values)
_DETECTION_METHODS = frozenset(DetectionMethod.values)
_SHARINGS = frozenset(Sharing.values)
_CHOOSE_TRANSPORT_MODE = gettext_lazy("Choose the transport mode.")
_CONTROL_CHARACTER_MESSAGE = gettext_lazy(
    "Control characters (such as NUL) are not allowed; remove them and try again."
)

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
_TRUE = frozenset({"1", "true", "yes", "on", "y"})
_FALSE = frozenset({"", "0", "false", "no", "off", "n"})


def has_control_characters(value) -> bool:
    if isinstance(value, str):
        return bool(CONTROL_CHARACTERS.search(value))
    if isinstance(value, list | tuple):
        return any(has_control_characters(item) for item in value)
    return False


def control_character_message() -> str:
    return str(_CONTROL_CHARACTER_MESSAGE)


def cell_text(value) -> str:
    """A cell as text: None -> "", 123.0 (a spreadsheet number) -> "123"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


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
        self._clean_transport_mode = partial(
            self._clean_choice,
            choices=TransportMode,
            codes=_TRANSPORT_MODES,
            required=True,
            missing_message=_CHOOSE_TRANSPORT_MODE,
        )
        self._clean_detection_method = partial(
            self._clean_choice,
            choices=DetectionMethod,
            codes=_DETECTION_METHODS,
            required=False,
            missing_message="",
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

    def _clean_reference(self, value):
        value = cell_text(value)
        if not value:
            raise ValueError(_("Enter the member's reference for the seizure."))
        if len(value) > 50:
            raise ValueError(_("A reference has at most 50 characters."))
        return value

    def _clean_seized_on(self, value):
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            text = cell_text(value)
            if not text:
                raise ValueError(_("Enter the date of the seizure (YYYY-MM-DD)."))
            try:
                if not _DATE_RE.match(text):
                    raise ValueError
                value = date.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    _("“%(value)s” is not a date of the form YYYY-MM-DD.") % {"value": text}
                ) from None
        if value > self.today:
            raise ValueError(_("The date of the seizure cannot be in the future."))
        return value

    def _clean_member(self, value):
        code = cell_text(value).upper()
        if not code:
            raise ValueError(_("Enter the reporting member's country code."))
        member_id = self.members.get(code)
        if member_id is None:
            raise ValueError(_("“%(code)s” is not a member of the network.") % {"code": code})
        if member_id not in self.allowed_member_ids:  # permissions.reporting_member_ids
            raise ValueError(_("You may not report seizures for %(code)s.") % {"code": code})
        return member_id

    def _clean_control_unit(self, value, member_id):
        code = cell_text(value).upper()
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
        text = cell_text(value)
        if not text:
            raise ValueError(_("Enter the commodity's code or name."))
        commodity = self.commodities.get(text.lower()) or self.commodity_names.get(text.lower())
        if commodity is None:
            raise ValueError(
                _("“%(value)s” is not a commodity of the vocabulary.") % {"value": text}
            )
        return commodity

    def _clean_quantity(self, value):
        if isinstance(value, float):
            # A spreadsheet's binary fraction (0.30000000000000004): six places are plenty to
            # tell a real fourth decimal from noise.
            text = f"{value:.6f}"
        elif isinstance(value, int) and not isinstance(value, bool):
            text = str(value)
        else:
            text = cell_text(value)
        if not text:
            raise ValueError(_("Enter the quantity."))
        try:
            quantity = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                _("“%(value)s” is not a number; use a point as the decimal separator.")
                % {"value": text}
            ) from None
        if not quantity.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
        if quantity <= 0:
            raise ValueError(_("The quantity must be greater than zero."))
        if quantity >= _QUANTITY_MAX:
            raise ValueError(_("The quantity is too large."))
        if quantity != quantity.quantize(Decimal("0.001")):
            raise ValueError(_("The quantity has at most three decimal places."))
        return quantity.quantize(Decimal("0.001"))

    def _clean_unit(self, value):
        unit = cell_text(value).lower()
        if not unit:
            raise ValueError(_("Enter the unit."))
        if unit not in UNITS:
            raise ValueError(
                _("“%(value)s” is not a unit; use one of %(units)s.")
                % {"value": cell_text(value), "units": ", ".join(UNITS)}
            )
        return unit

    def _clean_choice(self, value, choices, *, codes, required, missing_message):
        code = cell_text(value).lower()
        if not code:
            if required:
                raise ValueError(str(missing_message))
            return ""
        if code not in codes:
            raise ValueError(
                _("“%(value)s” is not one of %(codes)s.")
                % {"value": cell_text(value), "codes": ", ".join(choices.values)}
            )
        return code

    def _clean_country(self, value):
        code = cell_text(value).upper()
        if not code:
            return ""
        if code not in _COUNTRY_CODES:
            raise ValueError(
                _("“%(code)s” is not an ISO 3166-1 alpha-2 country code.") % {"code": code}
            )
        return code

    def _clean_countries(self, value):
        if isinstance(value, str):
            value = [v for v in re.split(r"[\s,;]+", value) if v]
        codes = []
        for item in value or []:
            code = self._clean_country(item)
            if code and code not in codes:
                codes.append(code)
        return codes

    def _clean_container_number(self, value):
        # A query's own normalisation: a number a query accepts, a report accepts.
        text = normalise_container_number(cell_text(value))
        if not text:
            return ""
        if not container_valid(text):
            digit = container_expected_check_digit(cell_text(value))
            if digit is not None:
                raise ValueError(
                    _(
                        "%(number)s has a wrong check digit: by ISO 6346 the last digit "
                        "should be %(digit)s."
                    )
                    % {"number": cell_text(value), "digit": digit}
                )
            raise ValueError(
                _("“%(value)s” is not a valid ISO 6346 container number.")
                % {"value": cell_text(value)}
            )
        return text

    def _clean_bill_of_lading(self, value):
        text = cell_text(value)
        if not text:
            return ""
        try:
            return normalise("bill-of-lading", text)
        except InvalidIdentifier:
            raise ValueError(
                _("“%(value)s” is not a bill of lading number (4 to 35 letters and digits).")
                % {"value": text}
            ) from None

    def _clean_air_waybill(self, value):
        text = cell_text(value)
        if not text:
            return ""
        try:
            return normalise("air-waybill", text)
        except InvalidIdentifier:
            raise ValueError(
                _(
                    "“%(value)s” is not an air waybill number (eleven digits with a check "
                    "digit, e.g. 176-12345675)."
                )
                % {"value": text}
            ) from None

    def _clean_vessel_imo(self, value):
        text = cell_text(value)
        if not text:
            return ""
        try:
            return normalise("vessel-imo", text)
        except InvalidIdentifier:
            raise ValueError(
                _("“%(value)s” is not an IMO number (seven digits with a check digit).")
                % {"value": text}
            ) from None

    def _clean_flag(self, value):
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(_("“%(value)s” is not yes or no.") % {"value": cell_text(value)})

    def _clean_persons_detained(self, value):
        text = cell_text(value)
        if not text:
            return 0
        try:
            number = int(text)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
        if number < 0:
            raise ValueError(_("The number of persons detained cannot be negative."))
        if number > 100000:
            raise ValueError(_("The number of persons detained is too large."))
        return number

    def _clean_operation(self, value, member_id):
        code = cell_text(value).lower()
        if not code:
            return None
        info = self.operations.get(code)
        if info is None:
            raise ValueError(_("“%(code)s” is not a known operation.") % {"code": cell_text(value)})
        if member_id is not None and not permissions.may_link_operation(
            member_id=member_id, operation_member_ids=info.member_ids
        ):
            raise ValueError(
                _("%(member)s does not take part in the operation %(code)s.")
                % {"member": self.member_codes.get(member_id, ""), "code": info.code}
            )
        return info.pk

    def _clean_sharing(self, value):
        code = cell_text(value).lower()
        if not code:
            return Sharing.NATIONAL
        if code not in _SHARINGS:
            raise ValueError(
                _("“%(value)s” is not one of %(codes)s.")
                % {"value": cell_text(value), "codes": ", ".join(Sharing.values)}
            )
        return code

    def _clean_text(self, value, max_length):
        text = cell_text(value)
        if len(text) > max_length:
            raise ValueError(_("At most %(max)s characters are allowed.") % {"max": max_length})
        return text

    def _clean_money(self, value):
        text = cell_text(value)
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not an amount.") % {"value": text}) from None
        if not amount.is_finite() or amount < 0:
            raise ValueError(_("The amount cannot be negative."))
        if amount >= _MONEY_MAX:
            raise ValueError(_("The amount is too large."))
        return amount.quantize(Decimal("0.01"))

    def clean(self, data: dict, *, extra: bool = False) -> tuple[dict, dict[str, str]]:
        """Check one report. Returns (model field values, {column: message})."""
        return self.clean_many([data], extra=extra)[0]

    def clean_many(
        self, rows: list[dict], *, extra: bool = False
    ) -> list[tuple[dict, dict[str, str]]]:
        """``clean`` of each row, column by column: a repeating column's distinct values are
        each checked once per validator, and the per-row work is C-level list building (an
        import checks 100,000 rows of 20 to 30 columns)."""
        count = len(rows)
        errors: list[dict[str, str]] = [{} for _ in range(count)]
        # One search over each row's text; only a row that has a control character somewhere
        # is searched cell by cell.
        suspects = [index for index, data in enumerate(rows) if _has_control_characters(data)]
        member_ids: list = [None] * count
        names: list[str] = []
        results: list[list] = []
        temporaries: dict[str, list] = {}
        for column, name, cleaner, argument in _COLUMNS + (_EXTRA_COLUMNS if extra else ()):
            func = getattr(self, cleaner)
            cells = [data.get(column) for data in rows]
            if argument is _MEMBER:
                arguments = [(member_id,) for member_id in member_ids]
            else:
                arguments = [() if argument is None else (argument,)] * count
            refused = [index for index in suspects if has_control_characters(cells[index])]
            for index in refused:
                cells[index] = None  # (not checked: refused as it is)
            outcomes = self._outcomes(column, func, cells, arguments)
            for index in refused:
                outcomes[index] = (None, control_character_message())
            column_results = [result for result, _message in outcomes]
            for index in [i for i, (_r, message) in enumerate(outcomes) if message is not None]:
                errors[index][column] = outcomes[index][1]
            if column == "member":
                member_ids = column_results
            if name is None:
                temporaries[column] = column_results
            else:
                names.append(name)
                results.append(column_results)
        cleaned = []
        for values, row_errors, commodity, quantity, unit in zip(
            (dict(zip(names, row, strict=True)) for row in zip(*results, strict=True)),
            errors,
            temporaries["commodity"],
            temporaries["quantity"],
            temporaries["unit"],
            strict=True,
        ):
            if commodity is not None and unit is not None:
                dimension = UNITS[unit][0]
                if not commodity.allows(dimension):
                    row_errors["unit"] = _(
                        "%(commodity)s cannot be reported in %(unit)s; use a unit of: "
                        "%(dimensions)s."
                    ) % {
                        "commodity": commodity.name,
                        "unit": unit,
                        "dimensions": _dimensions_phrase(commodity),
                    }
                elif quantity is not None:
                    values["quantity_base"], values["dimension"] = normalise_quantity(
                        quantity, unit
                    )
            values["commodity_id"] = commodity.pk if commodity is not None else None
            values["quantity"] = quantity
            values["unit"] = unit
            cleaned.append((values, row_errors))
        return cleaned

    def _outcomes(self, column: str, func, cells: list, arguments: list) -> list[tuple]:
        """(value, message or None) for each cell of a column: each distinct (cell, arguments)
        checked once per validator, unless the column is ``_CHECKED_EACH_TIME``."""
        if column in _CHECKED_EACH_TIME:
            return [_outcome(func, c, a) for c, a in zip(cells, arguments, strict=True)]
        memo = self._memos.setdefault(column, {})
        outcomes = []
        append = outcomes.append
        for cell, args in zip(cells, arguments, strict=True):
            # (The type is part of the key: 1, 1.0 and True are equal as dict keys.)
            key = (type(cell), cell, *args)
            try:
                append(memo[key])
            except KeyError:
                append(memo.setdefault(key, _outcome(func, cell, args)))
            except TypeError:  # an unhashable cell (a list or a mapping sent to the API)
                append(_outcome(func, cell, args))
        return outcomes


#: Marks a column whose cleaner also takes the row's member id.
_MEMBER = object()

#: (column, values key or None for a column only the end of ``clean_many`` uses, cleaner,
#: extra argument): in the order ``clean`` has always checked and returned them.
_COLUMNS = (
    ("reference", "reference", "_clean_reference", None),
    ("seized_on", "seized_on", "_clean_seized_on", None),
    ("member", "reporting_member_id", "_clean_member", None),
    ("control_unit", "control_unit_id", "_clean_control_unit", _MEMBER),
    ("commodity", None, "_clean_commodity", None),
    ("quantity", None, "_clean_quantity", None),
    ("unit", None, "_clean_unit", None),
    ("transport_mode", "transport_mode", "_clean_transport_mode", None),
    ("origin_country", "origin_country", "_clean_country", None),
    ("destination_country", "destination_country", "_clean_country", None),
    ("container_number", "container_number", "_clean_container_number", None),
    ("concealment", "concealment", "_clean_text", 200),
    ("detection_method", "detection_method", "_clean_detection_method", None),
    ("persons_detained", "persons_detained", "_clean_persons_detained", None),
    ("operation", "operation_id", "_clean_operation", _MEMBER),
    ("sharing", "sharing", "_clean_sharing", None),
    ("bill_of_lading", "bill_of_lading", "_clean_bill_of_lading", None),
    ("air_waybill", "air_waybill", "_clean_air_waybill", None),
    ("vessel_imo", "vessel_imo", "_clean_vessel_imo", None),
    ("shipper", "shipper", "_clean_text", 200),
    ("consignee", "consignee", "_clean_text", 200),
)
#: The optional columns (``extra``): the form, the API and an import that has them.
_EXTRA_COLUMNS = (
    ("vessel_or_flight", "vessel_or_flight", "_clean_text", 100),
    ("vehicle", "vehicle", "_clean_text", 100),
    ("estimated_value_usd", "estimated_value_usd", "_clean_money", None),
    ("revenue_recovered_usd", "revenue_recovered_usd", "_clean_money", None),
    ("transit_countries", "transit_countries", "_clean_countries", None),
    ("notes", "notes", "_clean_text", 5000),
    ("exclude_from_matching", "exclude_from_matching", "_clean_flag", None),
)


def _has_control_characters(data: dict) -> bool:
    """Whether any cell of a row has a control character (one search over its text)."""
    return bool(
        CONTROL_CHARACTERS.search(" ".join(v for v in data.values() if isinstance(v, str)))
    ) or has_control_characters([v for v in data.values() if isinstance(v, list | tuple)])


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
