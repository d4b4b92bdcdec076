"""The home page's "arrivals" section: red notices still expected at the person's members
(the receiving side, who alone know a notice's lane), soonest first."""

from members.home import HomeSection

from . import permissions
from .models import Lane, NoticeStatus

SHOWN = 5


def red_arrivals_section(*, user) -> HomeSection | None:
    if not permissions.notice_member_ids(user):
        return None
    red = permissions.restrict_notices(user, direction="incoming").filter(
        lane=Lane.RED, status=NoticeStatus.EXPECTED
    )
    notices = list(red.select_related("from_member").order_by("expected_arrival", "id")[:SHOWN])
    if not notices:
        return None
    count = red.count() if len(notices) == SHOWN else len(notices)
    return HomeSection(
        template="arrivals/_home_red.html", context={"notices": notices, "count": count}
    )
