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
  ``vocabulary_markup(name, render)`` keeps markup drawn from them alone, per language.

A request reads the rights and vocabulary generations once, together, and keeps them (a
bump within the request forgets them). Each process also keeps what it read or wrote under a
generation (``_Local``), so that a request asks Redis for the generation alone: an entry's key
holds the generation, and a read of the generation from Redis decides, for every process,
whether the entry is still the one to read. It lives no longer than the shared entry would.
While Redis cannot be reached the generation is unknown ("none") and nothing is kept.
"""

from __future__ import annotations

import pickle
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.request_context import current_request

_RIGHTS = "rights-generation"
_VOCABULARY = "vocabulary-generation"


def _key(name: str) -> str:
    """Keys name the database: two databases sharing one Redis (a test run beside a
    development server, two deployments) never read each other's ids."""
    return f"iren:{connection.settings_dict['NAME']}:{name}"


#: Without Redis (an unreachable server answers every read as a miss) the generation is this.
UNKNOWN_GENERATION = "none"


class _Local:
    """Entries of this process: pickled (each read gets its own copy, as from Redis), with
    the time they expire, the least recently used dropped beyond ``MAX_ENTRIES``."""

    MAX_ENTRIES = 2048

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def get(self, key: str):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
        return pickle.loads(entry[1])

    def set(self, key: str, value, seconds: int) -> None:
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._entries[key] = (time.monotonic() + seconds, data)
            self._entries.move_to_end(key)
            while len(self._entries) > self.MAX_ENTRIES:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_local = _Local()


#: The generations a request reads together, in one round trip, the first time it needs one.
_READ_TOGETHER = (_RIGHTS, _VOCABULARY)
_REQUEST_ATTRIBUTE = "_iren_generations"


def _request_generations() -> dict | None:
    """The generations this request has read (kept on the request), or None outside one."""
    request = current_request()
    if request is None:
        return None
    try:
        return request.__dict__.setdefault(_REQUEST_ATTRIBUTE, {})
    except AttributeError:
        return None


def _generation(name: str) -> str:
    key = _key(name)
    known = _request_generations()
    if known is not None:
        if key in known:
            return known[key]
        if name in _READ_TOGETHER:
            together = [_key(other) for other in _READ_TOGETHER]
            found = cache.get_many(together)
            for other in together:
                if other in found:
                    known[other] = found[other]
            if key in known:
                return known[key]
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex, None)
        value = cache.get(key) or UNKNOWN_GENERATION
    if known is not None and value != UNKNOWN_GENERATION:
        known[key] = value
    return value


def _bump(name: str) -> None:
    key = _key(name)
    known = _request_generations()
    if known is not None:
        known.pop(key, None)
    cache.set(key, uuid.uuid4().hex, None)
    if transaction.get_connection().in_atomic_block:

        def bump_again():
            request_known = _request_generations()
            if request_known is not None:
                request_known.pop(key, None)
            cache.set(key, uuid.uuid4().hex, None)

        transaction.on_commit(bump_again)


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
    current = _generation(_RIGHTS)
    return _cached(
        seconds,
        current,
        _key(f"rights:{current}:{user.pk}:{joined}:{int(user.is_active)}{int(user.is_superuser)}"),
        compute,
    )


def rights_rows(name: str, loader: Callable[[], list]) -> list:
    """Rows derived from roles and rights (``loader()``, a list of plain values, e.g. the ids
    of the people alerted for a member), cached under the rights generation: any change of
    roles, rights, members or users makes them read again."""
    return _rows(settings.PERMISSIONS_CACHE_SECONDS, _RIGHTS, "rights-rows", name, loader)


def vocabulary(name: str, loader: Callable[[], list]) -> list:
    """A vocabulary's rows (``loader()``, a list of tuples) from the cache."""
    return _rows(settings.VOCABULARY_CACHE_SECONDS, _VOCABULARY, "vocabulary", name, loader)


def vocabulary_markup(name: str, render: Callable[[], str]) -> SafeString:
    """Markup drawn from vocabularies alone (``render()``, e.g. an empty filter form's
    drop-downs), in the active language: cached under the vocabulary generation, so that any
    change of a member, unit, commodity or operation draws it again."""
    language = get_language() or settings.LANGUAGE_CODE
    return mark_safe(
        _rows(
            settings.VOCABULARY_CACHE_SECONDS,
            _VOCABULARY,
            "markup",
            f"{language}:{name}",
            lambda: str(render()),
        )
    )


def _rows(seconds: int, generation_name: str, kind: str, name: str, loader: Callable[[], list]):
    if not seconds:
        return loader()
    current = _generation(generation_name)
    return _cached(seconds, current, _key(f"{kind}:{current}:{name}"), loader)


def _cached(seconds: int, current: str, key: str, compute: Callable):
    """The value under ``key`` (which holds the generation ``current``): this process's
    copy, else the shared one, else ``compute()``; kept in both for ``seconds``."""
    known = current != UNKNOWN_GENERATION
    value = _local.get(key) if known else None
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    if known:
        _local.set(key, value, seconds)
    return value


def local_clear() -> None:
    """Forget this process's copies (the shared entries stay)."""
    _local.clear()


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
