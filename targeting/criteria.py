"""A risk profile's criteria: checked when a profile is written, compiled once, evaluated on a
notice's facts.

A criterion is ``{"field", "op", "value"}``; all of a profile's criteria must hold, and a list
value matches when any of its items does. Each field allows one kind of operator:

- ``hs_code`` ``prefix``: any goods line's HS code starts with one of the prefixes;
- ``description`` ``contains``: any goods description contains one of the words, ignoring
  case and Latin/Cyrillic script;
- ``place_of_loading``, ``place_of_discharge``, ``transit_country``, ``shipper_country``,
  ``consignee_country``, ``from_member``, ``container_owner``, ``vessel_imo`` ``in``;
- ``shipper`` and ``consignee`` ``equals``: company names compared as matching compares them;
- ``gross_kg_per_package`` ``gt`` / ``lt``: any goods line's gross mass per package;
- ``new_consignee`` and ``to_order`` ``is``: true or false.

Evaluation reads ``NoticeFacts``, made once per notice, so that a notice screened against
hundreds of profiles folds its text and splits its lines once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

from anyascii import anyascii
from django.utils.translation import gettext as _

from core.identifiers import IdentifierKind, InvalidIdentifier, normalise

IN = "in"
PREFIX = "prefix"
CONTAINS = "contains"
EQUALS = "equals"
GREATER = "gt"
LESS = "lt"
IS = "is"

#: Each field and the operators it takes.
FIELDS: dict[str, tuple[str, ...]] = {
    "hs_code": (PREFIX,),
    "description": (CONTAINS,),
    "place_of_loading": (IN,),
    "place_of_discharge": (IN,),
    "transit_country": (IN,),
    "shipper_country": (IN,),
    "consignee_country": (IN,),
    "from_member": (IN,),
    "shipper": (EQUALS,),
    "consignee": (EQUALS,),
    "container_owner": (IN,),
    "vessel_imo": (IN,),
    "gross_kg_per_package": (GREATER, LESS),
    "new_consignee": (IS,),
    "to_order": (IS,),
}

_UPPER_CODES = {
    "place_of_loading",
    "place_of_discharge",
    "transit_country",
    "shipper_country",
    "consignee_country",
    "from_member",
    "container_owner",
}
_SPACES = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"\D")
_TO_ORDER = re.compile(r"^TO (THE )?ORDER\b")


class InvalidCriteria(ValueError):
    """The criteria are not ones a profile may have: ``messages`` says what, per criterion."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def fold_text(text: str) -> str:
    """Text compared whatever its case and script: ``Табак`` and ``TABAK`` are one."""
    return _SPACES.sub(" ", anyascii(text or "").casefold()).strip()


def company_key(name: str) -> str:
    """A company name as matching keys it (legal forms, quotes and script folded)."""
    try:
        return normalise(IdentifierKind.COMPANY, name)
    except InvalidIdentifier:
        return ""


# --- Checking -------------------------------------------------------------------------------


def _as_list(value) -> list | None:
    items = value if isinstance(value, list) else [value]
    if not items or any(not isinstance(item, str) or not item.strip() for item in items):
        return None
    return [item.strip() for item in items]


def _clean_value(name: str, op: str, value):
    """The criterion's value in the form evaluation uses, or None when it is not one."""
    if op in (GREATER, LESS):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return number if number.is_finite() and number >= 0 else None
    if op == IS:
        return value if isinstance(value, bool) else None
    items = _as_list(value)
    if items is None:
        return None
    if name == "hs_code":
        prefixes = [_NOT_DIGIT.sub("", item) for item in items]
        return prefixes if all(1 <= len(p) <= 10 for p in prefixes) else None
    if name == "description":
        return [fold_text(item) for item in items]
    if name in ("shipper", "consignee"):
        keys = [company_key(item) for item in items]
        return keys if all(keys) else None
    if name == "vessel_imo":
        try:
            return [normalise(IdentifierKind.VESSEL_IMO, item) for item in items]
        except InvalidIdentifier:
            return None
    return [item.upper() for item in items]


