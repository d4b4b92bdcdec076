"""Identifier kinds and their normalisation: the one place that decides when two spellings of
a container number, a bill of lading, an air waybill, a vessel, a vehicle or a company are the
same thing. The matching index stores only what ``normalise`` returns.

Company names are folded hard on purpose (case, punctuation, quotes, legal forms, script):
``AKTAU CERAMICS, LLP``, ``Aktau Ceramics LLP`` and ``ТОО «Aktau Ceramics»`` are one key.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import mul

from anyascii import anyascii
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum import imo, iso6346
from stdnum.exceptions import ValidationError as StdnumValidationError


class IdentifierKind(models.TextChoices):
    CONTAINER = "container", _("Container number")
    BILL_OF_LADING = "bill-of-lading", _("Bill of lading")
    AIR_WAYBILL = "air-waybill", _("Air waybill")
    VESSEL_IMO = "vessel-imo", _("Vessel (IMO number)")
    VEHICLE = "vehicle", _("Vehicle registration")
    COMPANY = "company", _("Company (shipper or consignee)")


class InvalidIdentifier(ValueError):
    """The text is not an identifier of the kind (wrong length, check digit, nothing left)."""


#: Legal forms dropped from company names, compared after transliteration and folding
#: (so ``ТОО`` is ``TOO``, ``ЧП`` is ``CHP``). Dotted spellings (``L.L.C.``) are joined first.
LEGAL_FORMS = frozenset(
    {
        # English-speaking and international
        "LLP", "LLC", "LTD", "LIMITED", "INC", "INCORPORATED", "CORP", "CORPORATION", "CO",
        "COMPANY", "PLC", "LP", "JSC", "OJSC", "CJSC", "PJSC", "PTE", "PTY", "FZE", "FZCO",
        "FZ", "FZLLC",
        # European
        "GMBH", "AG", "KG", "OHG", "SA", "SAS", "SARL", "SRL", "SPA", "BV", "NV", "AB", "OY",
        "AS", "SP", "ZOO", "SRO", "DOO", "KFT",
        # Post-Soviet (transliterated): ТОО, ООО, ОАО, ЗАО, ПАО, АО, ИП, ЧП, ЧУП, ОДО, МЧЖ, ...
        "TOO", "OOO", "OAO", "ZAO", "PAO", "AO", "IP", "CHP", "CHUP", "ODO", "UP", "MCHJ",
        "XK", "QK", "AJ", "ASK", "KT", "TDO", "TOV", "PP", "FOP", "MChJ",
    }
)  # fmt: skip

_QUOTES = "«»‹›\"'“”„‟‘’‚‛`´"
_LEGAL_FORM_UPPER = frozenset(form.upper() for form in LEGAL_FORMS)

#: Cyrillic letters that look like Latin ones on number plates (a plate typed in either
#: script must give the same key).
_PLATE_LOOKALIKES = str.maketrans(
    {
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    }
)  # fmt: skip


_CONTAINER_ALPHABET = {c: i for i, c in enumerate("0123456789A BCDEFGHIJK LMNOPQRSTU VWXYZ")}
_CONTAINER_FORM = re.compile(r"[0-9A-Z]{3}[UJZR][0-9]{7}")
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


_CONTAINER_WEIGHTS = tuple(1 << i for i in range(10))


def _container_valid(compact: str) -> bool:
    """``stdnum.iso6346``'s check on an already compacted number, without its per-call
    cleaning (an import normalises a container per row; this is several times faster). Only
    ever accepts what ``iso6346.validate`` accepts: anything else goes to it."""
    if len(compact) != 11 or not _CONTAINER_FORM.fullmatch(compact):
        return False
    total = sum(map(mul, map(_CONTAINER_ALPHABET.__getitem__, compact[:10]), _CONTAINER_WEIGHTS))
    return str(total % 11 % 10) == compact[10]


def container_valid(compact: str) -> bool:
    """Is ``compact`` (no spaces or dashes, upper case) a valid ISO 6346 container number?
    The fast check first; whatever it refuses goes to stdnum, so the answer is stdnum's."""
    return _container_valid(compact) or iso6346.is_valid(compact)


def container_compact(text: str) -> str:
    """``csqu 305438-3`` → ``CSQU3054383``: letters and digits only, upper case (not checked)."""
    return _NOT_ALNUM.sub("", text or "").upper()


def container_expected_check_digit(text: str) -> str | None:
    """When ``text`` is a container number whose only fault is its check digit, the digit
    ISO 6346 expects there; otherwise None."""
    compact = container_compact(text)
    if len(compact) != 11 or not _CONTAINER_FORM.fullmatch(compact) or container_valid(compact):
        return None
    return iso6346.calc_check_digit(compact[:10])


