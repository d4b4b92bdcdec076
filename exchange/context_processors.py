from members import permissions

from . import selectors

QUERY_RIGHTS = (
    permissions.Right.FILE_QUERIES,
    permissions.Right.VIEW_QUERIES,
    permissions.Right.VIEW_UNIT_QUERIES,
)


def bell(request):
    """The unread count on the notification bell: one COUNT on an index, for people who take
    part in urgent queries (the rights are already cached on the user)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not any(permissions.has_any_member_right(user, right) for right in QUERY_RIGHTS):
        return {}
    return {"exchange_bell": {"unread": selectors.unread_count(user=user)}}
