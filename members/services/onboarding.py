"""Onboarding a member country: the member, its role groups and its first focal points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from core.exceptions import Invalid

from .. import permissions
from ..audit import audit_record
from ..models import MemberAdministration, MemberStatus, RoleName
from .invitations import _person_audit, _user_create, user_invite


@dataclass(frozen=True)
class FocalPoint:
    name: str
    email: str

    @classmethod
    def parse(cls, text: str) -> FocalPoint:
        """Read ``Name <email>`` (or a bare address)."""
        name, email = parseaddr(text.strip())
        if not email or "@" not in email:
            raise Invalid(_("“%(value)s” is not of the form Name <email>.") % {"value": text})
        return cls(name=name.strip(), email=email.strip())


def _split_name(full_name: str) -> tuple[str, str]:
    parts = full_name.strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""


def _email_taken(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()


def member_onboard_validate(
    *,
    code: str,
    name: str,
    administration: str,
    joined_on: date | None,
    focal_points: list[FocalPoint],
) -> str:
    """Check an onboarding request whole; raise a field-keyed ``ValidationError`` listing every
    problem. Returns the normalised country code."""
    errors: dict[str, list[str]] = {}
    code = (code or "").strip().upper()
    if not code:
        errors.setdefault("code", []).append(_("Enter the country code."))
    elif code not in dict(countries):
        errors.setdefault("code", []).append(
            _("“%(code)s” is not an ISO 3166-1 alpha-2 country code.") % {"code": code}
        )
    elif MemberAdministration.objects.filter(code=code).exists():
        errors.setdefault("code", []).append(
            _("%(code)s is already a member of the network.") % {"code": code}
        )
    if not (name or "").strip():
        errors.setdefault("name", []).append(_("Enter the country name."))
    if not (administration or "").strip():
        errors.setdefault("administration", []).append(
            _("Enter the customs administration's name.")
        )
    if joined_on is None:
        errors.setdefault("joined_on", []).append(_("Enter the accession date."))
    elif joined_on > timezone.localdate():
        errors.setdefault("joined_on", []).append(_("The accession date cannot be in the future."))
    if not focal_points:
        errors.setdefault("focal_points", []).append(_("Name at least one focal point."))
    seen: set[str] = set()
    for focal_point in focal_points:
        email = focal_point.email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("focal_points", []).append(
                _("“%(email)s” is not a valid email address.") % {"email": focal_point.email}
            )
            continue
        if email in seen:
            errors.setdefault("focal_points", []).append(
                _("%(email)s is named twice.") % {"email": focal_point.email}
            )
        elif _email_taken(email):
            errors.setdefault("focal_points", []).append(
                _("A user with the email %(email)s already exists.") % {"email": focal_point.email}
            )
        seen.add(email)
    if errors:
        raise Invalid(errors)
    return code


@transaction.atomic
def member_onboard(
    *,
    code: str,
    name: str,
    administration: str,
    joined_on: date | None,
    focal_points: list[FocalPoint],
    base_url: str | None = None,
    administration_ru: str = "",
) -> MemberAdministration:
    """Onboard a new member country: the member, its role groups and their rights, and its
    first focal points, in one transaction. Each focal point is emailed an invitation with a
    set-password link once the transaction commits."""
    code = member_onboard_validate(
        code=code,
        name=name,
        administration=administration,
        joined_on=joined_on,
        focal_points=focal_points,
    )
    try:
        # A savepoint, so that losing a race against a simultaneous onboarding of the same
        # country is a validation error rather than a broken transaction.
        with transaction.atomic():
            member = MemberAdministration.objects.create(
                code=code,
                name=name.strip(),
                administration=administration.strip(),
                administration_ru=(administration_ru or "").strip()[:200],
                joined_on=joined_on,
                status=MemberStatus.MEMBER,
            )
    except IntegrityError:
        raise Invalid(
            {"code": [_("%(code)s is already a member of the network.") % {"code": code}]}
        ) from None
    groups = permissions.member_roles_ensure(member=member)
    for focal_point in focal_points:
        first_name, last_name = _split_name(focal_point.name)
        user = _user_create(
            username=focal_point.email.strip().lower(),
            email=focal_point.email.strip().lower(),
            first_name=first_name,
            last_name=last_name,
            member=member,
        )
        user.groups.add(groups[RoleName.FOCAL_POINT])
        _person_audit(action="person.create", person=user, member=member)
        _person_audit(
            action="role.grant", person=user, member=member, detail={"role": RoleName.FOCAL_POINT}
        )
        user_invite(user=user, base_url=base_url)
    audit_record(
        action="member.onboard",
        obj=member,
        object_reference=str(member.code),
        members=[member],
        detail={"focal_points": len(focal_points)},
    )
    return member
