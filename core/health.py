"""The health endpoint a load balancer probes (`GET /healthz`): the database, Redis and the file storage.

200 `{"status": "ok", "checks": {"database": "ok", "redis": "ok", "storage": "ok"}}` when every dependency
answers, else 503 with the failing ones marked `"fail"` (Redis is `"off"` when no REDIS_URL is configured: the
embedded default runs without it). No login, no session, no CSRF, no throttle, and never an exception's text:
what failed and why is in the log (with the request id), not in the answer.

- database: `SELECT 1` on the default connection (one query);
- Redis: `PING` on a client of its own with HEALTH_CHECK_TIMEOUT_SECONDS for connecting and answering;
- storage: `exists()` on a small probe object under `health/`, written when missing (so a missing bucket or a
  read-only disk fails too); on S3 bounded by S3_TIMEOUT_SECONDS and S3_MAX_ATTEMPTS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

import redis
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

#: the object the storage check looks for (written on the first check of a fresh storage)
PROBE_NAME = "health/probe.txt"
OK, FAIL, OFF = "ok", "fail", "off"


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


@lru_cache(maxsize=4)
def _redis_client(url: str, timeout: float) -> redis.Redis:
    """One client (and connection pool) per process for the configured URL and time-out."""
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def check_redis() -> str:
    url = settings.REDIS_URL
    if not url:
        return OFF
    if not _redis_client(url, settings.HEALTH_CHECK_TIMEOUT_SECONDS).ping():
        raise ConnectionError("Redis did not answer PING")
    return OK


def check_storage() -> str:
    if not default_storage.exists(PROBE_NAME):
        default_storage.save(PROBE_NAME, ContentFile(b"ok\n"))
    return OK


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "redis": check_redis,
    "storage": check_storage,
}


def run_checks() -> dict[str, str]:
    """Every check's result; an exception is a failure, logged with its traceback, never shown."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:
            logger.exception("Health check %s failed.", name)
            results[name] = FAIL
    return results


@never_cache
@require_safe
def health_view(request: HttpRequest) -> JsonResponse:
    """GET/HEAD /healthz: 200 when every dependency answers, 503 naming the ones that did not."""
    checks = run_checks()
    healthy = FAIL not in checks.values()
    return JsonResponse({"status": OK if healthy else FAIL, "checks": checks}, status=200 if healthy else 503)


# included at the root by icr/urls.py: `/healthz`, outside every namespace and language prefix
urlpatterns = [path("healthz", health_view, name="health")]
