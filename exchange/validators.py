"""Checks of what a query or reply carries: consignment identifiers (ISO 6346 container
numbers, air waybills, bills of lading, HS codes, route countries), attachments, the sender a
filer may use and the recipients they name. Each ``clean_*`` normalises its input and adds
field-keyed messages to ``errors``; the services raise them as one ``ValidationError``."""

from __future__ import annotations

import functools
import mimetypes
import re
from collections.abc import Sequence

from django.conf import settings
from django.utils.translation import gettext as _
from django_countries import countries

from core.identifiers import (
    IdentifierKind,
    InvalidIdentifier,
    air_waybill_digits,
    container_expected_check_digit,
    normalise,
)
from members.models import ControlUnit, MemberAdministration, MemberStatus

from . import permissions


@functools.cache
def country_codes() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes (read once: django-countries builds its list, with every
    name translated, on each iteration)."""
    return frozenset(code for code, _name in countries)


def add_error(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def as_list(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = re.split(r"[,;\n]+", values)
    return [str(v).strip() for v in values if str(v).strip()]


def clean_container_numbers(values, errors: dict, field: str = "container_numbers") -> list[str]:
    """ISO 6346 container numbers, as matching keys them; a wrong check digit is named."""
    numbers: list[str] = []
    for raw in as_list(values):
        try:
            number = normalise(IdentifierKind.CONTAINER, raw)
        except InvalidIdentifier:
            digit = container_expected_check_digit(raw)
            if digit is not None:
                message = _(
                    "%(number)s has a wrong check digit: by ISO 6346 the last digit "
                    "should be %(digit)s."
                ) % {"number": raw, "digit": digit}
            else:
                message = _(
                    "%(number)s is not an ISO 6346 container number (four letters ending in "
                    "U, J or Z, six digits and a check digit, e.g. CSQU3054383)."
                ) % {"number": raw}
            add_error(errors, field, message)
            continue
        if number not in numbers:
            numbers.append(number)
    return numbers


def clean_air_waybill_numbers(
    values, errors: dict, field: str = "air_waybill_numbers"
) -> list[str]:
    """Air waybill numbers, as matching keys them: a three-digit airline prefix and an
    eight-digit serial whose last digit is the first seven modulo 7 (IATA)."""
    numbers = []
    for raw in as_list(values):
        try:
            number = normalise(IdentifierKind.AIR_WAYBILL, raw)
        except InvalidIdentifier:
            if re.fullmatch(r"\d{11}", air_waybill_digits(raw)):
                message = _("%(number)s has a wrong check digit.") % {"number": raw}
            else:
                message = _("%(number)s is not an air waybill number (e.g. 176-12345675).") % {
                    "number": raw
                }
            add_error(errors, field, message)
            continue
        if number not in numbers:
            numbers.append(number)
    return numbers


def clean_vessel_imo(value, errors: dict, field: str = "vessel_imo") -> str:
    """An IMO ship identification number: seven digits, the last a check digit (optionally
    written "IMO 9074729"). Returns the seven digits, or "" when empty."""
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        return normalise(IdentifierKind.VESSEL_IMO, text)
    except InvalidIdentifier:
        add_error(
            errors,
            field,
            _("%(number)s is not an IMO number (seven digits with a check digit, e.g. 9074729).")
            % {"number": text},
        )
        return ""


def clean_hs_codes(values, errors: dict, field: str = "hs_codes") -> list[str]:
    codes = []
    for raw in as_list(values):
        digits = raw.replace(".", "").replace(" ", "")
        if not re.fullmatch(r"\d{4}|\d{6}|\d{8}|\d{10}", digits):
            add_error(
                errors,
                field,
                _("%(code)s is not an HS code (4, 6, 8 or 10 digits, e.g. 2402.20).")
                % {"code": raw},
            )
        elif digits not in codes:
            codes.append(digits)
    return codes


def clean_route_countries(values, errors: dict, field: str = "route_countries") -> list[str]:
    known = country_codes()
    codes = []
    for raw in as_list(values):
        code = raw.upper()
        if code not in known:
            add_error(
                errors,
                field,
                _("%(code)s is not an ISO 3166-1 alpha-2 country code.") % {"code": raw},
            )
        else:
            codes.append(code)
    return codes


def clean_bill_of_lading_numbers(
    values, errors: dict, field: str = "bill_of_lading_numbers"
) -> list[str]:
    """Bills of lading, as matching keys them (letters and digits, upper case)."""
    numbers = []
    for raw in as_list(values):
        try:
            number = normalise(IdentifierKind.BILL_OF_LADING, raw)
        except InvalidIdentifier:
            add_error(
                errors,
                field,
                _("%(number)s is not a bill of lading number (4 to 35 letters and digits).")
                % {"number": raw},
            )
            continue
        if number not in numbers:
            numbers.append(number)
    return numbers


def clean_country(value, errors: dict, field: str) -> str:
    """One ISO 3166-1 alpha-2 country code (upper case), or "" when empty."""
    text = str(value or "").strip()
    if not text:
        return ""
    codes = clean_route_countries([text], errors, field)
    return codes[0] if codes else ""


_UNLOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")


def clean_unlocode(value, errors: dict, field: str) -> str:
    """A UN/LOCODE: the ISO country code and three letters or digits 2–9 (``GEPTI``, written
    ``GE PTI`` too). Returns it compact and upper case, or "" when empty."""
    text = re.sub(r"[\s-]", "", str(value or "")).upper()
    if not text:
        return ""
    if not _UNLOCODE.fullmatch(text) or text[:2] not in country_codes():
        add_error(
            errors,
            field,
            _("%(code)s is not a UN/LOCODE (a country code and three letters, e.g. GEPTI).")
            % {"code": value},
        )
        return ""
    return text


def clean_attachments(files: Sequence, errors: dict, field: str = "attachments") -> list:
    """Check size and type. The type is taken from the file name, never from the client's
    claim, and must be in EXCHANGE_ATTACHMENT_TYPES."""
    cleaned = []
    limit = settings.EXCHANGE_ATTACHMENT_MAX_BYTES
    allowed = set(settings.EXCHANGE_ATTACHMENT_TYPES)
    for upload in files or []:
        name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200]
        content_type = mimetypes.guess_type(name)[0] or ""
        if upload.size > limit:
            add_error(
                errors,
                field,
                _("%(name)s is too large: attachments may be at most %(limit)s MB.")
                % {"name": name, "limit": f"{limit / 1024 / 1024:g}"},
            )
        elif content_type not in allowed:
            add_error(
                errors,
                field,
                _(
                    "%(name)s is not an allowed kind of file "
                    "(PDF, images, text, CSV, Word or Excel)."
                )
                % {"name": name},
            )
        else:
            cleaned.append((upload, name, content_type))
    return cleaned


@functools.cache
def _choice_values(choices) -> frozenset:
    """A choices class's values (Django builds the list anew on each ``.values``)."""
    return frozenset(choices.values)


