"""Checks of what a notice carries, field by field, through the one consignment validator
(``exchange.validators``: containers, bills of lading, air waybills, vessel IMO, HS codes,
countries, UN/LOCODEs). ``notice_clean`` returns the values to store or raises one
field-keyed ``ValidationError``; the API, the form and the manifest import all call it."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.handling import HandlingCode
from core.identifiers import IdentifierKind, normalise_or_none
from exchange.models import InformationEvaluation, SourceEvaluation
from exchange.validators import (
    add_error,
    as_list,
    clean_air_waybill_numbers,
    clean_bill_of_lading_numbers,
    clean_choice,
    clean_container_numbers,
    clean_country,
    clean_hs_codes,
    clean_route_countries,
    clean_unlocode,
    clean_vessel_imo,
)
from members.models import ControlUnit, MemberAdministration, MemberStatus

from . import permissions
from .models import TransportDocumentKind, TransportMode

#: Every field a notice takes (the API's and the manifest's names).
NOTICE_FIELDS = (
    "mode", "vessel_imo", "conveyance", "transport_document", "transport_document_kind",
    "master_document", "place_of_loading", "place_of_discharge", "transit_countries",
    "departed_at", "expected_arrival", "shipper", "shipper_country", "consignee",
    "consignee_country", "notify_party", "containers", "goods", "from_unit", "to_member",
    "to_unit", "handling_code", "handling_restrictions", "source_evaluation",
    "information_evaluation", "remarks",
)  # fmt: skip


def _text(value, limit: int) -> str:
    return str(value or "").strip()[:limit]


def clean_datetime(value, errors: dict, field: str, *, required: bool = False):
    if value in (None, ""):
        if required:
            add_error(errors, field, _("This field is required."))
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        moment = parse_datetime(text)
        if moment is None and (day := _date_or_none(text)) is not None:
            moment = datetime(day.year, day.month, day.day)
        if moment is None:
            add_error(
                errors,
                field,
                _("%(value)s is not a date and time (e.g. 2026-03-14T08:00:00Z).")
                % {"value": text},
            )
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _date_or_none(text: str):
    try:
        return parse_date(text)
    except ValueError:
        return None


def _document(value, kind: str, errors: dict, field: str, *, required: bool) -> str:
    """A transport document number by its kind: an air waybill with its check digit; a bill
    of lading, CMR or rail waybill as up to 35 letters and digits."""
    text = _text(value, 100)
    if not text:
        if required:
            add_error(errors, field, _("This field is required."))
        return ""
    if kind == TransportDocumentKind.AIR_WAYBILL:
        numbers = clean_air_waybill_numbers([text], errors, field)
    else:
        numbers = clean_bill_of_lading_numbers([text], errors, field)
    return numbers[0] if numbers else ""


def clean_containers(value, errors: dict) -> list[dict]:
    """``[{"number", "seals": [...]}]``: ISO 6346 numbers with their check digit, seals as
    text (also accepted: a list of numbers)."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        add_error(errors, "containers", _('Give a list of {"number", "seals"}.'))
        return []
    containers: list[dict] = []
    for item in value:
        if isinstance(item, str):
            item = {"number": item, "seals": []}
        if not isinstance(item, dict):
            add_error(errors, "containers", _('Give a list of {"number", "seals"}.'))
            continue
        numbers = clean_container_numbers([str(item.get("number") or "")], errors, "containers")
        if not str(item.get("number") or "").strip():
            add_error(errors, "containers", _("A container has no number."))
        seals = clean_seals(item.get("seals"), errors, "containers")
        if numbers and all(c["number"] != numbers[0] for c in containers):
            containers.append({"number": numbers[0], "seals": seals})
    return containers


def clean_seals(value, errors: dict, field: str) -> list[str]:
    seals = []
    for seal in as_list(value if value is not None else []):
        if len(seal) > 35:
            add_error(errors, field, _("%(seal)s is too long for a seal number.") % {"seal": seal})
        elif seal.upper() not in seals:
            seals.append(seal.upper())
    return seals


def clean_number(value, errors: dict, field: str, label: str, *, integer: bool):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if (
        number is None
        or not number.is_finite()
        or number < 0
        or (integer and number != number.to_integral_value())
    ):
        add_error(
            errors,
            field,
            _("%(label)s: %(value)s is not a number of zero or more.")
            % {"label": label, "value": value},
        )
        return None
    return int(number) if integer else float(number)


# Translated only when a message names them (a manifest checks thousands of lines).
PACKAGES_LABEL = gettext_lazy("packages")
GROSS_MASS_LABEL = gettext_lazy("gross mass")


