from . import permissions


def nav(request):
    """Whether the navigation shows the arrivals board."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"arrivals_nav": permissions.may_use_arrivals(user)}
