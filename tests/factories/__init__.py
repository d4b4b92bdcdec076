"""factory-boy factories, one module per app. Import from here."""

from .members import (  # noqa: F401
    ControlUnitFactory,
    MemberFactory,
    UserFactory,
    member_user,
    network_admin,
)
