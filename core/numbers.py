"""Numbers as people write them in the active language: "2,5", "1 200 000,5" (spaces, also
non-breaking, between thousands) in Russian; "2.5", "1,200,000.5" in English.

The decimal and thousands separators are the language's own (Django's formats for it). Any
kind of space groups thousands in every language; a second decimal separator, or a group of
other than three digits, is refused rather than guessed at ("1,2,3")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

#: Spaces people (and spreadsheets, and Russian formats) put between thousands.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")
_DIGITS = re.compile(r"^\d+$")
_EXAMPLE = Decimal("1200000.5")


def _separators() -> tuple[str, str]:
    decimal = get_format("DECIMAL_SEPARATOR") or "."
    thousands = get_format("THOUSAND_SEPARATOR") or ","
    if _SPACES.fullmatch(thousands):
        thousands = " "
    return decimal, thousands


def example() -> str:
    """How the active language writes one million two hundred thousand and a half."""
    return number_format(_EXAMPLE, decimal_pos=1, use_l10n=True, force_grouping=True)


def _grouped(whole: str, separator: str) -> str | None:
    """``whole`` without its thousands separators, or None when the groups are wrong."""
    groups = whole.split(separator)
    if not all(_DIGITS.match(g) for g in groups):
        return None
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        return None
    return "".join(groups)


def parse_local_number(text: str) -> Decimal | None:
    """The number ``text`` writes in the active language; None for blank text. Raises
    ``ValueError`` with a message naming how to write it."""
    text = (text or "").strip()
    if not text:
        return None
    refused = ValueError(
        _("“%(value)s” is not a number. Write it like %(example)s.")
        % {"value": text, "example": example()}
    )
    sign = ""
    if text[0] in "+-−":
        sign = "-" if text[0] != "+" else ""
        text = text[1:].strip()
    decimal, thousands = _separators()
    # Spaces always group thousands; the language's own thousands separator too.
    text = _SPACES.sub(" ", text)
    if thousands != " ":
        if text.count(decimal) > 1:
            raise refused
        whole, _sep, fraction = text.partition(decimal)
        whole = whole.replace(" ", thousands)
    else:
        # A language that groups with spaces: its decimal separator, or a point (a phone's
        # numeric keypad), but only one of them.
        marks = [c for c in text if c in (decimal, ".")]
        if len(marks) > 1:
            raise refused
        whole, _sep, fraction = text.partition(marks[0]) if marks else (text, "", "")
        whole = whole.replace(" ", thousands)
    if not whole and fraction:
        whole = "0"
    plain = _grouped(whole, thousands)
    if plain is None or (fraction and not _DIGITS.match(fraction)) or (_sep and not fraction):
        raise refused
    try:
        return Decimal(f"{sign}{plain}.{fraction}" if fraction else f"{sign}{plain}")
    except InvalidOperation:
        raise refused from None


def format_local_number(value) -> str:
    """``value`` written in the active language, thousands grouped ("1 200 000,5")."""
    if value in (None, ""):
        return ""
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            return str(value)
    value = value.normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return number_format(value, use_l10n=True, force_grouping=True)
