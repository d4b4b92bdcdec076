"""Reads of notices, restricted by ``permissions``: the board's lists and one notice."""

from __future__ import annotations

from django.db.models import QuerySet

from members import compiled
from members.models import ReleaseState

from . import permissions
from .models import ArrivalNotice

#: The board's and the API list's order (and the cursor's keyset).
NOTICE_ORDERING = ("expected_arrival", "id")


def notice_list(*, user, filters=None) -> QuerySet[ArrivalNotice]:
    """Notices the user may see, by expected arrival; ``filters`` a validated
    ``NoticeFilterSet`` (or None). A direction narrows the permission itself (the member
    column of that side only)."""
    direction = None
    if filters is not None and filters.is_valid():
        direction = filters.form.cleaned_data.get("direction") or None
    rows = permissions.restrict_notices(user, direction=direction).select_related(
        "from_member", "to_member", "from_unit", "to_unit"
    )
    if filters is not None:
        rows = filters.filter_queryset(rows)
    return rows.order_by(*NOTICE_ORDERING)


def notice_get(*, user, pk: int) -> ArrivalNotice:
    """One notice the user may see (``ArrivalNotice.DoesNotExist`` otherwise). Its statement
    is built from the user and their rights alone, so it is compiled once per person and
    rights (``members.compiled``)."""
    found = compiled.instances_for(
        user,
        "arrivals.notice_get",
        lambda ids: (
            permissions.restrict_notices(user)
            .select_related(
                "from_member", "to_member", "from_unit", "to_unit", "author", "seizure_report"
            )
            .filter(pk=ids[0])
            .order_by()
        ),
        [int(pk)],
    )
    if not found:
        raise ArrivalNotice.DoesNotExist("No notice the user may see has this id.")
    return found[0]


def notice_returned_own(*, user, pk) -> ArrivalNotice:
    """A notice of the user's own that a releaser returned (to copy into a new draft);
    ``ArrivalNotice.DoesNotExist`` otherwise."""
    return (
        permissions.restrict_notices(user)
        .filter(author=user, release_state=ReleaseState.RETURNED)
        .select_related("to_member", "to_unit", "from_unit")
        .get(pk=pk)
    )
