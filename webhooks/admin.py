"""The registry's back office for webhooks: read-only oversight of subscriptions (never their secret), events
and deliveries."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import StaffReadOnlyAdmin
from core.admin_labels import registry_kind_filter
from core.labels import registry_label

from .models import WebhookDelivery, WebhookEvent, WebhookSubscription
from .registry import EVENTS


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(StaffReadOnlyAdmin):
    list_display = ("url", "body", "description", "active", "created_at", "secret_rotated_at")
    list_filter = ("active", ("body", admin.RelatedOnlyFieldListFilter))
    search_fields = ("url", "description")
    list_select_related = ("body",)
    ordering = ("-created_at",)
    # the encrypted secret is never shown, not even encrypted
    fields = (
        "body",
        "url",
        "description",
        "event_labels",
        "active",
        "created_by",
        "created_at",
        "updated_at",
        "secret_rotated_at",
    )
    readonly_fields = fields

    @admin.display(description=_("events"))
    def event_labels(self, obj: WebhookSubscription) -> str:
        return ", ".join(registry_label(EVENTS, code) for code in obj.events)


@admin.register(WebhookEvent)
class WebhookEventAdmin(StaffReadOnlyAdmin):
    list_display = ("id", "event_label", "body", "created_at")
    list_filter = (
        registry_kind_filter(EVENTS, title=_("event"), parameter_name="event"),
        ("body", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("id",)
    list_select_related = ("body",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fields = ("id", "event_label", "body", "payload", "created_at")
    readonly_fields = fields

    @admin.display(description=_("event"), ordering="event")
    def event_label(self, obj: WebhookEvent) -> str:
        return registry_label(EVENTS, obj.event)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(StaffReadOnlyAdmin):
    list_display = (
        "event_label",
        "subscription_url",
        "body",
        "status",
        "attempts",
        "last_response_code",
        "last_duration_ms",
        "last_attempt_at",
        "next_attempt_at",
    )
    list_filter = ("status", ("body", admin.RelatedOnlyFieldListFilter))
    search_fields = ("event__id", "subscription__url")
    list_select_related = ("body", "event", "subscription")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fields = (
        "event",
        "subscription_url",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_response_code",
        "last_duration_ms",
        "last_error",
        "delivered_at",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("event"), ordering="event__event")
    def event_label(self, obj: WebhookDelivery) -> str:
        return registry_label(EVENTS, obj.event.event)

    @admin.display(description=_("URL"), ordering="subscription__url")
    def subscription_url(self, obj: WebhookDelivery) -> str:
        return obj.subscription.url
