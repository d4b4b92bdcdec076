from core.request_context import once_per_request
from members import permissions

from . import selectors


@once_per_request
def bell(request):
    """The unread count on the notification bell: one COUNT on an index, for people who take
    part in urgent queries (the rights are already cached on the user)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not permissions.takes_part_in_queries(user):
        return {}
    return {"exchange_bell": {"unread": selectors.unread_count(user=user)}}
