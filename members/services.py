"""Every write the members domain knows. Views, API, commands and tasks call these.

Longer than ~400 lines on purpose: onboarding, people (with the separation of duties between
member admins and network admins) and suspension are the members domain's writes, and DESIGN
keeps an app's writes in one ``services.py``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from . import permissions
from .audit import audit_record
from .models import ControlUnit, MemberAdministration, MemberStatus, RoleName

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FocalPoint:
    name: str
    email: str

    @classmethod
    def parse(cls, text: str) -> FocalPoint:
        """Read ``Name <email>`` (or a bare address)."""
        name, email = parseaddr(text.strip())
        if not email or "@" not in email:
            raise ValidationError(
                _("“%(value)s” is not of the form Name <email>.") % {"value": text}
            )
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
        raise ValidationError(errors)
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
        raise ValidationError(
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


def _person_audit(*, action: str, person, member, detail: dict | None = None) -> None:
    audit_record(
        action=action,
        obj=person,
        object_type="user",
        object_reference=person.username,
        members=[member],
        detail=detail,
    )


def _user_create(
    *, username, email, first_name, last_name, member, control_unit=None, is_active=True
):
    user = get_user_model()(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        member=member,
        control_unit=control_unit,
        is_active=is_active,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def invitation_link(*, user, base_url: str | None = None) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{(base_url or settings.PORTAL_BASE_URL).rstrip('/')}{path}"


def invitation_send(*, user, base_url: str | None = None) -> None:
    """Email ``user`` an invitation with a set-password link (a password-reset token)."""
    context = {
        "user": user,
        "member": user.member,
        "link": invitation_link(user=user, base_url=base_url),
        "base_url": (base_url or settings.PORTAL_BASE_URL).rstrip("/"),
    }
    subject = render_to_string("members/email/invitation_subject.txt", context).strip()
    body = render_to_string("members/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])


def user_invite(*, user, base_url: str | None = None) -> None:
    """Send the invitation once the surrounding transaction commits. A mail server that is
    down does not undo the onboarding: the failure is logged and the invitation can be sent
    again from the member's people page."""
    _person_audit(action="invitation.send", person=user, member=user.member)
    # Stamped with the sending, so the people list can tell pending from expired.
    user.invited_at = timezone.now()
    type(user).objects.filter(pk=user.pk).update(invited_at=user.invited_at)

    def _send():
        try:
            invitation_send(user=user, base_url=base_url)
        except OSError:
            logger.exception("Invitation to %s could not be sent", user.email)

    transaction.on_commit(_send)


# Uniqueness is network-wide, but a member admin must not learn who exists in another member:
# one message whatever the clash (own member, another member, the secretariat).
USERNAME_UNAVAILABLE = gettext_lazy("This username cannot be used. Choose another one.")
EMAIL_UNAVAILABLE = gettext_lazy("This email address cannot be used. Use another one.")


def _network_admin_errors(*, by, member, user, changes: dict) -> dict[str, list[str]]:
    """What a network admin may not do to ``member``'s people (separation of duties): they
    may deactivate an account, and invite a member admin for a member that has no active
    one; nothing else. ``changes`` holds the requested values."""
    errors: dict[str, list[str]] = {}
    if user is None:
        if sorted(changes["roles"]) != [RoleName.MEMBER_ADMIN]:
            errors["roles"] = [_("Network admins may only invite a member admin.")]
        elif not permissions.may_appoint_member_admin(by, member):
            errors["roles"] = [
                _(
                    "This member already has an active member admin: people are added by "
                    "the member's own admins."
                )
            ]
        if changes["control_unit"] is not None:
            errors["control_unit"] = [_("Network admins cannot assign a control unit.")]
        if not changes["is_active"]:
            errors["is_active"] = [_("An invited member admin must be active.")]
        return errors
    current_roles = sorted(r.name for r in permissions.user_roles(user) if r.member_id == member.pk)
    refused = {
        "username": (
            changes["username"] != user.username,
            _("Network admins cannot change a person's username."),
        ),
        "email": (
            changes["email"].lower() != user.email.lower(),
            _("Network admins cannot change a person's email."),
        ),
        "first_name": (
            changes["first_name"] != user.first_name,
            _("Network admins cannot change a person's name."),
        ),
        "last_name": (
            changes["last_name"] != user.last_name,
            _("Network admins cannot change a person's name."),
        ),
        "control_unit": (
            changes["control_unit"] != user.control_unit,
            _("Network admins cannot change a person's control unit."),
        ),
        "roles": (
            sorted(changes["roles"]) != current_roles,
            _("Network admins cannot grant or change roles."),
        ),
        "is_active": (
            changes["is_active"] and not user.is_active,
            _("Network admins cannot reactivate an account; the member's admins can."),
        ),
    }
    for field, (is_refused, message) in refused.items():
        if is_refused:
            errors[field] = [message]
    return errors


def member_admins(member: MemberAdministration):
    """The member's own active member admins (never the network admins)."""
    return (
        get_user_model()
        .objects.filter(
            member=member,
            is_active=True,
            groups__role__member=member,
            groups__role__name=RoleName.MEMBER_ADMIN,
        )
        .distinct()
    )