def criteria_clean(criteria) -> list[dict]:
    """The criteria as stored: each ``{"field", "op", "value"}``, the value as the author gave
    it (folded and normalised only when compiled). Raises ``InvalidCriteria`` naming every
    criterion that is wrong."""
    if not isinstance(criteria, list) or not criteria:
        raise InvalidCriteria([_("Give at least one criterion, as a list.")])
    cleaned, messages = [], []
    for number, criterion in enumerate(criteria, start=1):
        if not isinstance(criterion, Mapping) or set(criterion) != {"field", "op", "value"}:
            messages.append(
                _("Criterion %(n)s: give exactly “field”, “op” and “value”.") % {"n": number}
            )
            continue
        name, op = criterion["field"], criterion["op"]
        if name not in FIELDS:
            messages.append(
                _("Criterion %(n)s: unknown field “%(field)s”.") % {"n": number, "field": name}
            )
            continue
        if op not in FIELDS[name]:
            messages.append(
                _("Criterion %(n)s: the field “%(field)s” takes the operator %(ops)s.")
                % {"n": number, "field": name, "ops": " / ".join(FIELDS[name])}
            )
            continue
        value = _clean_value(name, op, criterion["value"])
        if value is None:
            messages.append(
                _("Criterion %(n)s: the value does not suit “%(field)s” %(op)s.")
                % {"n": number, "field": name, "op": op}
            )
            continue
        cleaned.append({"field": name, "op": op, "value": criterion["value"]})
    if messages:
        raise InvalidCriteria(messages)
    return cleaned


# --- Facts and evaluation -------------------------------------------------------------------


@dataclass
class NoticeFacts:
    """What the criteria read of one notice, worked out once and only when first needed.

    ``notice`` is a mapping with the notice's API field names (``goods``, ``containers``,
    ``place_of_loading``, ``from_member`` as a member code, ...). ``consignee_is_new`` is
    asked only when a profile reads ``new_consignee`` (it costs a query)."""

    notice: Mapping
    consignee_is_new: Callable[[], bool] = field(default=lambda: False)

    def _text(self, name: str) -> str:
        return str(self.notice.get(name) or "")

    @cached_property
    def mode(self) -> str:
        return self._text("mode")

    @cached_property
    def goods(self) -> list[Mapping]:
        # (``type(…) is dict`` first: the abstract class's check costs more than the rest.)
        return [
            line
            for line in self.notice.get("goods") or []
            if type(line) is dict or isinstance(line, Mapping)
        ]

    @cached_property
    def hs_codes(self) -> list[str]:
        codes = [str(line.get("hs_code") or "") for line in self.goods]
        # Filed notices hold digits only; the pattern runs on anything else.
        return [
            code if code.isascii() and code.isdigit() else _NOT_DIGIT.sub("", code)
            for code in codes
        ]

    @cached_property
    def descriptions(self) -> list[str]:
        return [fold_text(str(line.get("description") or "")) for line in self.goods]

    @cached_property
    def kg_per_package(self) -> list[Decimal]:
        ratios = []
        for line in self.goods:
            try:
                mass, packages = Decimal(str(line["gross_kg"])), Decimal(str(line["packages"]))
            except (KeyError, InvalidOperation, TypeError, ValueError):
                continue
            if packages > 0:
                ratios.append(mass / packages)
        return ratios

    @cached_property
    def container_owners(self) -> set[str]:
        owners = set()
        for container in self.notice.get("containers") or []:
            number = container.get("number") if isinstance(container, Mapping) else container
            compact = re.sub(r"[^0-9A-Za-z]", "", str(number or "")).upper()
            if len(compact) >= 4:
                owners.add(compact[:4])
        return owners

    @cached_property
    def transit_countries(self) -> set[str]:
        return {str(code).upper() for code in self.notice.get("transit_countries") or []}

    @cached_property
    def codes(self) -> dict[str, str]:
        names = _UPPER_CODES - {"transit_country", "container_owner"}
        return {name: self._text(name).upper() for name in names}

    @cached_property
    def shipper(self) -> str:
        return company_key(self._text("shipper"))

    @cached_property
    def consignee(self) -> str:
        return company_key(self._text("consignee"))

    @cached_property
    def vessel_imo(self) -> str:
        try:
            return normalise(IdentifierKind.VESSEL_IMO, self._text("vessel_imo"))
        except InvalidIdentifier:
            return ""

    @cached_property
    def to_order(self) -> bool:
        consignee = anyascii(self._text("consignee")).upper().strip()
        return not consignee or bool(_TO_ORDER.match(_SPACES.sub(" ", consignee)))

    @cached_property
    def new_consignee(self) -> bool:
        return bool(self.consignee_is_new())


