"""The webhooks API: a body's subscriptions (CRUD; the secret only in the create and rotate answers) and its
delivery log (list, read, send again). Managing subscriptions hands the body's data to a URL and mints a
secret, so it is a signed-in person's act (session only), like minting API tokens; a token with the `webhooks`
scope reads both, and with `write` may ping a subscription or send a delivery again."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.schema import errors
from core.api.views import TenantViewSet, transition_action
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from webhooks.selectors import webhook_delivery_list
from webhooks.services import (
    webhook_delivery_redeliver,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_ping,
    webhook_subscription_rotate_secret,
    webhook_subscription_update,
)

from .serializers import (
    WebhookDeliveryOutput,
    WebhookSubscriptionCreateInput,
    WebhookSubscriptionOutput,
    WebhookSubscriptionSecretOutput,
    WebhookSubscriptionUpdateInput,
)

WEBHOOKS = ["webhooks"]
MANAGERS = "Needs the body's `manage_api_tokens` permission (its administrators), as API tokens do."


def _with_secret(subscription: WebhookSubscription, secret: str) -> dict[str, Any]:
    data = dict(WebhookSubscriptionOutput(subscription).data)
    data["secret"] = secret
    return data


@extend_schema_view(
    list=extend_schema(
        summary="List webhook subscriptions",
        tags=WEBHOOKS,
        description=f"The subscriptions of the bodies where the caller keeps webhooks (a token: its body). "
        f"{MANAGERS} The secret is never listed.",
        responses={200: WebhookSubscriptionOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One webhook subscription",
        tags=WEBHOOKS,
        responses={200: WebhookSubscriptionOutput, **errors(401, 403, 404)},
    ),
)
class WebhookSubscriptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = WebhookSubscription.objects.all()
    serializer_class = WebhookSubscriptionOutput
    resource = "webhooks"
    resource_label = _("Webhooks")
    envelope_key = "subscriptions"
    session_only_actions = frozenset({"create", "partial_update", "destroy", "rotate_secret"})

    def base_queryset(self) -> QuerySet[WebhookSubscription]:
        return WebhookSubscription.objects.order_by("-created_at", "-id")

    @extend_schema(
        summary="Add a webhook subscription",
        tags=WEBHOOKS,
        description=f"{MANAGERS} The URL must be https:// and resolve to public internet addresses. "
        "The answer carries the shared `secret`, once; it is never shown again.",
        request=WebhookSubscriptionCreateInput,
        responses={201: WebhookSubscriptionSecretOutput, **errors(400, 401, 403)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = WebhookSubscriptionCreateInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        subscription, secret = webhook_subscription_create(actor=request.user, **data.validated_data)
        return Response(_with_secret(subscription, secret), status=status.HTTP_201_CREATED)

    partial_update = transition_action(
        webhook_subscription_update,
        route=False,
        input=WebhookSubscriptionUpdateInput,
        partial=True,
        output=WebhookSubscriptionOutput,
        conflict=False,
        summary="Change a webhook subscription",
        tags=WEBHOOKS,
        description=f"{MANAGERS} Any of `url`, `description`, `events`, `active`; a paused subscription keeps "
        "its deliveries waiting.",
    )

    @extend_schema(
        summary="Delete a webhook subscription",
        tags=WEBHOOKS,
        description=f"{MANAGERS} Its delivery log goes with it.",
        request=None,
        responses={204: None, **errors(401, 403, 404)},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        webhook_subscription_delete(subscription=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Rotate a webhook subscription's secret",
        tags=WEBHOOKS,
        description=f"{MANAGERS} The old secret stops signing at once; the answer carries the new one, once.",
        request=None,
        responses={200: WebhookSubscriptionSecretOutput, **errors(401, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret", url_name="rotate-secret")
    def rotate_secret(self, request: Request, id: str) -> Response:
        subscription, secret = webhook_subscription_rotate_secret(
            subscription=self.get_object(), actor=request.user
        )
        return Response(_with_secret(subscription, secret))

    ping = transition_action(
        webhook_subscription_ping,
        output=WebhookDeliveryOutput,
        status_code=status.HTTP_202_ACCEPTED,
        summary="Send a test ping",
        tags=WEBHOOKS,
        description=f"{MANAGERS} A `webhook.ping` event to this subscription now; answers its delivery, "
        "pending (poll it in /webhook-deliveries/). 409 when the subscription is paused.",
    )


class WebhookDeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event = django_filters.CharFilter(field_name="event__event", help_text="an event code")
    subscription = django_filters.UUIDFilter(field_name="subscription_id")

    class Meta:
        model = WebhookDelivery
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary="The webhook delivery log",
        tags=WEBHOOKS,
        description=f"Deliveries of the bodies where the caller keeps webhooks (a token: its body), newest "
        f"first, with their event and payload. {MANAGERS}",
        responses={200: WebhookDeliveryOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One webhook delivery",
        tags=WEBHOOKS,
        responses={200: WebhookDeliveryOutput, **errors(401, 403, 404)},
    ),
)
class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = WebhookDelivery.objects.all()
    serializer_class = WebhookDeliveryOutput
    resource = "webhooks"
    envelope_key = "deliveries"
    filter_backends = [DjangoFilterBackend]
    filterset_class = WebhookDeliveryFilter

    def base_queryset(self) -> QuerySet[WebhookDelivery]:
        return webhook_delivery_list()

    redeliver = transition_action(
        webhook_delivery_redeliver,
        output=WebhookDeliveryOutput,
        status_code=status.HTTP_202_ACCEPTED,
        summary="Send a delivery again",
        tags=WEBHOOKS,
        description=f"{MANAGERS} A new attempt now, whatever its status but pending (409). Receivers drop "
        "duplicates by the event id.",
    )
