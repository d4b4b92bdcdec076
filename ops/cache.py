"""The Redis cache, as a help and never a need: while Redis cannot be reached, every cache
operation answers as a miss (``get`` its default, ``add`` "added", writes nothing) instead of
raising, so sessions are read from the database, rate limits let calls through and the caches
are recomputed. Pages and API calls keep answering.

- A failure opens a short circuit: for ``CACHE_REDIS_RETRY_SECONDS`` this process does not try
  Redis at all, so an unreachable server costs one connect timeout
  (``CACHE_REDIS_TIMEOUT_SECONDS``) per process every few seconds, not one per operation. The
  first operation after that tries again: when Redis answers, the cache is back, with no
  restart of anything.
- Writes that could not be made would leave older values in Redis (a session logged out, a
  rights generation bumped): their keys are remembered and deleted when Redis answers again,
  before anything else is read from it.
- One warning when the cache goes, a summary at most once a minute while it stays away, one
  line when it is back; the operations answered without Redis are counted in the shared
  ``ops.Counter`` row ``cache_errors`` (``iren_cache_errors_total`` on /metrics).
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: What "Redis cannot be reached" looks like; anything else (a wrong type, a bug) still raises.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
COUNTER = "cache_errors"
#: Keys whose write failed, remembered for deletion on recovery, at most this many.
MAX_REMEMBERED_KEYS = 50_000
SUMMARY_EVERY_SECONDS = 60
FLUSH_EVERY_SECONDS = 10


class _Circuit:
    """The state of one Redis server as this process sees it (shared by its threads)."""

    def __init__(self, location: str):
        self.location = location
        self.lock = threading.Lock()
        self.open_until = 0.0  # monotonic; 0 while Redis answers
        self.down_since: float | None = None
        self.stale_keys: set[str] = set()
        self.overflowed = False
        self.answered_without = 0  # since the last summary
        self.unflushed = 0  # not yet added to the shared counter
        self.last_summary = 0.0
        self.last_flush = 0.0

    def is_open(self) -> bool:
        return self.open_until > time.monotonic()

    def answered_without_redis(self, keys=()) -> None:
        with self.lock:
            self.answered_without += 1
            self.unflushed += 1
            self._remember(keys)
        self._report()

    def failed(self, operation: str, error: Exception, keys=()) -> None:
        now = time.monotonic()
        retry = settings.CACHE_REDIS_RETRY_SECONDS
        with self.lock:
            first = self.down_since is None
            if first:
                self.down_since = now
                self.last_summary = now
            self.open_until = now + retry
            self.answered_without += 1
            self.unflushed += 1
            self._remember(keys)
        if first:
            logger.warning(
                "Redis cache at %s unreachable (%s on %s: %s): sessions come from the database, "
                "caches and rate limits are skipped; trying again every %s s",
                self.location,
                type(error).__name__,
                operation,
                error,
                retry,
            )
        self._report()

    def _remember(self, keys) -> None:
        for key in keys:
            if len(self.stale_keys) >= MAX_REMEMBERED_KEYS:
                if not self.overflowed:
                    self.overflowed = True
                    logger.error(
                        "Redis cache: over %d writes missed; older entries may be read after "
                        "its return until they expire",
                        MAX_REMEMBERED_KEYS,
                    )
                return
            self.stale_keys.add(key)

    def take_stale_keys(self) -> list[str]:
        with self.lock:
            keys = list(self.stale_keys)
            self.stale_keys.clear()
        return keys

    def give_back(self, keys) -> None:
        with self.lock:
            self._remember(keys)

    def recovered(self, removed: int) -> None:
        with self.lock:
            if self.down_since is None:
                return
            away = time.monotonic() - self.down_since
            skipped = self.answered_without
            self.down_since = None
            self.open_until = 0.0
            self.answered_without = 0
            self.overflowed = False
        logger.warning(
            "Redis cache at %s answers again after %.1f s (%d operations answered without it; "
            "%d stale keys removed)",
            self.location,
            away,
            skipped,
            removed,
        )
        self._report(force_flush=True)

    def _report(self, force_flush: bool = False) -> None:
        now = time.monotonic()
        summary = None
        with self.lock:
            if self.down_since is not None and now - self.last_summary >= SUMMARY_EVERY_SECONDS:
                summary = (self.answered_without, now - self.down_since)
                self.answered_without = 0
                self.last_summary = now
            flush = self.unflushed and (force_flush or now - self.last_flush >= FLUSH_EVERY_SECONDS)
        if summary:
            logger.warning(
                "Redis cache at %s still unreachable after %.0f s: %d operations answered "
                "without it in the last minute",
                self.location,
                summary[1],
                summary[0],
            )
        if flush:
            self._flush(now)

    def _flush(self, now: float) -> None:
        """Add this process's count to the shared counter: never inside a transaction (a
        rollback would lose it, an error would break it), never raising."""
        from django.db import connection

        try:
            if connection.in_atomic_block:
                return
            from .models import Counter

            with self.lock:
                count, self.unflushed = self.unflushed, 0
                self.last_flush = now
            if count:
                try:
                    Counter.increment(COUNTER, count)
                except Exception:
                    with self.lock:
                        self.unflushed += count
                    raise
        except Exception:  # the database is away too, or this is an async context
            logger.debug("cache error count not recorded yet", exc_info=True)


_circuits: dict[str, _Circuit] = {}
_circuits_lock = threading.Lock()


def _circuit_for(location: str) -> _Circuit:
    with _circuits_lock:
        return _circuits.setdefault(location, _Circuit(location))


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache that answers as a miss while Redis cannot be reached (see the
    module's docstring). ``ping()`` is the one call that raises: for /readyz."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._circuit = _circuit_for(str(server))

    def _guarded(self, operation: str, fallback, call, keys=()):
        """Run ``call`` against Redis; on an unreachable Redis answer ``fallback``. ``keys``
        (made keys) are those the call writes: remembered if it could not."""
        circuit = self._circuit
        if circuit.is_open():
            circuit.answered_without_redis(keys)
            return fallback
        try:
            removed = self._remove_stale(circuit) if circuit.stale_keys else 0
            result = call()
        except UNREACHABLE as error:
            circuit.failed(operation, error, keys)
            return fallback
        if circuit.down_since is not None:
            circuit.recovered(removed)
        return result

    def _remove_stale(self, circuit: _Circuit) -> int:
        keys = circuit.take_stale_keys()
        try:
            for start in range(0, len(keys), 1000):
                self._cache.delete_many(keys[start : start + 1000])
        except UNREACHABLE:
            circuit.give_back(keys)
            raise
        return len(keys)

    def _keys(self, *keys, version=None) -> tuple[str, ...]:
        return tuple(self.make_key(key, version=version) for key in keys)

    def ping(self) -> bool:
        """Ask Redis directly (raises if it cannot be reached)."""
        return bool(self._cache.get_client(write=True).ping())

    # --- the operations: Django's, guarded ---------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # "Added": the caller goes on as if it were first (an audit read is recorded again).
        parent = super()
        return self._guarded("add", True, lambda: parent.add(key, value, timeout, version))

    def get(self, key, default=None, version=None):
        parent = super()
        return self._guarded("get", default, lambda: parent.get(key, default, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        self._guarded(
            "set",
            None,
            lambda: parent.set(key, value, timeout, version),
            keys=self._keys(key, version=version),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._guarded("touch", False, lambda: parent.touch(key, timeout, version))

    def delete(self, key, version=None):
        parent = super()
        return self._guarded(
            "delete",
            False,
            lambda: parent.delete(key, version),
            keys=self._keys(key, version=version),
        )

    def get_many(self, keys, version=None):
        parent = super()
        return self._guarded("get_many", {}, lambda: parent.get_many(keys, version))

    def has_key(self, key, version=None):
        parent = super()
        return self._guarded("has_key", False, lambda: parent.has_key(key, version))

    def incr(self, key, delta=1, version=None):
        # Without Redis nothing is counted: the caller sees a first increment.
        parent = super()
        return self._guarded(
            "incr",
            delta,
            lambda: parent.incr(key, delta, version),
            keys=self._keys(key, version=version),
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        self._guarded(
            "set_many",
            None,
            lambda: parent.set_many(data, timeout, version),
            keys=self._keys(*data, version=version),
        )
        return []

    def delete_many(self, keys, version=None):
        parent = super()
        keys = list(keys)
        self._guarded(
            "delete_many",
            None,
            lambda: parent.delete_many(keys, version),
            keys=self._keys(*keys, version=version),
        )

    def clear(self):
        parent = super()
        return self._guarded("clear", False, lambda: parent.clear())
