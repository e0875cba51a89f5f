"""The SSRF guard: a subscription's URL is refused at save and at send when it resolves to an address the
platform must not reach (loopback unless allowed, private, link-local, multicast, reserved) or is not https."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.db import transaction

from core.errors import ValidationError, error_code
from core.models import AuditEvent
from webhooks.models import WebhookDelivery, WebhookSubscription
from webhooks.services import (
    emit,
    webhook_delivery_send,
    webhook_subscription_create,
    webhook_subscription_update,
)
from webhooks.transport import UnsafeUrl, check_url

from .conftest import EVENT, listening


def _resolving_to(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> list[str]:
    """getaddrinfo answers `addresses` for any name (what a DNS server could say); returns the names asked."""
    asked: list[str] = []

    def fake(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(host)
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return asked


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.5/hook",
        "https://192.168.1.20/hook",
        "https://172.16.3.4/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fe80::1]/hook",
        "https://[fd00::1]/hook",
        "https://224.0.0.1/hook",
        "https://240.0.0.1/hook",
        "https://0.0.0.0/hook",
        "https://100.64.0.1/hook",
        "https://[::ffff:10.0.0.1]/hook",
    ],
)
def test_private_link_local_multicast_and_reserved_addresses_are_refused(url):
    with pytest.raises(UnsafeUrl) as refused:
        check_url(url)
    assert refused.value.code == "forbidden_address"


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1/hook", "https://[::1]/hook", "http://localhost:8000/hook"]
)
def test_loopback_is_refused_unless_allowed(url, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(UnsafeUrl) as refused:
        check_url(url)
    assert refused.value.code == "forbidden_address"

    settings.WEBHOOK_ALLOW_LOOPBACK = True
    assert check_url(url).address.is_loopback


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.org/hook", "invalid_url"),
        ("file:///etc/passwd", "invalid_url"),
        ("gopher://example.org/", "invalid_url"),
        ("https://user:pass@example.org/hook", "invalid_url"),
        ("https://example.org:99999/hook", "invalid_url"),
        ("not a url", "invalid_url"),
    ],
)
def test_other_schemes_credentials_and_bad_urls_are_refused(url, code):
    with pytest.raises(UnsafeUrl) as refused:
        check_url(url)
    assert refused.value.code == code


def test_plain_http_is_refused_for_a_public_address(monkeypatch):
    _resolving_to(monkeypatch, "93.184.215.14")
    with pytest.raises(UnsafeUrl) as refused:
        check_url("http://receiver.example.org/hook")
    assert refused.value.code == "https_required"
    assert str(check_url("https://receiver.example.org/hook").address) == "93.184.215.14"


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    asked = _resolving_to(monkeypatch, "93.184.215.14", "10.1.2.3")  # one good address is not enough
    with pytest.raises(UnsafeUrl) as refused:
        check_url("https://internal.example.org/hook")
    assert refused.value.code == "forbidden_address"
    assert asked == ["internal.example.org"]


def test_a_name_that_does_not_resolve_is_refused(monkeypatch):
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(UnsafeUrl) as refused:
        check_url("https://nowhere.invalid/hook")
    assert refused.value.code == "unresolvable_host"


def test_the_service_refuses_a_private_url_and_makes_nothing(world, monkeypatch):
    _resolving_to(monkeypatch, "192.168.0.10")
    events_before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        webhook_subscription_create(
            body=world.a.body, actor=world.a.admin, url="https://router.example.org/hook", events=[EVENT]
        )

    assert list(refused.value.message_dict) == ["url"]
    assert error_code(refused.value) == "forbidden_address"
    assert WebhookSubscription.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_localhost_is_refused_at_save_when_loopback_is_not_allowed(world, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError) as refused:
        webhook_subscription_create(
            body=world.a.body, actor=world.a.admin, url="http://localhost:8080/hook", events=[EVENT]
        )
    assert error_code(refused.value) == "forbidden_address"
    assert WebhookSubscription.objects.count() == 0


def test_a_name_that_rebinds_to_a_private_address_after_saving_is_refused_at_send(
    world, receiver, monkeypatch
):
    # given a subscription saved while its name resolved to a public address
    subscription = listening(receiver, world.a.body, world.a.admin)
    _resolving_to(monkeypatch, "93.184.215.14")
    webhook_subscription_update(
        subscription=subscription, actor=world.a.admin, fields={"url": "https://hooks.example.org/icr"}
    )
    with transaction.atomic():
        event = emit(body=world.a.body, event=EVENT, payload={"n": 1})
    delivery = WebhookDelivery.objects.get(event=event)

    # when the name now resolves to the cloud metadata address and the delivery is sent
    _resolving_to(monkeypatch, "169.254.169.254")
    result = webhook_delivery_send(delivery_id=delivery.pk)

    # then nothing was requested; the attempt failed with the guard's reason
    assert result is not None and (result.status, result.response_code) == ("failed", None)
    delivery.refresh_from_db()
    assert "not a public internet address" in delivery.last_error
    assert receiver.received == []
