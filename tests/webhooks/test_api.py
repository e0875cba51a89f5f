"""The webhooks API: subscriptions (the secret only in the create and rotate answers; writes by a signed-in
person), the delivery log (filters, redelivery), tenant isolation and constant query counts."""

from __future__ import annotations

import socket
from typing import Any

from django.db import transaction

from tests.helpers import assert_flat_queries, assert_hidden, bearer, listed_ids, make_token, signed_in, url
from webhooks.models import WebhookDelivery, WebhookSubscription
from webhooks.services import emit, webhook_delivery_send

from .conftest import EVENT, OTHER_EVENT, listening, subscribe


def _deliveries(body: Any, count: int) -> None:
    for n in range(count):
        with transaction.atomic():
            emit(body=body, event=EVENT, payload={"n": n})


def _no_secret(data: Any, *secrets: str) -> None:
    text = str(data)
    assert "secret'" not in text and "secretEncrypted" not in text
    for secret in secrets:
        assert secret not in text


def test_a_body_administrator_adds_a_subscription_and_sees_its_secret_once(world, receiver):
    client = signed_in(world.a.admin)

    created = client.post(
        url("webhook-subscription-list"),
        {"body": str(world.a.body.pk), "url": receiver.url, "events": [EVENT], "description": "ERP"},
        format="json",
    )

    assert created.status_code == 201, created.content
    data = created.json()
    secret = data["secret"]
    assert secret.startswith("whsec_")
    assert data["body"] == str(world.a.body.pk) and data["events"] == [EVENT] and data["active"] is True
    subscription = WebhookSubscription.objects.get(pk=data["id"])
    # never again: not in the list, not in the record
    listed = client.get(url("webhook-subscription-list"))
    one = client.get(url("webhook-subscription-detail", subscription.pk))
    assert listed.status_code == 200 and one.status_code == 200
    assert "secret" not in listed.json()["subscriptions"][0] and "secret" not in one.json()
    _no_secret(listed.json(), secret, subscription.secret_encrypted)
    _no_secret(one.json(), secret, subscription.secret_encrypted)


def test_rotate_answers_the_new_secret_once(world, receiver):
    subscription, old = subscribe(world.a.body, world.a.admin, receiver.url)

    response = signed_in(world.a.admin).post(url("webhook-subscription-rotate-secret", subscription.pk))

    assert response.status_code == 200
    new = response.json()["secret"]
    assert new.startswith("whsec_") and new != old


