"""The Redis cache, failing open: when Redis is down or does not answer, the cache answers "nothing cached".

What the platform keeps in the cache can be lost without harm, and each use was judged for the case:
throttles (the API's rates, public verification, document verification) let the request through — a
throttle is a courtesy limit, and refusing every request while Redis is down would take the whole API down
with it; the hand-written login counter and the sign-up notice counter count from zero again (the login
limit proper, django-axes, keeps its attempts in the database). Sessions are in the database
(`SESSION_ENGINE` is Django's default) and never depend on Redis.

Every operation is bounded by `REDIS_SOCKET_TIMEOUT_SECONDS` (connect and answer); after an error the cache
does not ask Redis again for `REDIS_CACHE_RETRY_SECONDS`, so an outage costs one request that timeout and
the others nothing. Each outage is logged once when it starts and once when Redis answers again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


class _Breaker:
    """One per process (Django makes a cache object per thread): while open, Redis is not asked."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.down = False

    def closed(self) -> bool:
        return time.monotonic() >= self.down_until

    def trip(self, exc: Exception) -> None:
        with self.lock:
            self.down_until = time.monotonic() + settings.REDIS_CACHE_RETRY_SECONDS
            if not self.down:
                self.down = True
                logger.warning(
                    "The Redis cache is unavailable (%s); failing open (nothing cached, throttles not "
                    "applied) and asking again in %s s.",
                    exc,
                    settings.REDIS_CACHE_RETRY_SECONDS,
                )

    def answered(self) -> None:
        if self.down:
            with self.lock:
                if self.down:
                    self.down = False
                    logger.warning("The Redis cache answers again.")


BREAKER = _Breaker()


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache; an unavailable Redis reads as an empty cache and writes are dropped."""

    def _guard(self, operation: Callable[[], T], fallback: T) -> T:
        if not BREAKER.closed():
            return fallback
        try:
            result = operation()
        except UNAVAILABLE as exc:
            BREAKER.trip(exc)
            return fallback
        BREAKER.answered()
        return result

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._guard(lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version), False)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guard(lambda: super(FailOpenRedisCache, self).get(key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        self._guard(lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._guard(lambda: super(FailOpenRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._guard(lambda: super(FailOpenRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._guard(lambda: super(FailOpenRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._guard(lambda: super(FailOpenRedisCache, self).has_key(key, version), False)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        # a counter counts from zero again: the first hit of a fresh window
        return self._guard(lambda: super(FailOpenRedisCache, self).incr(key, delta, version), delta)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._guard(
            lambda: super(FailOpenRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._guard(lambda: super(FailOpenRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._guard(lambda: super(FailOpenRedisCache, self).clear(), None)