def clean_goods(value, errors: dict) -> list[dict]:
    """``[{"description", "hs_code" (4–10 digits), "packages", "gross_kg"}]``."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        add_error(errors, "goods", _('Give a list of {"description", "hs_code", ...}.'))
        return []
    goods = []
    for item in value:
        if not isinstance(item, dict):
            add_error(errors, "goods", _('Give a list of {"description", "hs_code", ...}.'))
            continue
        description = _text(item.get("description"), 500)
        hs_code = ""
        if str(item.get("hs_code") or "").strip():
            codes = clean_hs_codes([str(item["hs_code"])], errors, "goods")
            hs_code = codes[0] if codes else ""
        if not description and not hs_code:
            add_error(errors, "goods", _("A goods line needs a description or an HS code."))
        goods.append(
            {
                "description": description,
                "hs_code": hs_code,
                "packages": clean_number(
                    item.get("packages"), errors, "goods", PACKAGES_LABEL, integer=True
                ),
                "gross_kg": clean_number(
                    item.get("gross_kg"), errors, "goods", GROSS_MASS_LABEL, integer=False
                ),
            }
        )
    return goods


def _memoised(memo: dict | None, key, load):
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]


def clean_addressing(*, author, data: dict, errors: dict, memo: dict | None = None):
    """The sending member and unit (the author's unit by default) and the receiving member
    and unit. Returns ``(from_member, from_unit, to_member, to_unit)``. ``memo`` keeps the
    units and members looked up across the notices of one manifest."""
    unit_code = _text(data.get("from_unit"), 32).upper()
    from_unit = None
    if unit_code:
        from_unit = _memoised(
            memo,
            ("unit", unit_code),
            lambda: ControlUnit.objects.select_related("member").filter(code=unit_code).first(),
        )
        if from_unit is None:
            add_error(
                errors, "from_unit", _("There is no control unit %(code)s.") % {"code": unit_code}
            )
    else:
        from_unit = getattr(author, "control_unit", None)
    from_member = from_unit.member if from_unit is not None else None
    if from_member is None:
        members, _units = permissions.filing_senders(author)
        from_member = members[0] if len(members) == 1 else None
    if from_unit is not None or from_member is not None:
        if not permissions.may_file_from(author, from_member, from_unit):
            add_error(errors, "from_unit", _("You may not file notices from this unit."))
    elif not errors.get("from_unit"):
        add_error(errors, "from_unit", _("Name the control unit the notice is sent from."))

    to_code = _text(data.get("to_member"), 8).upper()
    to_member = None
    if not to_code:
        add_error(errors, "to_member", _("This field is required."))
    else:
        to_member = _memoised(
            memo,
            ("member", to_code),
            lambda: MemberAdministration.objects.filter(
                code=to_code, status=MemberStatus.MEMBER
            ).first(),
        )
        if to_member is None:
            add_error(
                errors,
                "to_member",
                _("%(code)s is not a member of the network.") % {"code": to_code},
            )
        elif from_member is not None and to_member.pk == from_member.pk:
            add_error(errors, "to_member", _("A notice goes to another member."))
    to_unit = None
    to_unit_code = _text(data.get("to_unit"), 32).upper()
    if to_unit_code and to_member is not None:
        to_unit = _memoised(
            memo,
            ("to_unit", to_unit_code, to_member.pk),
            lambda: ControlUnit.objects.filter(
                code=to_unit_code, member=to_member, active=True
            ).first(),
        )
        if to_unit is None:
            add_error(
                errors,
                "to_unit",
                _("%(code)s is not a control unit of the receiving member.")
                % {"code": to_unit_code},
            )
    return from_member, from_unit, to_member, to_unit


def notice_clean(*, author, data: dict, memo: dict | None = None, checked_lines=None) -> dict:
    """The values of a notice to store, checked; raises a ``ValidationError`` naming each bad
    field. ``checked_lines`` is ``(containers, goods)`` already checked by ``clean_containers``
    and ``clean_goods`` (a manifest checks them row by row, to name each bad row): they are
    taken as they are instead of ``data``'s."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(data) - set(NOTICE_FIELDS) - {"query"})
    for name in unknown:
        add_error(errors, name, _("Unknown field."))
    mode = clean_choice(data.get("mode"), TransportMode, "mode", errors)
    kind = clean_choice(
        data.get("transport_document_kind"),
        TransportDocumentKind,
        "transport_document_kind",
        errors,
    )
    handling_code = clean_choice(
        data.get("handling_code"), HandlingCode, "handling_code", errors, default=HandlingCode.H0
    )
    handling_restrictions = _text(data.get("handling_restrictions"), 2000)
    if handling_code == HandlingCode.H3 and not handling_restrictions:
        add_error(errors, "handling_restrictions", _("State the restrictions that H3 stands for."))
    expected_arrival = clean_datetime(
        data.get("expected_arrival"), errors, "expected_arrival", required=True
    )
    departed_at = clean_datetime(data.get("departed_at"), errors, "departed_at")
    if departed_at and expected_arrival and departed_at > expected_arrival:
        add_error(errors, "departed_at", _("The departure comes after the expected arrival."))
    transit = data.get("transit_countries")
    if isinstance(transit, str):
        transit = [c for c in re.split(r"[;,\s]+", transit) if c]
    from_member, from_unit, to_member, to_unit = clean_addressing(
        author=author, data=data, errors=errors, memo=memo
    )
    values = {
        "mode": mode,
        "vessel_imo": clean_vessel_imo(data.get("vessel_imo"), errors),
        "conveyance": _text(data.get("conveyance"), 100),
        "transport_document_kind": kind,
        "transport_document": _document(
            data.get("transport_document"), kind, errors, "transport_document", required=True
        ),
        "master_document": _document(
            data.get("master_document"), kind, errors, "master_document", required=False
        ),
        "place_of_loading": clean_unlocode(
            data.get("place_of_loading"), errors, "place_of_loading"
        ),
        "place_of_discharge": clean_unlocode(
            data.get("place_of_discharge"), errors, "place_of_discharge"
        ),
        "transit_countries": clean_route_countries(transit or [], errors, "transit_countries"),
        "departed_at": departed_at,
        "expected_arrival": expected_arrival,
        "shipper": _text(data.get("shipper"), 200),
        "shipper_country": clean_country(data.get("shipper_country"), errors, "shipper_country"),
        "consignee": _text(data.get("consignee"), 200),
        "consignee_country": clean_country(
            data.get("consignee_country"), errors, "consignee_country"
        ),
        "notify_party": _text(data.get("notify_party"), 200),
        "containers": (
            checked_lines[0]
            if checked_lines is not None
            else clean_containers(data.get("containers"), errors)
        ),
        "goods": (
            checked_lines[1]
            if checked_lines is not None
            else clean_goods(data.get("goods"), errors)
        ),
        "from_member": from_member,
        "from_unit": from_unit,
        "to_member": to_member,
        "to_unit": to_unit,
        "handling_code": handling_code,
        "handling_restrictions": handling_restrictions,
        "source_evaluation": clean_choice(
            data.get("source_evaluation"),
            SourceEvaluation,
            "source_evaluation",
            errors,
            default=SourceEvaluation.X,
        ),
        "information_evaluation": clean_choice(
            str(data["information_evaluation"])
            if data.get("information_evaluation") not in (None, "")
            else None,
            InformationEvaluation,
            "information_evaluation",
            errors,
            default=InformationEvaluation.UNKNOWN,
        ),
        "remarks": _text(data.get("remarks"), 5000),
    }
    if errors:
        raise ValidationError(errors)
    return values


def notice_identifiers(values) -> list[tuple[str, str]]:
    """The notice's identifiers as ``(kind, raw)`` pairs, for matching and search:
    containers, transport and master documents, vessel, vehicle and companies."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    document_kind = (
        IdentifierKind.AIR_WAYBILL
        if get("transport_document_kind") == TransportDocumentKind.AIR_WAYBILL
        else IdentifierKind.BILL_OF_LADING
    )
    pairs = [(IdentifierKind.CONTAINER.value, c["number"]) for c in get("containers") or ()]
    for document in (get("transport_document"), get("master_document")):
        if document:
            pairs.append((document_kind.value, document))
    if get("vessel_imo"):
        pairs.append((IdentifierKind.VESSEL_IMO.value, get("vessel_imo")))
    if get("mode") == TransportMode.ROAD and get("conveyance"):
        pairs.append((IdentifierKind.VEHICLE.value, get("conveyance")))
    for company in (get("shipper"), get("consignee")):
        if company:
            pairs.append((IdentifierKind.COMPANY.value, company))
    return pairs


def identifier_keys(pairs) -> list[str]:
    """``kind:value`` search keys of identifier pairs (normalised; invalid ones left out)."""
    keys = []
    for kind, raw in pairs:
        value = normalise_or_none(kind, raw)
        if value is not None and f"{kind}:{value}" not in keys:
            keys.append(f"{kind}:{value}"[:220])
    return keys


def search_keys(text: str) -> list[str]:
    """The keys a board search for ``text`` looks for: ``text`` read as each kind."""
    return identifier_keys((kind.value, text) for kind in IdentifierKind)
