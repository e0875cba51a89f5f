"""The client's address (`core.net.client_ip`): the peer unless `TRUSTED_PROXY_HOPS` names trusted proxies, and
the same address for every throttle, so a changing `X-Forwarded-For` buys no extra guesses."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from core.net import client_ip

PEER = "192.0.2.10"


def request(forwarded: str | None = None, peer: str = PEER):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(request("203.0.113.5")) == PEER
    assert client_ip(request()) == PEER


def test_one_trusted_proxy_takes_the_last_entry(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip(request("198.51.100.1, 203.0.113.5")) == "203.0.113.5"


def test_two_trusted_proxies_take_the_second_from_the_right(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request("198.51.100.1, 203.0.113.5, 10.0.0.2")) == "203.0.113.5"


def test_fewer_entries_than_trusted_proxies_mean_the_peer(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request("203.0.113.5")) == PEER
    assert client_ip(request()) == PEER


@pytest.mark.parametrize("garbage", ["not-an-address", "999.1.1.1", "1.2.3.4:80", "<script>"])
def test_garbage_means_the_peer(settings, garbage):
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip(request(garbage)) == PEER


def test_addresses_are_normalised_and_ipv6_is_understood(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip(request(" 2001:DB8::0001 ")) == "2001:db8::1"
    assert client_ip(request(None, peer="::1")) == "::1"


def test_an_unknown_peer_is_empty():
    assert client_ip(request(None, peer="")) == ""
    assert client_ip(None) == ""


# --- end to end: the throttles read the same address ---


@pytest.mark.django_db
def test_public_verification_is_refused_past_its_rate_whatever_the_header(settings):
    settings.PUBLIC_VERIFY_RATE = "30/min"
    page, api = Client(REMOTE_ADDR=PEER), APIClient(REMOTE_ADDR=PEER)
    statuses = []
    for number in range(45):
        forwarded = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{number}"}
        if number % 2:
            statuses.append(page.get("/verify/", {"number": f"NOPE-{number}"}, **forwarded).status_code)
        else:
            statuses.append(
                api.get("/api/v1/public/verify/", {"number": f"NOPE-{number}"}, **forwarded).status_code
            )
    assert 429 not in statuses[:30]
    assert statuses[30:] == [429] * 15


@pytest.mark.django_db
def test_document_verification_is_refused_past_its_rate_whatever_the_header(settings):
    """Failed before: DRF's `get_ident` took `X-Forwarded-For` from anyone, so none of the 45 was refused."""
    page, api = Client(REMOTE_ADDR=PEER), APIClient(REMOTE_ADDR=PEER)
    statuses = []
    for number in range(45):
        forwarded = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{number}"}
        if number % 2:
            statuses.append(
                page.post("/documents/verify/", {"query": "ICR-DOC-2026-AAAAAA"}, **forwarded).status_code
            )
        else:
            statuses.append(
                api.post(
                    "/api/v1/documents/verify/", {"number": "ICR-DOC-2026-AAAAAA"}, format="json", **forwarded
                ).status_code
            )
    page_statuses, api_statuses = statuses[1::2], statuses[0::2]
    # page and API keep separate counts at the "verify" rate (30/min): 22 page look-ups, 23 API look-ups
    assert 429 not in page_statuses + api_statuses
    more_page = [
        page.post("/documents/verify/", {"query": "x"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(10)
    ]
    more_api = [
        api.post(
            "/api/v1/documents/verify/",
            {"number": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(10)
    ]
    assert more_page[8:] == [429, 429]
    assert more_api[7:] == [429, 429, 429]


@pytest.mark.django_db
def test_the_anonymous_api_rate_is_per_client_whatever_the_header(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "5/min"},
    }
    api = APIClient(REMOTE_ADDR=PEER)
    statuses = [
        api.get("/api/v1/directory/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(7)
    ]
    assert statuses == [200] * 5 + [429] * 2
    # another client is not affected
    assert APIClient(REMOTE_ADDR="192.0.2.99").get("/api/v1/directory/").status_code == 200


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    settings.PUBLIC_VERIFY_RATE = "2/min"
    api = APIClient(REMOTE_ADDR=PEER)
    first = [
        api.get("/api/v1/public/verify/", {"number": "N"}, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code
        for _ in range(3)
    ]
    assert first[2] == 429
    assert (
        api.get("/api/v1/public/verify/", {"number": "N"}, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code
        != 429
    )
