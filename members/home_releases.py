"""The home page's "releases" section: what waits for the person's release (a releaser of a
member whose policy holds items), oldest first."""

from . import permissions, releases
from .home import HomeSection

SHOWN = 5


def releases_section(*, user) -> HomeSection | None:
    if not permissions.release_member_ids(user):
        return None
    items = releases.releases_awaiting(user=user)
    if not items:
        return None
    return HomeSection(
        template="members/_home_releases.html",
        context={"items": items[:SHOWN], "count": len(items)},
    )
