"""The example receiver in docs/webhooks.md works: run as written, it accepts a genuine delivery (202) and refuses
one signed with another secret (403)."""

from __future__ import annotations

import re
import threading
from http.server import HTTPServer
from pathlib import Path
from typing import Any

from django.db import transaction

from webhooks.models import WebhookDelivery
from webhooks.services import emit, webhook_delivery_send, webhook_subscription_create

from .conftest import EVENT

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def _receiver_code() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    assert len(blocks) == 1
    return blocks[0].replace('if __name__ == "__main__":', "if False:")


def _serve(secret: str, monkeypatch: Any) -> tuple[HTTPServer, dict[str, Any]]:
    monkeypatch.setenv("ICR_WEBHOOK_SECRET", secret)
    namespace: dict[str, Any] = {"__name__": "docs_receiver"}
    exec(compile(_receiver_code(), str(DOC), "exec"), namespace)  # noqa: S102  (our own documentation's code)
    namespace["Receiver"].log_message = lambda *args: None
    server = HTTPServer(("127.0.0.1", 0), namespace["Receiver"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, namespace


def _deliver(world: Any, url: str) -> tuple[WebhookDelivery, str]:
    subscription, secret = webhook_subscription_create(
        body=world.a.body, actor=world.a.admin, url=url, events=[EVENT]
    )
    with transaction.atomic():
        event = emit(body=world.a.body, event=EVENT, payload={"certificateNumber": "ICR-C-1"})
    return WebhookDelivery.objects.get(event=event, subscription=subscription), secret


def test_the_documented_receiver_accepts_a_genuine_delivery_and_refuses_another_secret(world, monkeypatch):
    # given the documented receiver running (its secret set once the subscription made one)
    server, namespace = _serve("placeholder", monkeypatch)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hooks/icr"
        delivery, secret = _deliver(world, url)
        namespace["SECRET"] = secret.encode()

        # when it is delivered
        result = webhook_delivery_send(delivery_id=delivery.pk)

        # then it accepted it and saw the payload
        assert result is not None and (result.status, result.response_code) == ("delivered", 202)
        assert namespace["seen"] == {str(delivery.event_id)}

        # and with another secret it answers 403
        namespace["SECRET"] = b"whsec_someone-else"
        with transaction.atomic():
            other = emit(body=world.a.body, event=EVENT, payload={"certificateNumber": "ICR-C-2"})
        refused = webhook_delivery_send(delivery_id=WebhookDelivery.objects.get(event=other).pk)
        assert refused is not None and (refused.status, refused.response_code) == ("failed", 403)
    finally:
        server.shutdown()
        server.server_close()