def clean_choice(value, choices, field: str, errors: dict, default=None):
    value = default if value in (None, "") else value
    if value not in _choice_values(choices):
        add_error(
            errors,
            field,
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value or "", "choices": ", ".join(choices.values)},
        )
    return value


def clean_sender(*, author, sender_member, sender_unit, errors: dict):
    """The member (and unit) a query is filed for: as named, or the one member the author
    files for, and a unit officer's own unit. Adds an error if the author may not file for
    it. Returns ``(member, unit)``."""
    unit = None
    if isinstance(sender_unit, str) and sender_unit:
        unit = ControlUnit.objects.filter(code=sender_unit.strip().upper()).first()
        if unit is None:
            add_error(
                errors,
                "sender_unit",
                _("There is no control unit %(code)s.") % {"code": sender_unit},
            )
    elif isinstance(sender_unit, ControlUnit):
        unit = sender_unit
    member = None
    if isinstance(sender_member, MemberAdministration):
        member = sender_member
    elif isinstance(sender_member, str) and sender_member:
        member = MemberAdministration.objects.filter(code=sender_member.strip().upper()).first()
    elif unit is not None:
        member = unit.member
    else:
        member = permissions.query_default_sender_member(author)
    if unit is None:
        unit = permissions.query_required_sender_unit(author, member)
    if member is None or not permissions.may_file_query(author, member, unit):
        field = "sender_unit" if unit is not None and member is not None else "sender_member"
        add_error(errors, field, _("You may not file queries on behalf of this sender."))
    return member, unit


def clean_recipients(*, recipients, recipient_units, sender, errors: dict):
    """Recipients: members of the network other than the sender, optionally narrowed to some
    of their control units. Returns ``(members, {member id: [units]})``."""
    codes = [c.upper() for c in as_list(recipients)]
    recipient_members: list[MemberAdministration] = []
    if not codes:
        add_error(errors, "recipients", _("Choose at least one recipient member."))
    else:
        found = {
            m.code.code: m
            for m in MemberAdministration.objects.filter(code__in=codes, status=MemberStatus.MEMBER)
        }
        unknown = [c for c in codes if c not in found]
        if unknown:
            add_error(
                errors,
                "recipients",
                _("Unknown recipient: %(codes)s is not a member of the network.")
                % {"codes": ", ".join(unknown)},
            )
        for code in dict.fromkeys(codes):
            if code in found:
                if sender is not None and found[code].pk == sender.pk:
                    add_error(errors, "recipients", _("A query cannot be addressed to its sender."))
                else:
                    recipient_members.append(found[code])
    unit_codes = [c.upper() for c in as_list(recipient_units)]
    units_by_member: dict[int, list[ControlUnit]] = {}
    if unit_codes:
        known_units = {u.code: u for u in ControlUnit.objects.filter(code__in=unit_codes)}
        recipient_ids = {m.pk for m in recipient_members}
        for code in unit_codes:
            found_unit = known_units.get(code)
            if found_unit is None or found_unit.member_id not in recipient_ids:
                add_error(
                    errors,
                    "recipient_units",
                    _("%(code)s is not a control unit of a recipient member.") % {"code": code},
                )
            else:
                units_by_member.setdefault(found_unit.member_id, []).append(found_unit)
    return recipient_members, units_by_member
