"""Reads of the webhooks engine, shaped for constant query counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from .models import DeliveryStatus, WebhookDelivery, WebhookSubscription

if TYPE_CHECKING:
    from bodies.models.tenants import Body


def webhook_subscription_list(*, body: Body) -> QuerySet[WebhookSubscription]:
    """The body's subscriptions, newest first, each with how many of its deliveries are failing or given up."""
    return (
        WebhookSubscription.objects.for_body(body)
        .select_related("created_by")
        .annotate(
            failing=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[DeliveryStatus.FAILED, DeliveryStatus.GIVEN_UP]),
            )
        )
        .order_by("-created_at", "-id")
    )


def webhook_delivery_list() -> QuerySet[WebhookDelivery]:
    """Deliveries with their event and subscription (one query for a page), newest first; callers narrow it to
    a body (`for_body`) or to what a principal sees (`visible_to`)."""
    return WebhookDelivery.objects.select_related("event", "subscription").order_by("-created_at", "-id")
