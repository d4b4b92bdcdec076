"""Keyset (cursor) pagination for the API lists and the browser's report list.

A page is found by the position of its first row (``WHERE seized_on < …``, served by an index),
never by ``OFFSET``, so page 15,000 costs what page 1 costs. DRF's ``CursorPagination`` does
the work; the response keeps the lists' shape (``count``, ``next``, ``previous``, ``results``),
with one difference: ``count`` is given on the first page only (no ``cursor``), where clients
read it; deeper pages leave it out, since counting 750,000 visible rows on every page would
cost more than the page itself.

Two cases fall back to numbered pages (``count``, ``next``, ``previous``, ``results``), for
compatibility and for sorts a keyset cannot follow:

- a ``page`` parameter (clients written against the numbered pages keep working);
- a list sorted on another column than the keyset's (a FilterSet's ``OrderingFilter`` has
  already ordered the queryset): the chosen sort is kept, paged by offset.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request


class NumberedPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class KeysetPagination(CursorPagination):
    """Cursor pages on ``ordering`` (the list's default sort; its first field is the cursor's
    position, the rest break ties)."""

    ordering: tuple[str, ...] = ("-created_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 200
    fallback_class = NumberedPagination

    #: Count the rows on the first page (the API's ``count``; a browser page shows none).
    counts = True

    def _falls_back(self, queryset: QuerySet, request) -> bool:
        if "page" in request.query_params:
            return True
        chosen = tuple(queryset.query.order_by)
        return bool(chosen) and chosen != tuple(self.ordering)

    def paginate_queryset(self, queryset, request, view=None):
        self._fallback = None
        self._count = None
        if self._falls_back(queryset, request):
            self._fallback = self.fallback_class()
            self._fallback.page_size = self.page_size
            self._fallback.page_size_query_param = self.page_size_query_param
            return self._fallback.paginate_queryset(queryset, request, view)
        if self.counts and not request.query_params.get(self.cursor_query_param):
            # A view may count its rows its own way (``paginated_count(queryset)``).
            counter = getattr(view, "paginated_count", None)
            self._count = counter(queryset) if counter is not None else queryset.count()
        return super().paginate_queryset(queryset, request, view)

    def first_page_size(self, request) -> int | None:
        """The page size of a first page by cursor (no ``cursor``, no ``page``), whose rows a
        view may read itself (``paginate_rows``); None for any other page."""
        if "page" in request.query_params or request.query_params.get(self.cursor_query_param):
            return None
        return self.get_page_size(request) or None

    def paginate_rows(self, rows: list, request, view=None, *, count: int | None = None):
        """``paginate_queryset`` of a first page (``first_page_size``) whose rows the view has
        read itself: ``ordering``'s first ``page size + 1``, over a queryset ordered by
        ``ordering`` (what the first page reads); ``count`` is the list's."""
        self._fallback = None
        self._count = count if self.counts else None
        return super().paginate_queryset(_ReadRows(rows), request, view)

    def get_paginated_response(self, data):
        if self._fallback is not None:
            return self._fallback.get_paginated_response(data)
        response = super().get_paginated_response(data)
        if self._count is not None:
            response.data = {"count": self._count, **response.data}
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"] = {
            "count": {"type": "integer", "description": "On the first page only."},
            **paginated["properties"],
        }
        return paginated

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            *self.fallback_class().get_schema_operation_parameters(view)[:1],
        ]


class _ReadRows(list):
    """Rows already read in the paginator's order, standing in for the queryset they came
    from: ordering them again changes nothing, and slicing them is a list's."""

    def order_by(self, *fields):
        return self


def keyset_page(
    request,
    queryset: QuerySet,
    *,
    ordering: tuple[str, ...],
    size: int = 50,
    first_rows: Callable[[int], list] | None = None,
):
    """A browser page of ``queryset`` by cursor: (rows, previous URL, next URL); the URLs are
    relative (``?cursor=…`` with the page's other parameters). Sorted otherwise than
    ``ordering``, or asked for a ``page`` number, it pages by offset like the API.
    ``first_rows(limit)``, if given, reads the first page's rows itself: the first ``limit``
    rows of ``queryset`` in ``ordering`` (e.g. by a statement compiled once)."""
    paginator = KeysetPagination()
    paginator.ordering = ordering
    paginator.page_size = size
    paginator.page_size_query_param = None
    paginator.counts = False  # the page shows no total: no COUNT over every visible row
    drf_request = Request(request)
    if (
        first_rows is not None
        and paginator.first_page_size(drf_request)
        and not paginator._falls_back(queryset, drf_request)
    ):
        rows = paginator.paginate_rows(first_rows(size + 1), drf_request)
    else:
        rows = paginator.paginate_queryset(queryset, drf_request)
    if paginator._fallback is not None:
        links = paginator._fallback.get_previous_link(), paginator._fallback.get_next_link()
    else:
        links = paginator.get_previous_link(), paginator.get_next_link()
    return list(rows), *(_relative(link) for link in links)


def _relative(link: str | None) -> str | None:
    if not link:
        return None
    return "?" + link.split("?", 1)[1] if "?" in link else "?"
