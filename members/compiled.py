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
that is what makes its compiled text reusable. ``instances_for`` keeps, with a model
statement's text, what Django learnt compiling it (its columns, the related objects it
selects, their converters), so that its rows become model instances as the ORM would make
them without building the statement again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators, prefetch_related_objects

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


def _prepared(user, name: str, build, ids, compile_it):
    """How ``rows_for`` and ``instances_for`` read ``build()`` or ``build(ids)``: (rows, None,
    None) when they are read already (nothing to read, no person to compile for, or a
    statement that cannot be reused), else (None, the statement compiled once per person,
    rights and number of ids by ``compile_it(queryset, placeholders)``, the ids)."""
    if ids is None:
        ids, make = [], lambda _ids: build()
    else:
        ids, make = list(dict.fromkeys(ids)), build
        if not ids:
            return [], None, None
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return list(make(ids)), None, None
    placeholders = [_PLACEHOLDER - i for i in range(len(ids))]
    statement = _statement(
        _key(user, f"{name}:{len(ids)}"), lambda: compile_it(make(placeholders), placeholders)
    )
    if statement is None:
        return [], None, None
    if statement is False:
        return list(make(ids)), None, None
    return None, statement, ids


def rows_for(user, name: str, build: Callable[..., QuerySet], ids: list[int] | None = None) -> list:
    """The rows of ``build()`` (a ``values_list`` queryset built from ``user`` and their rights
    only) or of ``build(ids)`` (from ``ids`` too, each id one parameter), compiled once per
    person, rights and number of ids: the ids are put in the compiled statement's place of the
    stand-ins it was compiled with."""
    rows, statement, ids = _prepared(user, name, build, ids, _compile_rows)
    if statement is None:
        return rows
    sql, params, positions = statement
    params = list(params)
    for position, value in zip(positions, ids, strict=True):
        params[position] = value
    with connections["default"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class _ModelStatement:
    """A model statement compiled once, and how each of its rows becomes a model instance
    (read-only once made: shared by the threads of a process)."""

    sql: str
    params: tuple
    positions: tuple[int, ...]
    db: str
    model: type
    start: int
    end: int
    init_list: tuple[str, ...]
    populators: tuple
    annotations: tuple[tuple[str, int], ...]
    converters: tuple
    col_count: int
    trim: bool
    prefetches: tuple


def _compile_instances(queryset: QuerySet, placeholders: list[int]):
    """The statement of ``queryset`` (model instances, no known related objects), or None
    when it can match nothing, or False when it cannot be reused (then it is run as it is)."""
    if queryset._iterable_class is not ModelIterable or queryset._known_related_objects:
        return False
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    params = list(params)
    if not sql or any(params.count(p) != 1 for p in placeholders):
        return False
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(fields):
        return False
    klass_info, select = compiler.klass_info, compiler.select
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _ModelStatement(
        sql=sql,
        params=tuple(params),
        positions=tuple(params.index(p) for p in placeholders),
        db=queryset.db,
        model=klass_info["model"],
        start=start,
        end=end,
        init_list=tuple(column[0].target.attname for column in select[start:end]),
        populators=tuple(get_related_populators(klass_info, select, queryset.db)),
        annotations=tuple((compiler.annotation_col_map or {}).items()),
        converters=tuple(compiler.get_converters(fields).items()),
        col_count=compiler.col_count,
        trim=compiler.has_extra_select,
        prefetches=tuple(queryset._prefetch_related_lookups),
    )


def _instances(statement: _ModelStatement, ids: list) -> list:
    """Run ``statement`` with ``ids`` (or texts) in its stand-ins' places; its rows as model
    instances, with their selected related objects, annotations and prefetches (as
    ``ModelIterable``)."""
    params = list(statement.params)
    for position, value in zip(statement.positions, ids, strict=True):
        params[position] = value
    connection = connections[statement.db]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    instances = []
    for row in rows:
        row = list(row[: statement.col_count] if statement.trim else row)
        for position, (converters, expression) in statement.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        obj = statement.model.from_db(
            statement.db, statement.init_list, row[statement.start : statement.end]
        )
        for populator in statement.populators:
            populator.populate(row, obj)
        for name, position in statement.annotations:
            setattr(obj, name, row[position])
        instances.append(obj)
    if statement.prefetches and instances:
        prefetch_related_objects(instances, *statement.prefetches)
    return instances


def instances_for(
    user, name: str, build: Callable[..., QuerySet], ids: list[int] | None = None
) -> list:
    """The model instances of ``build()`` (or ``build(ids)``: a queryset built from ``user``,
    their rights and ``ids`` only, each id one parameter), as evaluating it would give them,
    compiled once per person, rights and number of ids. Prefetches are still read (and built)
    each time."""
    rows, statement, ids = _prepared(user, name, build, ids, _compile_instances)
    if statement is None:
        return rows
    return _instances(statement, ids)


def shared_instances(name: str, build: Callable[[list], QuerySet], values: list) -> list:
    """The model instances of ``build(values)``: a queryset built from ``values`` alone (ids
    and texts, each one parameter; no person, no rights, no clock), compiled once per process
    and ``name``, shared by everyone. Only for reads the caller has already allowed the user
    (the statement checks nothing)."""
    placeholders = [
        f"\x00compiled-{i}" if isinstance(value, str) else _PLACEHOLDER - i
        for i, value in enumerate(values)
    ]
    kinds = "".join("s" if isinstance(value, str) else "i" for value in values)
    statement = _statement(
        ("shared", name, kinds), lambda: _compile_instances(build(placeholders), placeholders)
    )
    if statement is None:
        return []
    if statement is False:
        return list(build(values))
    return _instances(statement, values)


def prefetch(
    instances: list,
    relation: str,
    build: Callable[[list[int]], QuerySet],
    *,
    name: str,
    listing: bool = False,
) -> None:
    """Fill ``relation`` (a reverse foreign key: a query's ``recipients``) on ``instances`` as
    ``prefetch_related(Prefetch(relation, queryset=...))`` does, from ``build(ids)``: the
    related rows whose foreign key is one of ``ids`` (the instances' ids), built from nothing
    else (no person, no rights, no clock). Its statement is compiled once per process, ``name``
    and number of ids, shared by everyone: it names no person, and the instances were already
    read under the caller's rights.

    With ``listing``, the rows are kept for ``prefetched`` alone: the ORM's cache (what
    ``obj.relation.all()`` reads) needs a filtered queryset made for each instance, some
    90 µs each, and the rows of a list page are read through ``prefetched`` only."""
    if not instances:
        return
    field = getattr(type(instances[0]), relation).field
    ids = [obj.pk for obj in instances]
    placeholders = [_PLACEHOLDER - i for i in range(len(set(ids)))]
    statement = _statement(
        ("prefetch", name, len(placeholders)),
        lambda: _compile_instances(build(placeholders), placeholders),
    )
    if statement is None:
        rows = []
    elif statement is False:
        rows = list(build(list(dict.fromkeys(ids))))
    else:
        rows = _instances(statement, list(dict.fromkeys(ids)))
    by_parent: dict[int, list] = {}
    for row in rows:
        by_parent.setdefault(getattr(row, field.attname), []).append(row)
    parents = {obj.pk: obj for obj in instances}
    for obj in instances:
        found = by_parent.get(obj.pk, [])
        for row in found:
            field.set_cached_value(row, parents[obj.pk])
        if listing:
            obj.__dict__.setdefault(_LISTED, {})[relation] = found
            continue
        cached = getattr(obj, relation).get_queryset()
        cached._result_cache, cached._prefetch_done = found, True
        if not hasattr(obj, "_prefetched_objects_cache"):
            obj._prefetched_objects_cache = {}
        obj._prefetched_objects_cache[field.remote_field.cache_name] = cached


#: Where ``prefetch(..., listing=True)`` keeps an instance's rows, by relation.
_LISTED = "_compiled_listed_rows"


def prefetched(obj, relation: str) -> list:
    """The rows ``prefetch`` (or ``prefetch_related``) filled ``relation`` of ``obj`` with, as
    a list, without making a queryset for them; read from the database if it was not
    filled."""
    listed = obj.__dict__.get(_LISTED)
    if listed is not None and relation in listed:
        return listed[relation]
    cache_name = getattr(type(obj), relation).field.remote_field.cache_name
    cached = getattr(obj, "_prefetched_objects_cache", {}).get(cache_name)
    if cached is not None and cached._result_cache is not None:
        return cached._result_cache
    return list(getattr(obj, relation).all())


#: Query parameters that page a list without changing which rows it holds.
PAGING_PARAMETERS = frozenset({"cursor", "page", "page_size"})


def list_key(request, name: str) -> str:
    """``name`` with the request's query parameters that choose an API list's rows (its
    filters, not its paging)."""
    parameters = sorted(
        (key, tuple(values))
        for key, values in request.query_params.lists()
        if key not in PAGING_PARAMETERS
    )
    return f"{name}:{parameters!r}"


def list_count(*, request, name: str, build: Callable[[], QuerySet]) -> int:
    """The rows of an API list (``build()``, called only when the statement is compiled:
    built from the user, their rights and the request's query parameters only, its
    filters), compiled once per person, rights and parameters."""
    return count_for(request.user, list_key(request, name), lambda: build().order_by().values("pk"))


def first_page(view, request, name: str, then=None, *, listed=None, data=None):
    """The first page (no cursor, no page number) of ``view``'s list, read by a statement
    compiled once per person, rights and query parameters (``members.compiled``), its count
    too; ``then(rows)`` completes the rows (prefetches). For a list built from the user, their
    rights and its query parameters alone (no clock). None for any other page: the view builds
    and pages it as usual. ``listed()`` builds the list (the view's filtered queryset unless
    given) and ``data(page)`` writes the page's rows (the view's serializer unless given)."""
    paginator = view.paginator
    size = paginator.first_page_size(request)
    if size is None:
        return None
    if listed is None:

        def listed():
            return view.filter_queryset(view.get_queryset())

    key = list_key(request, f"{name}.page")
    rows = instances_for(
        request.user, f"{key}:{size}", lambda: listed().order_by(*paginator.ordering)[: size + 1]
    )
    if then is not None:
        rows = then(rows)
    count = list_count(request=request, name=name, build=listed)
    page = paginator.paginate_rows(rows, request, view, count=count)
    if data is None:
        return paginator.get_paginated_response(view.get_serializer(page, many=True).data)
    return paginator.get_paginated_response(data(page))


def clear() -> None:
    """Forget every compiled statement (tests)."""
    with _lock:
        _entries.clear()
