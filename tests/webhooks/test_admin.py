"""The back office reads subscriptions, events and deliveries; it never shows a secret."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from webhooks.models import WebhookDelivery
from webhooks.services import emit

from .conftest import EVENT, subscribe


def test_registry_staff_read_the_webhooks_without_the_secret(world, receiver, login):
    subscription, secret = subscribe(world.a.body, world.a.admin, receiver.url)
    with transaction.atomic():
        event = emit(body=world.a.body, event=EVENT, payload={"n": 1})
    delivery = WebhookDelivery.objects.get()
    client = login(world.staff)

    pages = [
        reverse("admin:webhooks_webhooksubscription_changelist"),
        reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk]),
        reverse("admin:webhooks_webhookevent_changelist"),
        reverse("admin:webhooks_webhookevent_change", args=[event.pk]),  # type: ignore[union-attr]
        reverse("admin:webhooks_webhookdelivery_changelist"),
        reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        text = response.content.decode()
        assert secret not in text and subscription.secret_encrypted not in text, page
    assert receiver.url in client.get(pages[1]).content.decode()
    assert "Thing happened" in client.get(pages[4]).content.decode()
