"""The outbox and its sending: signed in the ICR scheme (checked by a real receiver), written with the caller's
transaction, retried with exponential backoff and a cap, given up once after the last attempt."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from reminders.models import Notification
from webhooks.models import WebhookDelivery, WebhookEvent
from webhooks.services import (
    GIVEN_UP_NOTICE,
    backoff,
    emit,
    webhook_deliveries_due,
    webhook_delivery_send,
    webhook_subscription_update,
)
from webhooks.tasks import webhook_deliveries_sweep_task

from .conftest import EVENT, OTHER_EVENT, listening, subscribe

PAYLOAD = {"certificateNumber": "ICR-C-0001", "status": "issued", "scope": "Þjónusta ehf."}


def _emit(body, payload=PAYLOAD, event=EVENT):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return emit(body=body, event=event, payload=payload)


# --- the signature, byte for byte -----------------------------------------------------------------------------


def test_a_real_receiver_verifies_the_signature_and_the_delivery_is_delivered(world, receiver):
    # given a subscription of body A to the receiver, and an event
    subscription = listening(receiver, world.a.body, world.a.admin)
    event = _emit(world.a.body)
    delivery = WebhookDelivery.objects.get(event=event)

    # when it is sent
    result = webhook_delivery_send(delivery_id=delivery.pk)

    # then the receiver found the signature good and answered 202
    assert [r.signature_ok for r in receiver.received] == [True]
    assert result is not None and (result.status, result.attempts, result.response_code) == (
        "delivered",
        1,
        202,
    )
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    assert delivery.last_duration_ms is not None and delivery.last_error == ""
    # and the body is the ICR scheme: event, id, createdAt, signedData = base64 of the payload document
    sent = json.loads(receiver.received[0].raw)
    assert set(sent) == {"event", "id", "createdAt", "signedData"}
    assert sent["event"] == EVENT and sent["id"] == str(event.pk)
    assert sent["createdAt"].endswith("Z")
    document = json.loads(base64.b64decode(sent["signedData"]))
    assert document == {"id": str(event.pk), "event": EVENT, "createdAt": sent["createdAt"], "data": PAYLOAD}
    headers = {name.lower(): value for name, value in receiver.received[0].headers.items()}
    assert headers["x-icr-event-id"] == str(event.pk)
    assert headers["content-type"] == "application/json"
    assert headers["x-icr-signature-256"].startswith("sha256=") and len(headers["x-icr-signature-256"]) == 71
    assert subscription.secret_encrypted not in receiver.received[0].raw.decode()


def test_a_receiver_with_another_secret_answers_403_and_the_delivery_is_retried(world, receiver):
    # given the receiver holds a wrong secret
    listening(receiver, world.a.body, world.a.admin)
    receiver.secret = "whsec_not-the-right-one"
    delivery = WebhookDelivery.objects.get(event=_emit(world.a.body))
    now = timezone.now()

    # when it is sent
    result = webhook_delivery_send(delivery_id=delivery.pk, now=now)

    # then the receiver refused it, and it waits for its next attempt
    assert [r.signature_ok for r in receiver.received] == [False]
    assert result is not None and (result.status, result.response_code) == ("failed", 403)
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == now + timedelta(seconds=30)
    assert delivery.last_error == "The receiver answered 403."


def test_the_secret_is_stored_encrypted(world, receiver):
    subscription, secret = subscribe(world.a.body, world.a.admin, receiver.url)

    assert secret.startswith("whsec_") and len(secret) > 40
    assert secret not in subscription.secret_encrypted
    assert subscription.secret_encrypted.startswith("gAAAA")  # a Fernet token


# --- the outbox ------------------------------------------------------------------------------------------------


def test_the_event_and_its_deliveries_roll_back_with_the_callers_transaction(
    world, receiver, django_capture_on_commit_callbacks
):
    # given a subscriber
    listening(receiver, world.a.body, world.a.admin)

    # when the caller's transaction fails after emitting
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        emit(body=world.a.body, event=EVENT, payload=PAYLOAD)
        raise RuntimeError("the change failed")

    # then there is no event, no delivery, and nothing was sent
    assert WebhookEvent.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0
    assert callbacks == []
    assert receiver.received == []


def test_a_committed_event_is_sent_after_the_commit(world, receiver, django_capture_on_commit_callbacks):
    listening(receiver, world.a.body, world.a.admin)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = _emit(world.a.body)

    assert len(callbacks) == 1
    assert WebhookDelivery.objects.get(event=event).status == "delivered"
    assert [r.signature_ok for r in receiver.received] == [True]


def test_only_active_subscriptions_of_the_body_that_want_the_event_get_a_delivery(world, receiver):
    # given body A's subscriptions: one wants the event, one wants another, one is paused; body B's wants it too
    wants = listening(receiver, world.a.body, world.a.admin)
    subscribe(world.a.body, world.a.admin, receiver.url, events=[OTHER_EVENT])
    subscribe(world.a.body, world.a.admin, receiver.url, active=False)
    subscribe(world.b.body, world.b.admin, receiver.url)

    # when body A emits
    event = _emit(world.a.body)

    # then one delivery, to the one that wants it
    assert list(WebhookDelivery.objects.values_list("subscription_id", "body_id", "status")) == [
        (wants.pk, world.a.body.pk, "pending")
    ]
    assert event is not None and event.body_id == world.a.body.pk


def test_no_subscriber_writes_nothing(world):
    assert _emit(world.a.body) is None
    assert WebhookEvent.objects.count() == 0


def test_an_undeclared_event_is_a_programming_error(world):
    with pytest.raises(KeyError):
        _emit(world.a.body, event="test.never_declared")


# --- retries, backoff and giving up ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "seconds"), [(1, 30), (2, 60), (3, 120), (9, 7680), (10, 15360), (11, 21600), (30, 21600)]
)
def test_backoff_doubles_from_the_base_up_to_the_cap(attempt, seconds):
    assert backoff(attempt) == timedelta(seconds=seconds)


def test_the_last_allowed_attempt_still_retries_nothing_and_the_first_beyond_gives_up_once(
    world, receiver, settings
):
    # given three attempts allowed and a receiver answering 500
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    listening(receiver, world.a.body, world.a.admin)
    receiver.status = 500
    delivery = WebhookDelivery.objects.get(event=_emit(world.a.body))
    now = timezone.now()

    # when attempts 1 and 2 fail, each sent when due
    first = webhook_delivery_send(delivery_id=delivery.pk, now=now)
    not_yet = webhook_delivery_send(delivery_id=delivery.pk, now=now + timedelta(seconds=29))
    second = webhook_delivery_send(delivery_id=delivery.pk, now=now + timedelta(seconds=30))

    # then each waits its backoff (30 s, then 60 s), and an early send does nothing
    assert not_yet is None
    assert (first.status, first.attempts) == ("failed", 1)  # type: ignore[union-attr]
    assert (second.status, second.attempts) == ("failed", 2)  # type: ignore[union-attr]
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == now + timedelta(seconds=90)
    assert Notification.objects.filter(kind=GIVEN_UP_NOTICE).count() == 0

    # when the last allowed attempt (3) fails too
    last = webhook_delivery_send(delivery_id=delivery.pk, now=now + timedelta(seconds=90))

    # then it is given up, the body's administrator told once, and nothing is due any more
    assert (last.status, last.attempts, last.response_code) == ("given_up", 3, 500)  # type: ignore[union-attr]
    delivery.refresh_from_db()
    assert delivery.next_attempt_at is None
    told = Notification.objects.filter(kind=GIVEN_UP_NOTICE)
    assert [(n.user_id, n.body_id) for n in told] == [(world.a.admin.pk, world.a.body.pk)]
    assert receiver.url in told.get().title
    assert webhook_delivery_send(delivery_id=delivery.pk, now=now + timedelta(days=1)) is None
    assert webhook_deliveries_due(now=now + timedelta(days=1)) == []
    assert len(receiver.received) == 3


def test_a_given_up_delivery_sent_again_that_fails_gives_up_without_a_second_notice(
    world, receiver, settings
):
    from webhooks.services import webhook_delivery_redeliver

    settings.WEBHOOK_MAX_ATTEMPTS = 1
    listening(receiver, world.a.body, world.a.admin)
    receiver.status = 503
    delivery = WebhookDelivery.objects.get(event=_emit(world.a.body))
    webhook_delivery_send(delivery_id=delivery.pk)

    with transaction.atomic():
        webhook_delivery_redeliver(delivery=delivery, actor=world.a.admin)
    again = webhook_delivery_send(delivery_id=delivery.pk)

    assert (again.status, again.attempts) == ("given_up", 2)  # type: ignore[union-attr]
    assert Notification.objects.filter(kind=GIVEN_UP_NOTICE).count() == 1


def test_a_receiver_that_cannot_be_reached_is_a_failed_attempt_with_the_error(world, receiver):
    # given a subscription to a port nobody listens on
    listening(receiver, world.a.body, world.a.admin)
    receiver.server.server_close()
    delivery = WebhookDelivery.objects.get(event=_emit(world.a.body))

    result = webhook_delivery_send(delivery_id=delivery.pk)

    assert result is not None and (result.status, result.response_code) == ("failed", None)
    delivery.refresh_from_db()
    assert delivery.last_error != ""


def test_a_paused_subscription_keeps_its_deliveries_waiting(world, receiver):
    subscription = listening(receiver, world.a.body, world.a.admin)
    delivery = WebhookDelivery.objects.get(event=_emit(world.a.body))
    webhook_subscription_update(subscription=subscription, actor=world.a.admin, fields={"active": False})

    assert webhook_delivery_send(delivery_id=delivery.pk) is None
    assert webhook_deliveries_due() == []

    webhook_subscription_update(subscription=subscription, actor=world.a.admin, fields={"active": True})
    assert webhook_deliveries_due() == [delivery.pk]


def test_the_sweep_sends_what_is_due_once(world, receiver, settings):
    # given a delivery whose message was lost (pending and due) and one delivered
    settings.CELERY_TASK_ALWAYS_EAGER = True
    listening(receiver, world.a.body, world.a.admin)
    lost = WebhookDelivery.objects.get(event=_emit(world.a.body))
    done = WebhookDelivery.objects.get(event=_emit(world.a.body))
    webhook_delivery_send(delivery_id=done.pk)

    # when the sweep runs twice
    first = webhook_deliveries_sweep_task()
    second = webhook_deliveries_sweep_task()

    # then the lost one was sent, once
    assert (first, second) == (1, 0)
    lost.refresh_from_db()
    assert lost.status == "delivered"
    assert len(receiver.received) == 2
