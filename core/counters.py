"""Counting hits in a fixed window on the cache: the one way rate limits, login limits and mail caps count."""

from __future__ import annotations

from django.core.cache import cache


def window_hit(key: str, *, seconds: int) -> int:
    """Counts one hit on `key`, in a window of `seconds` that starts at its first hit; the count so far."""
    if cache.add(key, 1, timeout=seconds):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # the window lapsed between add and incr
        cache.set(key, 1, timeout=seconds)
        return 1
