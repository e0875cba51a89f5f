"""The portal pages: the subscriptions (the secret shown once), the delivery log (filters, htmx, redelivery),
404 across bodies, 403 for members who do not keep webhooks, constant query counts."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from core.models import AuditEvent
from tests.helpers import assert_flat_queries
from webhooks.models import WebhookDelivery, WebhookSubscription
from webhooks.services import emit, webhook_delivery_send

from .conftest import EVENT, listening, subscribe


def _deliveries(body, count):  # type: ignore[no-untyped-def]
    for n in range(count):
        with transaction.atomic():
            emit(body=body, event=EVENT, payload={"n": n})


def test_adding_a_subscription_shows_its_secret_once(world, receiver, login):
    client = login(world.a.admin)

    response = client.post(
        reverse("webhooks:create"),
        {"url": receiver.url, "description": "ERP", "events": [EVENT], "active": "on"},
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    subscription = WebhookSubscription.objects.get()
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    # never again: the list, the edit page
    for page in (reverse("webhooks:list"), reverse("webhooks:edit", args=[subscription.pk])):
        shown = client.get(page)
        assert shown.status_code == 200
        assert secret not in shown.content.decode()
        assert subscription.secret_encrypted not in shown.content.decode()
    assert "ERP" in client.get(reverse("webhooks:list")).content.decode()


def test_a_url_the_guard_refuses_is_an_error_on_the_form(world, login, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    response = login(world.a.admin).post(
        reverse("webhooks:create"), {"url": "http://127.0.0.1:8000/hook", "events": [EVENT], "active": "on"}
    )

    assert response.status_code == 200
    assert "not a public internet address" in str(response.context["form"].errors["url"])
    assert WebhookSubscription.objects.count() == 0


def test_editing_rotating_and_deleting(world, receiver, login):
    subscription, secret = subscribe(world.a.body, world.a.admin, receiver.url)
    client = login(world.a.admin)

    edited = client.post(
        reverse("webhooks:edit", args=[subscription.pk]),
        {"url": receiver.url, "description": "Renamed", "events": [EVENT]},
    )
    rotated = client.post(reverse("webhooks:rotate-secret", args=[subscription.pk]))

    assert edited.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.description, subscription.active) == ("Renamed", False)  # the box was left unticked
    assert rotated.status_code == 200 and rotated["Cache-Control"] == "no-store"
    assert rotated.context["secret"] != secret and rotated.context["secret"] in rotated.content.decode()

    deleted = client.post(reverse("webhooks:delete", args=[subscription.pk]))
    assert deleted.status_code == 302 and WebhookSubscription.objects.count() == 0


def test_a_member_is_refused_and_another_body_gets_404(world, receiver, login):
    subscription = listening(receiver, world.a.body, world.a.admin)
    _deliveries(world.a.body, 1)
    delivery = WebhookDelivery.objects.get()
    events_before = AuditEvent.objects.count()
    before = list(
        WebhookSubscription.objects.values_list("url", "description", "events", "active", "secret_encrypted")
    )

    member = login(world.a.member)
    assert member.get(reverse("webhooks:list")).status_code == 403
    assert member.get(reverse("webhooks:deliveries")).status_code == 403
    assert member.post(reverse("webhooks:rotate-secret", args=[subscription.pk])).status_code == 403
    assert member.post(reverse("webhooks:redeliver", args=[delivery.pk])).status_code == 403

    other = login(world.b.admin)
    for name, pk in (
        ("webhooks:edit", subscription.pk),
        ("webhooks:delete", subscription.pk),
        ("webhooks:rotate-secret", subscription.pk),
        ("webhooks:ping", subscription.pk),
        ("webhooks:redeliver", delivery.pk),
    ):
        assert other.get(reverse(name, args=[pk])).status_code == 404, name
        assert other.post(reverse(name, args=[pk])).status_code == 404, name
    listed = other.get(reverse("webhooks:deliveries"))
    assert listed.status_code == 200 and list(listed.context["deliveries"]) == []
    assert list(other.get(reverse("webhooks:list")).context["subscriptions"]) == []

    assert AuditEvent.objects.count() == events_before
    assert (
        list(
            WebhookSubscription.objects.values_list(
                "url", "description", "events", "active", "secret_encrypted"
            )
        )
        == before
    )
    assert WebhookDelivery.objects.get().status == "pending"


def test_the_delivery_log_filters_and_swaps_its_table_for_htmx(world, receiver, login):
    listening(receiver, world.a.body, world.a.admin)
    _deliveries(world.a.body, 2)
    sent = WebhookDelivery.objects.order_by("created_at").first()
    webhook_delivery_send(delivery_id=sent.pk)  # type: ignore[union-attr]
    client = login(world.a.admin)

    full = client.get(reverse("webhooks:deliveries"))
    delivered = client.get(
        reverse("webhooks:deliveries"), {"status": "delivered"}, headers={"HX-Request": "true"}
    )
    bad = client.get(reverse("webhooks:deliveries"), {"status": "lost"})

    assert full.status_code == 200 and len(full.context["deliveries"]) == 2
    assert "<html" in full.content.decode() and "Thing happened" in full.content.decode()
    assert delivered.status_code == 200 and [d.pk for d in delivered.context["deliveries"]] == [sent.pk]  # type: ignore[union-attr]
    assert "<html" not in delivered.content.decode() and "202" in delivered.content.decode()
    assert bad.status_code == 400 and list(bad.context["deliveries"]) == []


def test_send_again_returns_the_row_for_htmx(world, receiver, login):
    listening(receiver, world.a.body, world.a.admin)
    _deliveries(world.a.body, 1)
    delivery = WebhookDelivery.objects.get()
    webhook_delivery_send(delivery_id=delivery.pk)

    response = login(world.a.admin).post(
        reverse("webhooks:redeliver", args=[delivery.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert f'id="delivery-{delivery.pk}"' in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert AuditEvent.objects.filter(action="webhooks.delivery.redelivered").count() == 1


def test_a_ping_from_the_list_lands_in_the_log(world, receiver, login):
    subscription = listening(receiver, world.a.body, world.a.admin)

    response = login(world.a.admin).post(reverse("webhooks:ping", args=[subscription.pk]))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('webhooks:deliveries')}?subscription={subscription.pk}"
    assert WebhookDelivery.objects.get().event.event == "webhook.ping"


def test_the_pages_cost_the_same_queries_for_1_and_10_rows(world, receiver, login):
    listening(receiver, world.a.body, world.a.admin)
    client = login(world.a.admin)

    assert_flat_queries(client, reverse("webhooks:deliveries"), lambda n: _deliveries(world.a.body, n))
    assert_flat_queries(
        client,
        reverse("webhooks:list"),
        lambda n: [subscribe(world.a.body, world.a.admin, receiver.url) for _ in range(n)],
    )


def test_the_body_menu_links_webhooks_for_its_administrators(world, login):
    assert reverse("webhooks:list") in login(world.a.admin).get(reverse("core:dashboard")).content.decode()
    assert (
        reverse("webhooks:list") not in login(world.a.member).get(reverse("core:dashboard")).content.decode()
    )
