"""Checks of what a profile and a random rate carry, field by field: ``profile_clean`` returns
the values to store or raises one field-keyed ``Invalid`` (a 400 naming each field)."""

from __future__ import annotations

import math
from datetime import date

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from arrivals.models import TransportMode
from core.exceptions import Invalid

from .criteria import InvalidCriteria, criteria_clean
from .models import VERSIONED_FIELDS, ProfileLane, ProfileScope, RiskProfile

NAME_MAX = 120
DESCRIPTION_MAX = 2000


def _text(value, errors: dict, field: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        errors[field] = [_("This field is required.")]
        return ""
    value = value.strip()
    if len(value) > limit:
        errors[field] = [
            _("Ensure this field has no more than %(limit)s characters.") % {"limit": limit}
        ]
    return value


def _choice(value, errors: dict, field: str, choices) -> str:
    if value not in choices.values:
        errors[field] = [
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(choices.values)}
        ]
        return ""
    return value


def _modes(value, errors: dict) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or any(v not in TransportMode.values for v in value):
        errors["modes"] = [
            _("Give a list of modes of transport, each one of: %(choices)s.")
            % {"choices": ", ".join(TransportMode.values)}
        ]
        return []
    return sorted(set(value), key=TransportMode.values.index)


def _date(value, errors: dict, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    parsed = None
    try:
        parsed = parse_date(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        errors[field] = [_("Give a date as YYYY-MM-DD.")]
    return parsed


def _bool(value, errors: dict, field: str) -> bool:
    if not isinstance(value, bool):
        errors[field] = [_("Give true or false.")]
        return False
    return value


def profile_state(profile: RiskProfile) -> dict:
    """The versioned fields of a profile, as JSON (dates as text)."""
    state = {name: getattr(profile, name) for name in VERSIONED_FIELDS}
    for name in ("valid_from", "valid_until"):
        state[name] = state[name].isoformat() if state[name] else None
    return state


def profile_clean(data: dict, *, current: RiskProfile | None = None) -> dict:
    """The profile's values from ``data`` (the API's field names). A field ``data`` leaves
    out keeps its current value (a new profile: its default). Raises ``Invalid``."""
    if current is not None:
        merged = {**profile_state(current), **data}
    else:
        merged = {"scope": "national", "lane": "amber", "modes": [], "active": False, **data}
    errors: dict[str, list[str]] = {}
    values = {
        "name": _text(merged.get("name"), errors, "name", NAME_MAX),
        "description": _text(merged.get("description"), errors, "description", DESCRIPTION_MAX),
        "scope": _choice(merged.get("scope"), errors, "scope", ProfileScope),
        "lane": _choice(merged.get("lane"), errors, "lane", ProfileLane),
        "modes": _modes(merged.get("modes"), errors),
        "active": _bool(merged.get("active"), errors, "active"),
        "valid_from": _date(merged.get("valid_from"), errors, "valid_from"),
        "valid_until": _date(merged.get("valid_until"), errors, "valid_until"),
    }
    try:
        values["criteria"] = criteria_clean(merged.get("criteria"))
    except InvalidCriteria as invalid:
        errors["criteria"] = invalid.messages
    start, end = values["valid_from"], values["valid_until"]
    if start and end and start > end and "valid_until" not in errors:
        errors["valid_until"] = [_("The end of validity comes before its start.")]
    if errors:
        raise Invalid(errors)
    return values


def random_rate_clean(data) -> float:
    """``{"random_rate": 0.0–1.0}``; raises ``Invalid``."""
    value = data.get("random_rate") if isinstance(data, dict) else None
    message = _("Give a number from 0 to 1 (0.05 is 5 %).")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Invalid({"random_rate": [message]})
    try:
        rate = float(value)
    except ValueError:
        raise Invalid({"random_rate": [message]}) from None
    if not math.isfinite(rate) or not 0.0 <= rate <= 1.0:
        raise Invalid({"random_rate": [message]})
    return rate
