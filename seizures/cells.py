"""Cell cleaners of a seizure report: each turns one value (a form entry, an API value, a
file's cell) into a field value, or raises ``ValueError`` with the message to show. They
depend on nothing but the value; the checks that need lookups (members, units,
commodities, operations) are ``SeizureValidator``'s, in ``seizures.validation``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from core.identifiers import (
    InvalidIdentifier,
    container_compact,
    container_expected_check_digit,
    container_valid,
    normalise,
)

from .models import UNITS, DetectionMethod, Sharing, TransportMode

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


def clean_reference(value):
    value = cell_text(value)
    if not value:
        raise ValueError(_("Enter the member's reference for the seizure."))
    if len(value) > 50:
        raise ValueError(_("A reference has at most 50 characters."))
    return value


def clean_seized_on(value, today: date):
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
    if value > today:
        raise ValueError(_("The date of the seizure cannot be in the future."))
    return value


def clean_quantity(value):
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


def clean_unit(value):
    unit = cell_text(value).lower()
    if not unit:
        raise ValueError(_("Enter the unit."))
    if unit not in UNITS:
        raise ValueError(
            _("“%(value)s” is not a unit; use one of %(units)s.")
            % {"value": cell_text(value), "units": ", ".join(UNITS)}
        )
    return unit


def clean_choice(value, choices, *, codes, required, missing_message):
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


def clean_country(value):
    code = cell_text(value).upper()
    if not code:
        return ""
    if code not in _COUNTRY_CODES:
        raise ValueError(
            _("“%(code)s” is not an ISO 3166-1 alpha-2 country code.") % {"code": code}
        )
    return code


def clean_countries(value):
    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,;]+", value) if v]
    codes = []
    for item in value or []:
        code = clean_country(item)
        if code and code not in codes:
            codes.append(code)
    return codes


def clean_container_number(value):
    """Matching's normalisation: a number a query accepts, a report accepts; a wrong check
    digit is named."""
    raw = cell_text(value)
    text = container_compact(raw)
    if not text:
        return ""
    if not container_valid(text):
        digit = container_expected_check_digit(raw)
        if digit is not None:
            raise ValueError(
                _(
                    "“%(value)s” has a wrong check digit: by ISO 6346 the last digit should be "
                    "%(digit)s."
                )
                % {"value": raw, "digit": digit}
            )
        raise ValueError(
            _("“%(value)s” is not a valid ISO 6346 container number.") % {"value": raw}
        )
    return text


def _clean_identifier(value, kind: str, message) -> str:
    """A cell as the normalised identifier of ``kind``, or "" if empty."""
    text = cell_text(value)
    if not text:
        return ""
    try:
        return normalise(kind, text)
    except InvalidIdentifier:
        raise ValueError(str(message) % {"value": text}) from None


clean_bill_of_lading = partial(
    _clean_identifier,
    kind="bill-of-lading",
    message=gettext_lazy(
        "“%(value)s” is not a bill of lading number (4 to 35 letters and digits)."
    ),
)
clean_air_waybill = partial(
    _clean_identifier,
    kind="air-waybill",
    message=gettext_lazy(
        "“%(value)s” is not an air waybill number (eleven digits with a check "
        "digit, e.g. 176-12345675)."
    ),
)
clean_vessel_imo = partial(
    _clean_identifier,
    kind="vessel-imo",
    message=gettext_lazy("“%(value)s” is not an IMO number (seven digits with a check digit)."),
)


def clean_flag(value):
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_("“%(value)s” is not yes or no.") % {"value": cell_text(value)})


def clean_persons_detained(value):
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


def clean_sharing(value):
    code = cell_text(value).lower()
    if not code:
        return Sharing.NATIONAL
    if code not in _SHARINGS:
        raise ValueError(
            _("“%(value)s” is not one of %(codes)s.")
            % {"value": cell_text(value), "codes": ", ".join(Sharing.values)}
        )
    return code


def clean_text(value, max_length):
    text = cell_text(value)
    if len(text) > max_length:
        raise ValueError(_("At most %(max)s characters are allowed.") % {"max": max_length})
    return text


def clean_money(value):
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


def row_has_control_characters(data: dict) -> bool:
    """Whether any cell of a row has a control character (one search over its text)."""
    return bool(
        CONTROL_CHARACTERS.search(" ".join(v for v in data.values() if isinstance(v, str)))
    ) or has_control_characters([v for v in data.values() if isinstance(v, list | tuple)])


clean_transport_mode = partial(
    clean_choice,
    choices=TransportMode,
    codes=_TRANSPORT_MODES,
    required=True,
    missing_message=_CHOOSE_TRANSPORT_MODE,
)
clean_detection_method = partial(
    clean_choice,
    choices=DetectionMethod,
    codes=_DETECTION_METHODS,
    required=False,
    missing_message="",
)