def test_a_url_to_a_private_address_is_a_field_error_with_its_code(world, monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.8", port))],
    )
    response = signed_in(world.a.admin).post(
        url("webhook-subscription-list"),
        {"body": str(world.a.body.pk), "url": "https://erp.example.org/hook", "events": [EVENT]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "forbidden_address"
    assert list(response.json()["fieldErrors"]) == ["url"]
    assert WebhookSubscription.objects.count() == 0


def test_a_token_reads_but_may_not_add_change_delete_or_rotate(world, receiver):
    # given body A's subscription and a token with write access to webhooks
    subscription, _secret = subscribe(world.a.body, world.a.admin, receiver.url)
    _token, key = make_token(body=world.a.body, creator=world.a.admin, scopes={"webhooks": "write"})
    client = bearer(key)
    before = list(WebhookSubscription.objects.values_list("url", "events", "active", "secret_encrypted"))

    # then it reads them
    assert listed_ids(client.get(url("webhook-subscription-list")), "subscriptions") == {str(subscription.pk)}
    # and is refused the writes that send the body's data elsewhere or mint a secret
    detail = url("webhook-subscription-detail", subscription.pk)
    refused = [
        client.post(
            url("webhook-subscription-list"), {"url": receiver.url, "events": [EVENT]}, format="json"
        ),
        client.patch(detail, {"url": "https://attacker.example/"}, format="json"),
        client.delete(detail),
        client.post(url("webhook-subscription-rotate-secret", subscription.pk)),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert (
        list(WebhookSubscription.objects.values_list("url", "events", "active", "secret_encrypted")) == before
    )


def test_a_token_with_write_may_redeliver_and_ping(world, receiver, django_capture_on_commit_callbacks):
    subscription = listening(receiver, world.a.body, world.a.admin)
    _deliveries(world.a.body, 1)
    delivery = WebhookDelivery.objects.get()
    webhook_delivery_send(delivery_id=delivery.pk)
    _token, key = make_token(body=world.a.body, creator=world.a.admin, scopes={"webhooks": "write"})
    client = bearer(key)

    with django_capture_on_commit_callbacks(execute=True):
        redelivered = client.post(url("webhook-delivery-redeliver", delivery.pk))
        pinged = client.post(url("webhook-subscription-ping", subscription.pk))

    assert redelivered.status_code == 202, redelivered.content
    assert redelivered.json()["status"] == "pending"  # the answer is given before the send
    assert pinged.status_code == 202 and pinged.json()["event"]["event"] == "webhook.ping"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.status) == (2, "delivered")  # sent after the commit (eager in tests)
    assert WebhookDelivery.objects.get(pk=pinged.json()["id"]).status == "delivered"


def test_a_read_token_may_not_redeliver(world, receiver):
    listening(receiver, world.a.body, world.a.admin)
    _deliveries(world.a.body, 1)
    delivery = WebhookDelivery.objects.get()
    webhook_delivery_send(delivery_id=delivery.pk)
    _token, key = make_token(body=world.a.body, creator=world.a.admin, scopes={"webhooks": "read"})

    response = bearer(key).post(url("webhook-delivery-redeliver", delivery.pk))

    assert response.status_code == 403
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_a_session_changes_and_deletes(world, receiver):
    subscription, _secret = subscribe(world.a.body, world.a.admin, receiver.url)
    client = signed_in(world.a.admin)

    changed = client.patch(
        url("webhook-subscription-detail", subscription.pk),
        {"events": [OTHER_EVENT], "active": False},
        format="json",
    )
    deleted = client.delete(url("webhook-subscription-detail", subscription.pk))

    assert changed.status_code == 200 and changed.json()["events"] == [OTHER_EVENT]
    assert changed.json()["active"] is False
    assert deleted.status_code == 204
    assert WebhookSubscription.objects.count() == 0


def test_a_member_who_does_not_keep_webhooks_sees_none(world, receiver):
    subscription = listening(receiver, world.a.body, world.a.admin)
    _deliveries(world.a.body, 1)
    client = signed_in(world.a.member)

    assert listed_ids(client.get(url("webhook-subscription-list")), "subscriptions") == set()
    assert listed_ids(client.get(url("webhook-delivery-list")), "deliveries") == set()
    assert client.get(url("webhook-subscription-detail", subscription.pk)).status_code == 404


def test_another_bodys_subscriptions_and_deliveries_are_404_on_every_method(world, receiver):
    subscription = listening(receiver, world.a.body, world.a.admin)
    _deliveries(world.a.body, 1)
    delivery = WebhookDelivery.objects.get()

    def state() -> object:
        return (
            list(WebhookSubscription.objects.values_list("url", "events", "active", "secret_encrypted")),
            list(WebhookDelivery.objects.values_list("status", "attempts")),
        )

    paths = [
        url("webhook-subscription-detail", subscription.pk),
        url("webhook-subscription-rotate-secret", subscription.pk),
        url("webhook-subscription-ping", subscription.pk),
        url("webhook-delivery-detail", delivery.pk),
        url("webhook-delivery-redeliver", delivery.pk),
    ]
    assert_hidden(signed_in(world.b.admin), paths, state)
    # body B's token: the same 404 wherever a token may act at all (it may never change a subscription)
    _token, key = make_token(body=world.b.body, creator=world.b.admin, scopes={"webhooks": "write"})
    assert_hidden(bearer(key), paths[2:], state)
    assert listed_ids(signed_in(world.b.admin).get(url("webhook-delivery-list")), "deliveries") == set()


def test_the_delivery_log_filters_by_status_event_and_subscription(world, receiver):
    subscription = listening(receiver, world.a.body, world.a.admin)
    _deliveries(world.a.body, 2)
    first = WebhookDelivery.objects.order_by("created_at").first()
    webhook_delivery_send(delivery_id=first.pk)  # type: ignore[union-attr]
    client = signed_in(world.a.admin)

    delivered = client.get(url("webhook-delivery-list"), {"status": "delivered"})
    by_event = client.get(
        url("webhook-delivery-list"), {"event": EVENT, "subscription": str(subscription.pk)}
    )
    unknown = client.get(url("webhook-delivery-list"), {"colour": "red"})

    assert listed_ids(delivered, "deliveries") == {str(first.pk)}  # type: ignore[union-attr]
    assert len(listed_ids(by_event, "deliveries")) == 2
    assert unknown.status_code == 400
    row = delivered.json()["deliveries"][0]
    assert row["event"]["event"] == EVENT and row["lastResponseCode"] == 202 and row["attempts"] == 1
    assert row["event"]["payload"] == {"n": 0} or row["event"]["payload"] == {"n": 1}


def test_the_lists_cost_the_same_queries_for_1_and_10_rows(world, receiver):
    listening(receiver, world.a.body, world.a.admin)
    client = signed_in(world.a.admin)

    assert_flat_queries(client, url("webhook-delivery-list"), lambda n: _deliveries(world.a.body, n))
    assert_flat_queries(
        client,
        url("webhook-subscription-list"),
        lambda n: [subscribe(world.a.body, world.a.admin, receiver.url) for _ in range(n)],
    )
