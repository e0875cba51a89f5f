"""Two senders at once (two workers, or a worker and the sweep's task) deliver one delivery once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from webhooks.models import WebhookDelivery
from webhooks.services import emit, webhook_delivery_send

from .conftest import EVENT, listening


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_senders_deliver_once(world, receiver, monkeypatch):
    # given a due delivery (its after-commit send switched off here) and a slow receiver
    monkeypatch.setattr("webhooks.services.outbox._enqueue", lambda delivery_ids: None)
    listening(receiver, world.a.body, world.a.admin)
    with transaction.atomic():
        event = emit(body=world.a.body, event=EVENT, payload={"n": 1})
    delivery_id = WebhookDelivery.objects.get(event=event).pk
    receiver.delay = 0.5
    start = threading.Barrier(2)
    results: list[object] = []

    def sender() -> None:
        try:
            start.wait(5)
            results.append(webhook_delivery_send(delivery_id=delivery_id))
        finally:
            connection.close()

    # when two senders try it at the same moment
    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    # then one sent it and the other skipped it; the receiver got it once
    assert sorted(r is None for r in results) == [False, True]
    assert len(receiver.received) == 1
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts) == ("delivered", 1)

    # and a late sender finds it delivered and sends nothing
    assert webhook_delivery_send(delivery_id=delivery_id) is None
    assert len(receiver.received) == 1
