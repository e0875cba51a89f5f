"""Subscriptions are kept by the people who keep the body's API tokens; every write is audited and never records
the secret; rotation, ping and redelivery."""

from __future__ import annotations

import pytest
from django.db import transaction

from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError, error_code
from core.models import AuditEvent
from webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from webhooks.services import (
    emit,
    webhook_delivery_redeliver,
    webhook_delivery_send,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_ping,
    webhook_subscription_rotate_secret,
    webhook_subscription_update,
)
from webhooks.signing import secret_decrypt

from .conftest import EVENT, OTHER_EVENT, listening, subscribe


def _row(subscription: WebhookSubscription) -> tuple[object, ...]:
    return tuple(
        WebhookSubscription.objects.filter(pk=subscription.pk).values_list(
            "url", "description", "events", "active", "secret_encrypted"
        )[0]
    )


def test_a_body_administrator_adds_a_subscription_recorded_without_its_secret(world, receiver):
    subscription, secret = subscribe(
        world.a.body, world.a.admin, receiver.url, events=[OTHER_EVENT, EVENT, EVENT]
    )

    assert subscription.events == sorted([EVENT, OTHER_EVENT])
    assert subscription.created_by == world.a.admin
    assert secret_decrypt(subscription.secret_encrypted) == secret
    event = AuditEvent.objects.get(action="webhooks.subscription.created")
    assert (event.actor, event.body, event.object_id) == (world.a.admin, world.a.body, str(subscription.pk))
    assert event.after == {
        "url": receiver.url,
        "description": "",
        "events": sorted([EVENT, OTHER_EVENT]),
        "active": True,
    }
    assert secret not in str(event.after) and subscription.secret_encrypted not in str(event.after)


@pytest.mark.parametrize("who", ["member_a", "admin_b"])
def test_people_who_do_not_keep_the_bodys_webhooks_are_refused_and_nothing_changes(world, receiver, who):
    actor = {"member_a": world.a.member, "admin_b": world.b.admin}[who]
    subscription = listening(receiver, world.a.body, world.a.admin)
    with transaction.atomic():
        event = emit(body=world.a.body, event=EVENT, payload={})
    delivery = WebhookDelivery.objects.get(event=event)
    webhook_delivery_send(delivery_id=delivery.pk)
    before, events_before = _row(subscription), AuditEvent.objects.count()

    for call in (
        lambda: webhook_subscription_create(body=world.a.body, actor=actor, url=receiver.url, events=[EVENT]),
        lambda: webhook_subscription_update(subscription=subscription, actor=actor, fields={"active": False}),
        lambda: webhook_subscription_rotate_secret(subscription=subscription, actor=actor),
        lambda: webhook_subscription_ping(subscription=subscription, actor=actor),
        lambda: webhook_subscription_delete(subscription=subscription, actor=actor),
        lambda: webhook_delivery_redeliver(delivery=delivery, actor=actor),
    ):
        with pytest.raises(PermissionDenied):
            call()

    assert _row(subscription) == before
    assert WebhookSubscription.objects.count() == 1
    assert WebhookDelivery.objects.get().status == "delivered"
    assert AuditEvent.objects.count() == events_before


def test_registry_staff_may_keep_a_bodys_webhooks(world, receiver):
    subscription, _secret = subscribe(world.a.body, world.staff, receiver.url)
    assert subscription.body == world.a.body


def test_an_update_records_only_what_changed(world, receiver):
    subscription = listening(receiver, world.a.body, world.a.admin)

    webhook_subscription_update(
        subscription=subscription,
        actor=world.a.admin,
        fields={"events": [OTHER_EVENT], "description": "ERP", "active": True},
    )

    event = AuditEvent.objects.get(action="webhooks.subscription.updated")
    assert event.before == {"events": [EVENT], "description": ""}
    assert event.after == {"events": [OTHER_EVENT], "description": "ERP"}


def test_events_must_be_declared_and_given(world, receiver):
    with pytest.raises(ValidationError) as unknown:
        subscribe(world.a.body, world.a.admin, receiver.url, events=["certificate.unheard_of"])
    with pytest.raises(ValidationError) as none:
        webhook_subscription_create(body=world.a.body, actor=world.a.admin, url=receiver.url, events=[])
    with pytest.raises(ValidationError) as ping:
        subscribe(world.a.body, world.a.admin, receiver.url, events=["webhook.ping"])

    assert error_code(unknown.value) == "unknown_event"
    assert error_code(none.value) == "events_required"
    assert error_code(ping.value) == "unknown_event"  # sent on demand, never subscribed to
    assert WebhookSubscription.objects.count() == 0