def air_waybill_digits(text: str) -> str:
    """The digits of an air waybill number as written (``176-1234 5675`` → ``17612345675``)."""
    return re.sub(r"[\s./-]", "", text or "")


def _container(text: str) -> str:
    compact = _NOT_ALNUM.sub("", text).upper()
    if _container_valid(compact):
        return compact
    try:
        return iso6346.validate(compact)
    except StdnumValidationError as error:
        raise InvalidIdentifier(str(error)) from None


def _bill_of_lading(text: str) -> str:
    compact = re.sub(r"[^0-9A-Za-z]", "", anyascii(text)).upper()
    if not 4 <= len(compact) <= 35:
        raise InvalidIdentifier("A bill of lading number has 4 to 35 letters and digits.")
    return compact


def _air_waybill(text: str) -> str:
    digits = air_waybill_digits(text)
    if not re.fullmatch(r"\d{11}", digits):
        raise InvalidIdentifier("An air waybill number has eleven digits.")
    if int(digits[3:10]) % 7 != int(digits[10]):
        raise InvalidIdentifier("The air waybill's check digit is wrong.")
    return f"{digits[:3]}-{digits[3:]}"


def _vessel_imo(text: str) -> str:
    try:
        return imo.validate(text)
    except StdnumValidationError as error:
        raise InvalidIdentifier(str(error)) from None


def _vehicle(text: str) -> str:
    folded = anyascii(text.upper().translate(_PLATE_LOOKALIKES)).upper()
    compact = re.sub(r"[^0-9A-Z]", "", folded)
    if len(compact) < 2:
        raise InvalidIdentifier("A registration plate has at least two letters or digits.")
    return compact


_QUOTE = re.compile(f"[{_QUOTES}]")
_DOTTED_LETTER = re.compile(r"\b([A-Z])\.(?=[A-Z]\b)")
_WORD_GAP = re.compile(r"[^0-9A-Z]+")


def _company(text: str) -> str:
    folded = anyascii(_QUOTE.sub(" ", text)).upper()
    # Dotted abbreviations first (``L.L.C.`` → ``LLC``, ``Co.`` → ``CO``), then any other
    # punctuation separates words.
    folded = _DOTTED_LETTER.sub(r"\1", folded).replace(".", " ")
    words = [w for w in _WORD_GAP.split(folded) if w]
    kept = [w for w in words if w not in _LEGAL_FORM_UPPER]
    if not kept:
        raise InvalidIdentifier("Nothing is left of the name once legal forms are dropped.")
    return " ".join(kept)[:200]


_NORMALISERS = {
    IdentifierKind.CONTAINER: _container,
    IdentifierKind.BILL_OF_LADING: _bill_of_lading,
    IdentifierKind.AIR_WAYBILL: _air_waybill,
    IdentifierKind.VESSEL_IMO: _vessel_imo,
    IdentifierKind.VEHICLE: _vehicle,
    IdentifierKind.COMPANY: _company,
}


#: The same keyed by the plain text of the kind (a lookup per identifier, without building an
#: enum member each time).
_NORMALISERS_BY_VALUE = {str(kind.value): normaliser for kind, normaliser in _NORMALISERS.items()}


def normalise(kind: str, raw: str) -> str:
    """The index key of ``raw`` read as an identifier of ``kind``. Raises
    ``InvalidIdentifier`` when it is not one (an unknown kind included)."""
    normaliser = _NORMALISERS_BY_VALUE.get(kind) if isinstance(kind, str) else None
    if normaliser is None:
        raise InvalidIdentifier(f"Unknown identifier kind {kind!r}.")
    text = (raw or "").strip()
    if not text:
        raise InvalidIdentifier("Empty.")
    return _normalised(normaliser, text)


@lru_cache(maxsize=65536)
def _normalised(normaliser, text: str) -> str:
    """A normaliser's answer, remembered: a manifest's identifiers are read by the index, the
    watch lists, the hits and the profiles, and many repeat (companies above all). An invalid
    one raises again each time (exceptions are not cached)."""
    return normaliser(text)


def normalise_or_none(kind: str, raw: str) -> str | None:
    """``normalise``, or None where ``raw`` is not an identifier of ``kind``."""
    try:
        return normalise(kind, raw)
    except InvalidIdentifier:
        return None


def display_value(raw: str) -> str:
    """What people see: the text as entered, whitespace tidied."""
    return " ".join((raw or "").split())[:200]
