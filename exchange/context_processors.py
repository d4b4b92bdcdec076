from members import permissions

from . import selectors


def bell(request):
    """The unread count on the notification bell (one COUNT on an index, for network users)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not permissions.is_network_user(user):
        return {}
    return {"exchange_bell": {"unread": selectors.unread_count(user=user)}}
