"""Per-person counts that every page shows (the bell, the hit badge, "To release"), with their
SQL compiled once per process.

Each of these statements is built from the person's rights alone (``members.permissions``
and the apps' permission modules), and the ORM spends several milliseconds of CPU building and
compiling it: more than the database spends running it. The text and parameters of such a
statement depend only on who the person is (id, member, control unit, active, superuser) and
on their rights (``permissions._rights``, read again whenever roles, rights or a member's
status change). The key below holds all of these, so a change of rights or of the person
gives a new key and the statement is built afresh; the database runs it every time, so the
count is always today's. Nothing is shared between processes, and nothing needs Redis.

A builder passed here must read nothing but the person and their rights (no clock, no rows):
that is what makes its compiled text reusable.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from . import permissions

#: Compiled statements kept per process (the least recently used go first).
MAX_ENTRIES = 4096

_lock = threading.Lock()
_entries: OrderedDict[tuple, tuple | bool | None] = OrderedDict()


def _rights_key(user) -> tuple:
    rights = permissions._rights(user)
    return tuple(
        sorted(
            (str(name), value if isinstance(value, bool) else tuple(sorted(value)))
            for name, value in rights.items()
        )
    )


def _key(user, name: str) -> tuple:
    return (
        name,
        user.pk,
        getattr(user, "member_id", None),
        getattr(user, "control_unit_id", None),
        bool(getattr(user, "is_active", False)),
        bool(getattr(user, "is_superuser", False)),
        _rights_key(user),
    )


def _statement(key: tuple, compile_it: Callable[[], tuple | bool | None]):
    """The compiled statement under ``key``, compiled now if it is not kept yet."""
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]
    statement = compile_it()
    with _lock:
        _entries[key] = statement
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return statement


def _compile(queryset: QuerySet) -> tuple[str, tuple] | None:
    """``SELECT COUNT(*)`` over ``queryset`` (None when it can match nothing)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"SELECT COUNT(*) FROM ({sql}) AS counted", tuple(params)


def count_for(user, name: str, build: Callable[[], QuerySet]) -> int:
    """The number of rows of ``build()`` (a queryset built from ``user`` and their rights
    only, ordered by nothing), compiled once per person and rights under ``name``."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return build().count()
    statement = _statement(_key(user, name), lambda: _compile(build()))
    if statement is None:
        return 0
    sql, params = statement
    with connections["default"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


#: Stand-ins for the ids of ``rows_for`` while its statement is compiled: no row has a negative
#: id, and no other parameter is one of these.
_PLACEHOLDER = -(2**62)


def _compile_rows(queryset: QuerySet, placeholders: list[int]):
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    params = list(params)
    if any(params.count(p) != 1 for p in placeholders):
        return False  # the ids do not appear once each as parameters: not reusable
    return sql, tuple(params), tuple(params.index(p) for p in placeholders)


def rows_for(user, name: str, build: Callable[[list[int]], QuerySet], ids: list[int]) -> list:
    """The rows of ``build(ids)`` (a ``values_list`` queryset built from ``user``, their
    rights and ``ids`` only, each id one parameter), compiled once per person, rights and
    number of ids: the ids are put in the compiled statement's place of the stand-ins it was
    compiled with."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return list(build(ids))
    placeholders = [_PLACEHOLDER - i for i in range(len(ids))]
    statement = _statement(
        _key(user, f"{name}:{len(ids)}"), lambda: _compile_rows(build(placeholders), placeholders)
    )
    if statement is None:
        return []
    if statement is False:
        return list(build(ids))
    sql, params, positions = statement
    params = list(params)
    for position, value in zip(positions, ids, strict=True):
        params[position] = value
    with connections["default"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


#: Query parameters that page a list without changing which rows it holds.
PAGING_PARAMETERS = frozenset({"cursor", "page", "page_size"})


def list_count(*, request, name: str, queryset: QuerySet) -> int:
    """The rows of an API list (``queryset``, built from the user, their rights and the
    request's query parameters only: its filters), compiled once per person, rights and
    parameters."""
    parameters = sorted(
        (key, tuple(values))
        for key, values in request.query_params.lists()
        if key not in PAGING_PARAMETERS
    )
    return count_for(
        request.user, f"{name}:{parameters!r}", lambda: queryset.order_by().values("pk")
    )


def clear() -> None:
    """Forget every compiled statement (tests)."""
    with _lock:
        _entries.clear()