def test_an_update_refuses_the_secret_and_unknown_fields(world, receiver):
    subscription = listening(receiver, world.a.body, world.a.admin)
    before = _row(subscription)
    with pytest.raises(ValidationError):
        webhook_subscription_update(
            subscription=subscription, actor=world.a.admin, fields={"secret_encrypted": "x"}
        )
    assert _row(subscription) == before


def test_rotating_the_secret_signs_from_then_on_with_the_new_one(world, receiver):
    # given a subscription and a delivery that failed while the receiver held an old secret
    subscription = listening(receiver, world.a.body, world.a.admin)
    old = receiver.secret

    # when the secret is rotated and the receiver is given the new one
    rotated, secret = webhook_subscription_rotate_secret(subscription=subscription, actor=world.a.admin)
    receiver.secret = secret
    with transaction.atomic():
        event = emit(body=world.a.body, event=EVENT, payload={})
    result = webhook_delivery_send(delivery_id=WebhookDelivery.objects.get(event=event).pk)

    # then the new secret signs, the old one is gone, and the rotation is recorded without either
    assert secret != old and secret_decrypt(rotated.secret_encrypted) == secret
    assert result is not None and result.status == "delivered"
    recorded = AuditEvent.objects.get(action="webhooks.subscription.secret_rotated")
    assert secret not in str(recorded.after) and old not in str(recorded.before)


def test_a_ping_goes_to_that_subscription_alone(world, receiver, django_capture_on_commit_callbacks):
    subscription = listening(receiver, world.a.body, world.a.admin)
    subscribe(world.a.body, world.a.admin, receiver.url)  # another subscription of the body

    with django_capture_on_commit_callbacks(execute=True):
        delivery = webhook_subscription_ping(subscription=subscription, actor=world.a.admin)

    assert delivery.subscription_id == subscription.pk
    assert WebhookEvent.objects.get().event == "webhook.ping"
    assert WebhookDelivery.objects.count() == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert [r.signature_ok for r in receiver.received] == [True]
    assert AuditEvent.objects.filter(action="webhooks.subscription.pinged", actor=world.a.admin).count() == 1


def test_a_paused_subscription_cannot_be_pinged(world, receiver):
    subscription = listening(receiver, world.a.body, world.a.admin, active=False)
    with pytest.raises(TransitionNotAllowed) as refused:
        webhook_subscription_ping(subscription=subscription, actor=world.a.admin)
    assert refused.value.code == "subscription_inactive"
    assert WebhookEvent.objects.count() == 0


def test_redelivery_is_a_new_attempt_now_and_refused_while_pending(
    world, receiver, django_capture_on_commit_callbacks
):
    # given a delivery that is still pending
    listening(receiver, world.a.body, world.a.admin)
    with transaction.atomic():
        event = emit(body=world.a.body, event=EVENT, payload={})
    delivery = WebhookDelivery.objects.get(event=event)

    # then it cannot be redelivered yet
    with pytest.raises(TransitionNotAllowed) as refused:
        webhook_delivery_redeliver(delivery=delivery, actor=world.a.admin)
    assert refused.value.code == "delivery_pending"

    # when it was delivered, and is redelivered
    webhook_delivery_send(delivery_id=delivery.pk)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_redeliver(delivery=delivery, actor=world.a.admin)

    # then it was sent a second time, the same event id, and the request is recorded
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len({r.headers["x-icr-event-id"] for r in receiver.received}) == 1 and len(receiver.received) == 2
    recorded = AuditEvent.objects.get(action="webhooks.delivery.redelivered")
    assert (recorded.before, recorded.after) == (
        {"status": "delivered", "attempts": 1},
        {"status": "pending"},
    )


def test_deleting_a_subscription_takes_its_log_and_is_recorded(world, receiver):
    subscription = listening(receiver, world.a.body, world.a.admin)
    with transaction.atomic():
        emit(body=world.a.body, event=EVENT, payload={})

    webhook_subscription_delete(subscription=subscription, actor=world.a.admin)

    assert WebhookSubscription.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0
    recorded = AuditEvent.objects.get(action="webhooks.subscription.deleted")
    assert recorded.before["url"] == receiver.url
