"""The webhooks engine's part of the demo data: each approved body's administrator subscribes an integration to
the body's events (before the certification part runs, so its decisions and certificates are sent), pings it, and
the delivery log shows each attempt.

The receivers are not running: the URL is the discard port of this machine (http://127.0.0.1:9), which refuses
the connection at once, so every delivery is recorded as failed with the error and waits for its retry with
backoff (the worker's sweep retries them until they are given up) — nothing waits on a network timeout. Loopback
is refused in production (the SSRF guard); the demo runs with `WEBHOOK_ALLOW_LOOPBACK` (true under DJANGO_DEBUG,
as `./run.sh` sets), and without it the guard refuses the subscriptions and this part adds nothing.
"""

from __future__ import annotations

from django.conf import settings

from accounts.models import User
from bodies.models import Body
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.services import (
    webhook_delivery_send,
    webhook_subscription_create,
    webhook_subscription_ping,
)

from ..registry import Contributor, DemoContext, register
from .certification.steps import attempt

#: (body, administrator, description, URL path, events)
SUBSCRIPTIONS: list[tuple[str, str, str, str, list[str]]] = [
    (
        "Baltic Management Systems Certification OÜ",
        "admin@baltic-certification.example",
        "Certificate register sync (ERP)",
        "/baltic/certificates",
        [
            "certificate.issued",
            "certificate.suspended",
            "certificate.reinstated",
            "certificate.withdrawn",
            "certificate.expired",
            "certificate.scope_changed",
            "decision.made",
        ],
    ),
    (
        "Nordic Carbon Verification ehf.",
        "admin@nordic-verification.example",
        "Project tracker",
        "/nordic/hooks",
        ["decision.made", "engagement.status_changed"],
    ),
]
#: this machine's discard port: nothing listens, the connection is refused at once
RECEIVER = "http://127.0.0.1:9"


def subscribe(context: DemoContext) -> None:
    if not settings.WEBHOOK_ALLOW_LOOPBACK:
        return
    for body_name, admin_email, description, path, events in SUBSCRIPTIONS:
        body = Body.objects.filter(legal_name=body_name).first()
        admin = User.objects.filter(email=admin_email).first()
        if body is None or admin is None:
            continue
        made = attempt(
            webhook_subscription_create,
            body=body,
            actor=admin,
            url=f"{RECEIVER}{path}",
            events=events,
            description=description,
        )
        if made is not None:
            attempt(webhook_subscription_ping, subscription=made[0], actor=admin)


def attempt_deliveries(context: DemoContext) -> None:
    """The first attempt of each delivery the demo's changes wrote (as the worker would make it): refused by the
    absent receiver, so each is failed, with its error, and retried later."""
    pending = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).order_by("created_at")
    for delivery_id in pending.values_list("pk", flat=True):
        webhook_delivery_send(delivery_id=delivery_id)


register(Contributor(key="webhooks", order=75, load=subscribe))
register(Contributor(key="webhooks_deliveries", order=90, load=attempt_deliveries))
