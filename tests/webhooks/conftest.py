"""Helpers for the webhooks tests: a real receiver on 127.0.0.1 that checks the signature byte for byte, a
declared test event, and subscriptions made through the service."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from webhooks.models import WebhookSubscription
from webhooks.registry import register_event, unregister_event
from webhooks.services import webhook_subscription_create

EVENT = "test.thing_happened"
OTHER_EVENT = "test.other_thing"


@dataclass
class Received:
    headers: dict[str, str]
    raw: bytes
    signature_ok: bool


@dataclass
class Receiver:
    """An HTTP server in a thread, as an integrator would write it: recompute the HMAC-SHA256 of the body's
    `signedData` (the base64 string's bytes) with the shared secret, compare in constant time, answer 202 or
    403. `status` forces another answer; `delay` makes it slow."""

    server: ThreadingHTTPServer
    secret: str = ""
    status: int | None = None
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/icr?source=test"


def _handler(receiver_ref: list[Receiver]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver = receiver_ref[0]
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                signed_data = json.loads(raw)["signedData"]
                expected = (
                    "sha256="
                    + hmac.new(
                        receiver.secret.encode(), signed_data.encode("ascii"), hashlib.sha256
                    ).hexdigest()
                )
                ok = hmac.compare_digest(
                    expected.encode(), self.headers.get("x-icr-signature-256", "").encode()
                )
            except (KeyError, ValueError):
                ok = False
            receiver.received.append(Received(headers=dict(self.headers.items()), raw=raw, signature_ok=ok))
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.status or (202 if ok else 403)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    ref: list[Receiver] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(ref))
    ref.append(Receiver(server=server))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ref[0]
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _test_events() -> Iterator[None]:
    register_event(EVENT, "Thing happened")
    register_event(OTHER_EVENT, "Other thing")
    yield
    unregister_event(EVENT)
    unregister_event(OTHER_EVENT)


@pytest.fixture(autouse=True)
def _settings(settings):  # type: ignore[no-untyped-def]
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.WEBHOOK_MAX_ATTEMPTS = 8
    settings.WEBHOOK_BACKOFF_BASE_SECONDS = 30
    settings.WEBHOOK_BACKOFF_MAX_SECONDS = 21600
    settings.WEBHOOK_TIMEOUT_SECONDS = 5


def subscribe(
    body: Any, actor: Any, url: str, events: list[str] | None = None, **fields: Any
) -> tuple[WebhookSubscription, str]:
    return webhook_subscription_create(body=body, actor=actor, url=url, events=events or [EVENT], **fields)


def listening(receiver: Receiver, body: Any, actor: Any, **fields: Any) -> WebhookSubscription:
    """A subscription of `body` to the receiver, the receiver holding its secret."""
    subscription, secret = subscribe(body, actor, receiver.url, **fields)
    receiver.secret = secret
    return subscription
