from core.request_context import once_per_request

from . import permissions, releases


@once_per_request
def portal(request):
    """What the base layout needs to show the right navigation for the user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "network_admin": permissions.is_network_admin(user),
            "queries": permissions.takes_part_in_queries(user),
            "seizures": permissions.is_network_user(user),
            "manage_people": permissions.has_any_member_right(
                user, permissions.Right.MANAGE_PEOPLE
            ),
            # "To release" and its count, for the people who release for a member.
            "releases": (
                releases.releases_count(user=user) if permissions.release_member_ids(user) else None
            ),
        }
    }
