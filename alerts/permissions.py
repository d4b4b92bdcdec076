"""Who may oversee the outbox."""

from members.permissions import is_network_admin


def may_oversee_alerts(user) -> bool:
    """Network admins see how many alerts failed (no content) and send them again."""
    return is_network_admin(user)
