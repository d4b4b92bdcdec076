from . import permissions


def nav(request):
    """Whether the navigation shows the targeting page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"targeting_nav": permissions.may_use_targeting(user)}
