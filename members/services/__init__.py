"""Every write the members domain knows. Views, API, commands and tasks call these, as
``services.<name>``: onboarding, invitations, people, suspension and control units."""

from .control_units import control_unit_save
from .invitations import invitation_link, invitation_send, user_invite
from .onboarding import FocalPoint, member_onboard, member_onboard_validate
from .people import (
    EMAIL_UNAVAILABLE,
    USERNAME_UNAVAILABLE,
    people_change_alert,
    person_create,
    person_deactivate,
    person_invite,
    person_update,
)
from .suspension import member_reinstate, member_suspend

__all__ = [
    "EMAIL_UNAVAILABLE",
    "USERNAME_UNAVAILABLE",
    "FocalPoint",
    "control_unit_save",
    "invitation_link",
    "invitation_send",
    "member_onboard",
    "member_onboard_validate",
    "member_reinstate",
    "member_suspend",
    "people_change_alert",
    "person_create",
    "person_deactivate",
    "person_invite",
    "person_update",
    "user_invite",
]
