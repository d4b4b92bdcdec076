"""Caches shared by the worker processes (Redis when ``REDIS_URL`` is set, per process
otherwise), for what every request reads and almost nothing writes: each user's rights and the
vocabularies (members, control units, commodities, operations).

Invalidation is by generation, not by key: a change bumps one counter and every entry written
under the old value is simply never read again (it expires on its own). A change bumps it at
once and again when its transaction commits, so a request that read the old rows in between
cannot leave them cached under the new generation.

- Rights: ``members.permissions`` calls ``rights_changed()`` when it grants or changes roles;
  signals catch the rest (group membership, object permissions, roles, members, users created
  or deleted). The key also holds the user's ``is_active``, ``is_superuser`` and join time, so a
  deactivated user or a reused id never meets an old entry.
- Vocabularies: ``vocabulary(name, loader)`` caches plain rows (tuples), never model instances;
  the apps connect ``vocabulary_changed`` to their vocabulary models' save and delete.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

_RIGHTS = "rights-generation"
_VOCABULARY = "vocabulary-generation"


def _key(name: str) -> str:
    """Keys name the database: two databases sharing one Redis (a test run beside a
    development server, two deployments) never read each other's ids."""
    return f"iren:{connection.settings_dict['NAME']}:{name}"


def _generation(name: str) -> str:
    key = _key(name)
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex, None)
        value = cache.get(key) or "none"
    return value


def _bump(name: str) -> None:
    key = _key(name)
    cache.set(key, uuid.uuid4().hex, None)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, None))


def generation(name: str) -> str:
    """The current generation of a named cache (e.g. ``seizure-totals``): part of its keys."""
    return _generation(f"generation:{name}")


def changed(name: str) -> None:
    """A named cache's entries are stale: they are never read again."""
    _bump(f"generation:{name}")


def vocabulary_generation() -> str:
    """Part of the keys of anything that shows vocabulary names (e.g. cached charts)."""
    return _generation(_VOCABULARY)


def rights_changed(*args, **kwargs) -> None:
    """Every user's cached rights are recomputed on their next request (also a signal
    receiver)."""
    _bump(_RIGHTS)


def vocabulary_changed(*args, **kwargs) -> None:
    """Every cached vocabulary is read again (also a signal receiver)."""
    _bump(_VOCABULARY)


def cached_rights(user, compute: Callable[[], dict]) -> dict:
    """The user's rights from the cache, or computed and cached."""
    seconds = settings.PERMISSIONS_CACHE_SECONDS
    if not seconds:
        return compute()
    joined = user.date_joined.timestamp() if getattr(user, "date_joined", None) else 0
    key = _key(
        f"rights:{_generation(_RIGHTS)}:{user.pk}:{joined}:"
        f"{int(user.is_active)}{int(user.is_superuser)}"
    )
    rights = cache.get(key)
    if rights is None:
        rights = compute()
        cache.set(key, rights, seconds)
    return rights


def rights_rows(name: str, loader: Callable[[], list]) -> list:
    """Rows derived from roles and rights (``loader()``, a list of plain values, e.g. the ids
    of the people alerted for a member), cached under the rights generation: any change of
    roles, rights, members or users makes them read again."""
    return _rows(
        settings.PERMISSIONS_CACHE_SECONDS, f"rights-rows:{_generation(_RIGHTS)}:{name}", loader
    )


def vocabulary(name: str, loader: Callable[[], list]) -> list:
    """A vocabulary's rows (``loader()``, a list of tuples) from the cache."""
    return _rows(
        settings.VOCABULARY_CACHE_SECONDS, f"vocabulary:{_generation(_VOCABULARY)}:{name}", loader
    )


def _rows(seconds: int, name: str, loader: Callable[[], list]) -> list:
    if not seconds:
        return loader()
    key = _key(name)
    rows = cache.get(key)
    if rows is None:
        rows = loader()
        cache.set(key, rows, seconds)
    return rows


def _user_saved(sender, instance, created, **kwargs) -> None:
    if created:
        rights_changed()


def signals_connect() -> None:
    """Bump the generations on every change that can alter a user's rights or a vocabulary
    of the members app (the other apps connect their own vocabularies)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from guardian.models import GroupObjectPermission

    from .models import ControlUnit, MemberAdministration, Role

    user_model = get_user_model()
    m2m_changed.connect(
        rights_changed, sender=user_model.groups.through, dispatch_uid="iren-rights-groups"
    )
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="iren-rights-user-new")
    for model in (GroupObjectPermission, Role, MemberAdministration, user_model):
        for signal in (post_save, post_delete):
            if model is user_model and signal is post_save:
                continue  # last_login changes at every login: only new users count (above)
            signal.connect(
                rights_changed,
                sender=model,
                dispatch_uid=f"iren-rights-{model.__name__}-{id(signal)}",
            )
    for model in (MemberAdministration, ControlUnit):
        for signal in (post_save, post_delete):
            signal.connect(
                vocabulary_changed,
                sender=model,
                dispatch_uid=f"iren-vocabulary-{model.__name__}-{id(signal)}",
            )