def people_change_alert(*, member: MemberAdministration, by, person, action: str) -> None:
    """Email ``member``'s admins (and, when it has none or when a member admin is appointed,
    its focal points) that network admin ``by`` acted on one of its people. Sent once the
    transaction commits; a mail server that is down is logged, never undoes the change."""
    recipients = {u.email.lower() for u in member_admins(member).exclude(pk=person.pk) if u.email}
    if action == "appointed" or not recipients:
        recipients |= {
            u.email.lower()
            for u in permissions.users_with_right(member, permissions.Right.RECEIVE_ALERTS)
            if u.email
        }
    if not recipients:
        return
    context = {
        "member": member,
        "by": by,
        "person": person,
        "action": action,
        "base_url": settings.PORTAL_BASE_URL,
    }
    subject = render_to_string("members/email/people_change_subject.txt", context).strip()
    body = render_to_string("members/email/people_change.txt", context)

    def _send():
        try:
            send_mail(subject, body, None, sorted(recipients))
        except OSError:
            logger.exception("People-change alert for %s could not be sent", member.code)

    transaction.on_commit(_send)


def _people_manager(actor, member: MemberAdministration) -> str:
    """The role by which ``actor`` manages ``member``'s people; refused when there is none."""
    manager = permissions.people_manager(actor, member)
    if manager is None:
        raise PermissionDenied(_("You do not manage this member's people."))
    return manager


def _person_errors(
    *,
    member: MemberAdministration,
    person,
    username: str,
    email: str,
    roles: list[str],
    control_unit: ControlUnit | None,
) -> dict[str, list[str]]:
    """What is wrong with a person's details in ``member`` (``person`` None: a new one)."""
    errors: dict[str, list[str]] = {}
    if control_unit is not None and control_unit.member_id != member.pk:
        errors["control_unit"] = [_("The control unit belongs to another member.")]
    unknown = [r for r in roles if r not in permissions.MEMBER_ROLES]
    if unknown:
        errors["roles"] = [_("Unknown role: %(role)s.") % {"role": ", ".join(unknown)}]
    if not roles:
        errors["roles"] = [_("Choose at least one role.")]
    if RoleName.UNIT_OFFICER in roles and control_unit is None:
        errors["control_unit"] = [_("A unit officer must be assigned a control unit.")]
    users = get_user_model().objects.all()
    if person is not None:
        users = users.exclude(pk=person.pk)
    if email and users.filter(email__iexact=email).exists():
        errors["email"] = [str(EMAIL_UNAVAILABLE)]
    if users.filter(username__iexact=username).exists():
        errors["username"] = [str(USERNAME_UNAVAILABLE)]
    return errors


def _person_check(*, manager: str, actor, member, person, details: dict) -> None:
    """Refuse, with every field's error at once, what ``actor`` may not save."""
    if manager == RoleName.NETWORK_ADMIN:
        errors = _network_admin_errors(by=actor, member=member, user=person, changes=details)
        if errors:
            raise ValidationError(errors)
    if person is not None and person.member_id != member.pk:
        raise PermissionDenied(_("This person belongs to another member."))
    errors = _person_errors(
        member=member,
        person=person,
        username=details["username"],
        email=details["email"],
        roles=details["roles"],
        control_unit=details["control_unit"],
    )
    if errors:
        raise ValidationError(errors)


def _person_roles_set(*, person, member: MemberAdministration, roles: list[str]) -> None:
    """Give ``person`` exactly ``roles`` in ``member``, recording each grant and revocation."""
    groups = permissions.member_roles_ensure(member=member)
    member_groups = [g.pk for g in groups.values()]
    group_roles = {g.pk: role for role, g in groups.items()}
    before = {
        group_roles[pk]
        for pk in person.groups.filter(pk__in=member_groups).values_list("pk", flat=True)
    }
    person.groups.remove(*person.groups.filter(pk__in=member_groups))
    person.groups.add(*[groups[r] for r in roles])
    permissions.forget(person)
    for role in sorted(set(roles) - before):
        _person_audit(action="role.grant", person=person, member=member, detail={"role": role})
    for role in sorted(before - set(roles)):
        _person_audit(action="role.revoke", person=person, member=member, detail={"role": role})


@transaction.atomic
def person_create(
    *,
    member: MemberAdministration,
    actor,
    username: str,
    email: str,
    roles: list[str],
    first_name: str = "",
    last_name: str = "",
    control_unit: ControlUnit | None = None,
    is_active: bool = True,
    base_url: str | None = None,
):
    """Add one of ``member``'s people with their roles there, as ``actor``, and invite them
    when active. A member's own admins may add anyone; a network admin only a member admin
    for a member with no active one (and the member's focal points are alerted)."""
    manager = _people_manager(actor, member)
    details = {
        "username": username,
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
        "roles": list(roles),
        "control_unit": control_unit,
        "is_active": is_active,
    }
    _person_check(manager=manager, actor=actor, member=member, person=None, details=details)
    person = _user_create(
        username=username,
        email=email.lower(),
        first_name=first_name,
        last_name=last_name,
        member=member,
        control_unit=control_unit,
        is_active=is_active,
    )
    _person_audit(action="person.create", person=person, member=member)
    _person_roles_set(person=person, member=member, roles=list(roles))
    if person.is_active:
        user_invite(user=person, base_url=base_url)
    if manager == RoleName.NETWORK_ADMIN:
        people_change_alert(member=member, by=actor, person=person, action="appointed")
    return person


