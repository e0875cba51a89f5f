"""Input and output shapes of the webhooks API (snake_case here; the renderer camelCases the JSON). A
subscription's secret is only in the answers that make it (create, rotate)."""

from __future__ import annotations

from rest_framework import serializers

from bodies.models.tenants import Body
from core.api.serializers import ServiceFieldsInput, VisibleRelatedField
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription

EVENTS_HELP = "event codes, e.g. certificate.issued (the schema's description lists the declared ones)"


class WebhookSubscriptionOutput(serializers.ModelSerializer):
    """A subscription without its secret."""

    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    events = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "body",
            "url",
            "description",
            "events",
            "active",
            "secret_rotated_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class WebhookSubscriptionSecretOutput(WebhookSubscriptionOutput):
    """The subscription with its secret: only in the answer that made the secret; it is never shown again."""

    secret = serializers.CharField(read_only=True, help_text="the shared secret (HMAC-SHA256 key)")

    class Meta(WebhookSubscriptionOutput.Meta):
        fields = [*WebhookSubscriptionOutput.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookSubscriptionUpdateInput(ServiceFieldsInput):
    url = serializers.CharField(max_length=500, help_text="https:// on the public internet")
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    events = serializers.ListField(child=serializers.CharField(max_length=100), help_text=EVENTS_HELP)
    active = serializers.BooleanField(required=False)


class WebhookSubscriptionCreateInput(serializers.Serializer):
    body = VisibleRelatedField(
        queryset=Body.objects.all(),
        pk_field=serializers.UUIDField(),
        help_text="the body the subscription is of; a body's token may leave it out",
    )
    url = serializers.CharField(max_length=500, help_text="https:// on the public internet")
    description = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    events = serializers.ListField(child=serializers.CharField(max_length=100), help_text=EVENTS_HELP)
    active = serializers.BooleanField(required=False, default=True)


class WebhookEventOutput(serializers.ModelSerializer):
    """The event a delivery carries, with the payload the capability emitted."""

    class Meta:
        model = WebhookEvent
        fields = ["id", "event", "payload", "created_at"]
        read_only_fields = fields


class WebhookDeliveryOutput(serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    subscription = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    url = serializers.CharField(source="subscription.url", read_only=True)
    event = WebhookEventOutput(read_only=True)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "body",
            "subscription",
            "url",
            "event",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_response_code",
            "last_duration_ms",
            "last_error",
            "delivered_at",
            "created_at",
        ]
        read_only_fields = fields
