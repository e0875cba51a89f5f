"""What a request meets when PostgreSQL or Redis is unavailable, in-process and fast (the process-level faults
are in the other modules of this suite): a database error answers the 503 page or the API's
`service_unavailable` with `Retry-After`, any other error still the 500 page; the Redis cache fails open."""

from __future__ import annotations

import time

import pytest
from django.core.cache import caches
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from icr.cache import BREAKER

pytestmark = pytest.mark.faults

BRAND = "ICR Conformity"


def _database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server failed: Connection refused (a fault the suite simulates)")


def _connection_dropped(request: HttpRequest) -> HttpResponse:
    raise InterfaceError("connection already closed")


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [
    path("portal-down/", _database_down),
    path("portal-dropped/", _connection_dropped),
    path("portal-boom/", _boom),
    path("api/v1/down/", _database_down),
    path("", include("icr.urls")),
]
handler500 = "core.views.server_error"


@pytest.fixture
def failing_client(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/portal-down/", "/portal-dropped/"])
def test_a_database_error_answers_the_branded_503_page(failing_client, url):
    response = failing_client.get(url, headers={"accept-language": "en"})

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert BRAND in page
    assert "The service is briefly unavailable" in page
    assert "try again in a minute" in page


def test_the_api_answers_service_unavailable(failing_client):
    response = failing_client.get("/api/v1/down/", headers={"accept-language": "en"})

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "code": "service_unavailable",
        "message": "The service is briefly unavailable. Try again in a minute.",
        "fieldErrors": {},
    }


def test_the_retry_after_is_the_setting(failing_client, settings):
    settings.SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 15

    assert failing_client.get("/portal-down/")["Retry-After"] == "15"


def test_any_other_error_is_still_the_500_page(failing_client):
    response = failing_client.get("/portal-boom/", headers={"accept-language": "en"})

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong on our side" in response.content.decode()


@pytest.fixture
def dead_redis_cache(settings):  # type: ignore[no-untyped-def]
    """The cache pointed at a port nobody listens on (a Redis that is down), the breaker reset."""
    settings.CACHES = {
        "default": {
            "BACKEND": "icr.cache.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    BREAKER.down_until, BREAKER.down = 0.0, False
    yield caches["default"]
    BREAKER.down_until, BREAKER.down = 0.0, False


def test_the_cache_fails_open_when_redis_is_down(dead_redis_cache, caplog):
    cache = dead_redis_cache

    assert cache.get("key", "default") == "default"
    assert cache.add("key", 1) is False
    cache.set("key", 1)
    assert cache.incr("counter") == 1  # a counter starts again
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("key") is False
    cache.delete("key")
    assert [r.message for r in caplog.records if r.name == "icr.cache"][:1] == [
        "The Redis cache is unavailable (Error 111 connecting to 127.0.0.1:1. Connection refused.); failing "
        "open (nothing cached, throttles not applied) and asking again in 10 s."
    ]


def test_after_an_error_the_cache_does_not_ask_redis_again_for_a_while(dead_redis_cache, settings):
    cache = dead_redis_cache
    cache.get("key")
    assert BREAKER.down

    started = time.monotonic()
    for _ in range(100):
        cache.get("key")
    assert time.monotonic() - started < 0.05  # not one connection attempt

    BREAKER.down_until = 0.0  # the retry time has come: asked again (and still down)
    cache.get("key")
    assert not BREAKER.closed()


@pytest.mark.django_db
def test_a_throttled_api_request_is_served_while_redis_is_down(dead_redis_cache, world):
    from tests.helpers import bearer, make_token, url

    _, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})

    response = bearer(secret).get(url("body-list"))

    assert response.status_code == 200