@transaction.atomic
def person_update(
    *,
    member: MemberAdministration,
    actor,
    person,
    username: str,
    email: str,
    roles: list[str],
    first_name: str = "",
    last_name: str = "",
    control_unit: ControlUnit | None = None,
    is_active: bool = True,
):
    """Change one of ``member``'s people (details, roles, unit, active or not), as ``actor``.
    A member's own admins may change anything; a network admin may only deactivate (see
    ``person_deactivate``), which alerts the member's admins."""
    manager = _people_manager(actor, member)
    details = {
        "username": username,
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
        "roles": list(roles),
        "control_unit": control_unit,
        "is_active": is_active,
    }
    _person_check(manager=manager, actor=actor, member=member, person=person, details=details)
    was_active = person.is_active
    person.username = username
    person.email = email.lower()
    person.first_name = first_name
    person.last_name = last_name
    person.control_unit = control_unit
    person.is_active = is_active
    person.full_clean(exclude=["password"])
    person.save()
    deactivated = was_active and not person.is_active
    action = "person.deactivate" if deactivated else "person.change"
    _person_audit(action=action, person=person, member=member)
    _person_roles_set(person=person, member=member, roles=list(roles))
    if manager == RoleName.NETWORK_ADMIN:
        change = "deactivated" if was_active else "saved"
        people_change_alert(member=member, by=actor, person=person, action=change)
    return person


def person_deactivate(*, member: MemberAdministration, actor, person):
    """Deactivate one of ``member``'s people, keeping their details and roles: what a
    member's admins and a network admin may both do."""
    roles = [r.name for r in permissions.user_roles(person) if r.member_id == member.pk]
    return person_update(
        member=member,
        actor=actor,
        person=person,
        username=person.username,
        email=person.email,
        roles=roles,
        first_name=person.first_name,
        last_name=person.last_name,
        control_unit=person.control_unit,
        is_active=False,
    )


def person_invite(*, member: MemberAdministration, person, by, base_url: str | None = None):
    """Send ``person`` their invitation again, as ``by``. A network admin's doing so is
    alerted to the member's admins."""
    manager = permissions.people_manager(by, member)
    if manager is None or person.member_id != member.pk:
        raise PermissionDenied(_("You do not manage this member's people."))
    if not person.is_active:
        raise ValidationError(
            _("%(username)s is inactive: activate the account before inviting.")
            % {"username": person.username}
        )
    with transaction.atomic():
        user_invite(user=person, base_url=base_url)
        if manager == RoleName.NETWORK_ADMIN:
            people_change_alert(member=member, by=by, person=person, action="invited")


@transaction.atomic
def member_suspend(
    *, member: MemberAdministration, reason: str = "", by=None
) -> MemberAdministration:
    """Suspend a member, as ``by`` (None: the request's user): its people can no longer sign
    in or use their tokens, nobody can address a query to it and no alert goes to it. Its
    records stay as they are."""
    member = MemberAdministration.objects.select_for_update().get(pk=member.pk)
    reason = (reason or "").strip()
    if member.status == MemberStatus.SUSPENDED:
        raise ValidationError(
            {"status": [_("%(code)s is already suspended.") % {"code": member.code}]}
        )
    if len(reason) > 1000:
        raise ValidationError({"reason": [_("Keep the reason under 1000 characters.")]})
    member.status = MemberStatus.SUSPENDED
    member.suspended_at = timezone.now()
    member.suspension_reason = reason
    member.save(update_fields=["status", "suspended_at", "suspension_reason"])
    audit_record(
        action="member.suspended",
        actor=by,
        obj=member,
        object_reference=member.code,
        members=[member],
        detail={"reason": reason},
    )
    return member


@transaction.atomic
def member_reinstate(*, member: MemberAdministration, by=None) -> MemberAdministration:
    """Lift a member's suspension, as ``by`` (None: the request's user): everything its
    people could do before comes back. The event's detail keeps the reason it was
    suspended for."""
    member = MemberAdministration.objects.select_for_update().get(pk=member.pk)
    if member.status != MemberStatus.SUSPENDED:
        raise ValidationError({"status": [_("%(code)s is not suspended.") % {"code": member.code}]})
    reason = member.suspension_reason
    member.status = MemberStatus.MEMBER
    member.suspended_at = None
    member.suspension_reason = ""
    member.save(update_fields=["status", "suspended_at", "suspension_reason"])
    audit_record(
        action="member.reinstated",
        actor=by,
        obj=member,
        object_reference=member.code,
        members=[member],
        detail={"reason": reason},
    )
    return member


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
        raise ValidationError({"member": [_("The control unit belongs to another member.")]})
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
        raise ValidationError(errors)
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
