from django.conf import settings
from django.utils.translation import ngettext

from core.request_context import once_per_request
from members import permissions

from . import selectors

#: Counts whose label the bell's script may need: one of each plural form in any language
#: (the script picks the one with the same plural category as the count, Intl.PluralRules).
LABEL_SAMPLES = (0, 1, 2, 3, 5, 11, 21, 22, 25, 101, 102, 105, 111)


def _labels() -> str:
    """The bell's label for each sample count, with ``#`` where the count goes."""
    return "|".join(
        f"{n}:"
        + ngettext(
            "%(counter)s unread notification", "%(counter)s unread notifications", n
        ).replace("%(counter)s", "#")
        for n in LABEL_SAMPLES
    )


@once_per_request
def bell(request):
    """The unread count on the notification bell: one COUNT, for people who take part in
    urgent queries (they also receive the hit alerts; the rights are already cached on the
    user), and what its script needs to poll it (``NOTIFICATIONS_POLL_SECONDS``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not permissions.takes_part_in_queries(user):
        return {}
    return {
        "exchange_bell": {
            "unread": selectors.unread_count(user=user),
            "poll_seconds": settings.NOTIFICATIONS_POLL_SECONDS,
            "labels": _labels,
        }
    }