def _check(criterion: dict) -> Callable[[NoticeFacts], bool]:
    """One stored criterion as a function of the facts."""
    name, op = criterion["field"], criterion["op"]
    value = _clean_value(name, op, criterion["value"])
    if value is None:
        raise InvalidCriteria([f"{name} {op} {criterion['value']!r}"])
    if name == "hs_code":
        prefixes = tuple(value)
        return lambda facts: any(code.startswith(prefixes) for code in facts.hs_codes if code)
    if name == "description":
        words = tuple(value)
        return lambda facts: any(w in text for text in facts.descriptions for w in words)
    if name == "gross_kg_per_package":
        bound = Decimal(value)
        if op == GREATER:
            return lambda facts: any(ratio > bound for ratio in facts.kg_per_package)
        return lambda facts: any(ratio < bound for ratio in facts.kg_per_package)
    if name in ("new_consignee", "to_order"):
        return lambda facts: getattr(facts, name) is value
    wanted = frozenset(value)
    if name == "transit_country":
        return lambda facts: not wanted.isdisjoint(facts.transit_countries)
    if name == "container_owner":
        return lambda facts: not wanted.isdisjoint(facts.container_owners)
    if name in ("shipper", "consignee", "vessel_imo"):
        return lambda facts: getattr(facts, name) in wanted
    return lambda facts: facts.codes[name] in wanted


@dataclass(frozen=True)
class CompiledProfile:
    """A profile ready to screen: its criteria as functions, and the modes it applies to
    (empty: every mode)."""

    checks: tuple[Callable[[NoticeFacts], bool], ...]
    modes: frozenset[str]
    #: A criterion every selected notice must meet on one value: (field, the values), so
    #: that screening looks the profile up by the notice's values instead of trying it.
    anchor: tuple[str, frozenset[str]] | None = None
    #: Whether it reads ``new_consignee`` (which costs a query per batch).
    reads_new_consignee: bool = False

    def selects(self, facts: NoticeFacts) -> bool:
        if self.modes and facts.mode not in self.modes:
            return False
        for check in self.checks:  # (a loop: a generator costs more than most checks)
            if not check(facts):
                return False
        return True


def compile_profile(criteria: list[dict], modes=()) -> CompiledProfile:
    """Compile stored (cleaned) criteria once; the result is evaluated per notice. A
    ``new_consignee`` criterion is checked last: it alone may cost a query, asked only when
    every other criterion holds."""
    ordered = sorted(criteria, key=lambda criterion: criterion["field"] == "new_consignee")
    return CompiledProfile(
        checks=tuple(_check(criterion) for criterion in ordered),
        modes=frozenset(modes or ()),
        anchor=_anchor(criteria),
        reads_new_consignee=uses_new_consignee(criteria),
    )


#: Fields a profile can be looked up by, the most selective first.
ANCHORS = (
    "vessel_imo",
    "shipper",
    "consignee",
    "container_owner",
    "hs_code",
    "place_of_loading",
    "place_of_discharge",
    "from_member",
    "shipper_country",
    "consignee_country",
    "transit_country",
)


def _anchor(criteria: list[dict]) -> tuple[str, frozenset[str]] | None:
    for name in ANCHORS:
        for criterion in criteria:
            if criterion["field"] == name:
                return name, frozenset(_clean_value(name, criterion["op"], criterion["value"]))
    return None


def anchor_keys(facts: NoticeFacts, name: str) -> Iterable[str]:
    """The notice's values a profile anchored on ``name`` is looked up by (every prefix of
    each HS code)."""
    if name == "hs_code":
        return {code[:n] for code in facts.hs_codes for n in range(1, len(code) + 1)}
    if name == "transit_country":
        return facts.transit_countries
    if name == "container_owner":
        return facts.container_owners
    if name in ("shipper", "consignee", "vessel_imo"):
        value = getattr(facts, name)
        return (value,) if value else ()
    return (facts.codes[name],)


def uses_new_consignee(criteria: list[dict]) -> bool:
    return any(criterion["field"] == "new_consignee" for criterion in criteria)
