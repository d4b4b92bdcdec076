"""The session engine: Django's ``cached_db`` (read from the cache, written through to the
database) for which the cache is a help, never a need. Django's own engine already falls back
to the database when reading the cache fails, but then writes the cache unguarded, and checks
and deletes through it unguarded: with Redis unreachable every signed-in request failed.
Here any cache error is a miss: the session is read from (and written to) the database, which
always holds it.

With the portal's cache (``ops.cache.FailOpenRedisCache``) no error reaches this class at all,
and the deletes that could not be made (a logout during the outage) are made when Redis
answers again. This class guards on its own too, so any cache backend may stand behind it.
"""

import logging
import time

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)

#: At most one warning per this many seconds per process while the cache fails.
WARN_EVERY_SECONDS = 60
_last_warning = 0.0


def _cache_failed(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning(
            "Session cache unavailable (%s on %s: %s): sessions are read from the database",
            type(error).__name__,
            operation,
            error,
        )


class SessionStore(cached_db.SessionStore):
    def _cache_get(self, key):
        try:
            return self._cache.get(key)
        except Exception as error:
            _cache_failed("get", error)
            return None

    def _cache_set(self, key, value, timeout) -> None:
        try:
            self._cache.set(key, value, timeout)
        except Exception as error:
            _cache_failed("set", error)

    def load(self):
        data = self._cache_get(self.cache_key)
        if data is not None:
            return data
        session = self._get_session_from_db()
        if not session:
            return {}
        data = self.decode(session.session_data)
        self._cache_set(self.cache_key, data, self.get_expiry_age(expiry=session.expire_date))
        return data

    def exists(self, session_key):
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception as error:
            _cache_failed("has_key", error)
        return super(cached_db.SessionStore, self).exists(session_key)

    def save(self, must_create=False):
        super(cached_db.SessionStore, self).save(must_create)
        self._cache_set(self.cache_key, self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        super(cached_db.SessionStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception as error:
            _cache_failed("delete", error)
