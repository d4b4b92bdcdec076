"""A member's control units."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import Invalid

from ..audit import audit_record
from ..models import ControlUnit, MemberAdministration


@transaction.atomic
def control_unit_save(
    *,
    member: MemberAdministration,
    code: str,
    name: str,
    kind: str,
    city: str,
    locode: str = "",
    active: bool = True,
    name_ru: str = "",
    control_unit: ControlUnit | None = None,
) -> ControlUnit:
    """Create or update one of ``member``'s control units."""
    code = code.strip().upper()
    unit = control_unit or ControlUnit(member=member)
    if control_unit is not None and control_unit.member_id != member.pk:
        raise Invalid({"member": [_("The control unit belongs to another member.")]})
    errors = {}
    if not code.startswith(f"{member.code}-"):
        errors["code"] = [
            _("A control unit code starts with its member's code, e.g. %(example)s.")
            % {"example": f"{member.code}-ALA-ACCU"}
        ]
    locode = locode.strip().upper().replace(" ", "")
    if locode and (len(locode) != 5 or not locode.isalnum()):
        errors["locode"] = [_("A UN/LOCODE has five letters or digits, e.g. KZALA.")]
    if errors:
        raise Invalid(errors)
    unit.code, unit.name, unit.kind, unit.city = code, name.strip(), kind, city.strip()
    created = unit.pk is None
    unit.locode, unit.active, unit.name_ru = locode, active, (name_ru or "").strip()
    unit.full_clean()
    unit.save()
    audit_record(
        action="control_unit.create" if created else "control_unit.change",
        obj=unit,
        object_reference=unit.code,
        members=[member],
    )
    return unit
