"""A member's people: adding, changing, deactivating and inviting them, with the separation
of duties between the member's own admins and network admins."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import Invalid, NotAllowed

from .. import permissions
from ..models import ControlUnit, MemberAdministration, RoleName
from .invitations import _person_audit, _user_create, user_invite

logger = logging.getLogger(__name__)

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


def people_change_alert(*, member: MemberAdministration, by, person, action: str) -> None:
    """Email ``member``'s admins (and, when it has none or when a member admin is appointed,
    its focal points) that network admin ``by`` acted on one of its people. Sent once the
    transaction commits; a mail server that is down is logged, never undoes the change."""
    recipients = {
        u.email.lower() for u in permissions.member_admins(member).exclude(pk=person.pk) if u.email
    }
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
        raise NotAllowed(_("You do not manage this member's people."))
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


def _details(username, email, first_name, last_name, roles, control_unit, is_active) -> dict:
    """A person's requested values, as ``_person_check`` reads them."""
    return {
        "username": username,
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
        "roles": list(roles),
        "control_unit": control_unit,
        "is_active": is_active,
    }


def _person_check(*, manager: str, actor, member, person, details: dict) -> None:
    """Refuse, with every field's error at once, what ``actor`` may not save."""
    if manager == RoleName.NETWORK_ADMIN:
        errors = _network_admin_errors(by=actor, member=member, user=person, changes=details)
        if errors:
            raise Invalid(errors)
    if person is not None and person.member_id != member.pk:
        raise NotAllowed(_("This person belongs to another member."))
    errors = _person_errors(
        member=member,
        person=person,
        username=details["username"],
        email=details["email"],
        roles=details["roles"],
        control_unit=details["control_unit"],
    )
    if errors:
        raise Invalid(errors)


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
    details = _details(username, email, first_name, last_name, roles, control_unit, is_active)
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
    details = _details(username, email, first_name, last_name, roles, control_unit, is_active)
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
        raise NotAllowed(_("You do not manage this member's people."))
    if not person.is_active:
        raise Invalid(
            _("%(username)s is inactive: activate the account before inviting.")
            % {"username": person.username}
        )
    with transaction.atomic():
        user_invite(user=person, base_url=base_url)
        if manager == RoleName.NETWORK_ADMIN:
            people_change_alert(member=member, by=by, person=person, action="invited")
