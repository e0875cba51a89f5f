"""The webhooks engine's records: a body's subscriptions, the events written as an outbox with the change that
caused them, and one delivery per event and subscription with its attempts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel
from core.tenancy import TenantQuerySet

#: who keeps a body's webhooks: the people who keep its API tokens (both hand the body's data to its systems)
MANAGE_WEBHOOKS = "manage_api_tokens"


class WebhookQuerySet(TenantQuerySet[Any]):
    """A body's webhook records are read by the people who manage them, not by every member: a person sees the
    rows of the bodies where they hold `manage_api_tokens` (registry staff: all; a body's token: its body)."""

    def visible_to(self, user: Any, token: Any = None) -> Any:
        visible = super().visible_to(user, token)
        if token is not None:
            return visible
        from core.permissions import body_ids_with_perm

        body_ids = body_ids_with_perm(user, MANAGE_WEBHOOKS)
        if body_ids is None:
            return visible
        return visible.filter(**{f"{self.tenant_field}_id__in": body_ids})


class WebhookSubscription(TenantModel):
    """Where a body's integration wants its events: a URL, the event codes it wants, and the shared secret
    that signs each delivery, kept encrypted (Fernet) and shown to people only when made or rotated."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="webhook_subscriptions")
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list, help_text=_("the event codes sent to this URL"))
    active = models.BooleanField(_("active"), default=True)
    secret_encrypted = models.TextField(editable=False)
    secret_rotated_at = models.DateTimeField(_("secret made or rotated at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        indexes = [models.Index(fields=["body", "-created_at"], name="webhook_sub_body_created")]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookEvent(TenantModel):
    """One occurrence sent to a body's subscribers, written in the same transaction as the change it reports
    (the outbox). Its id is the event id receivers drop duplicates by."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="webhook_events")
    event = models.CharField(_("event"), max_length=100)
    payload = models.JSONField(_("payload"), encoder=DjangoJSONEncoder)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        indexes = [models.Index(fields=["body", "-created_at"], name="webhook_event_body_created")]

    def __str__(self) -> str:
        from .registry import find_event

        declared = find_event(self.event)
        return str(declared.label) if declared else self.event


class DeliveryStatus(models.TextChoices):
    """A delivery's status (outside the model so its Meta builds the check constraint from it)."""

    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed, will retry")
    GIVEN_UP = "given_up", _("Given up")


#: the statuses whose delivery is still to be sent (at `next_attempt_at`)
DUE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class WebhookDelivery(TenantModel):
    """One event sent to one subscription: `pending` until its first attempt, `delivered` on a 2xx answer,
    `failed` while retries with backoff remain (`next_attempt_at`), `given up` after the last one (the body's
    administrators are told). A person may ask for a new attempt at any time but while one is pending."""

    Status = DeliveryStatus

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="webhook_deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(_("last response code"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("last duration (ms)"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="webhook_delivery_status_valid",
                violation_error_message=_("Unknown delivery status."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=DUE_STATUSES) | Q(next_attempt_at__isnull=False),
                name="webhook_delivery_due_has_time",
                violation_error_message=_("A delivery still to be sent needs the time of its next attempt."),
            ),
            models.UniqueConstraint(
                fields=["event", "subscription"],
                name="webhook_delivery_once_per_subscription",
                violation_error_message=_("This event already has a delivery to this subscription."),
            ),
        ]
        indexes = [
            # the sweep: deliveries still to be sent, by when
            models.Index(
                fields=["next_attempt_at"], condition=Q(status__in=DUE_STATUSES), name="webhook_delivery_due"
            ),
            # the delivery log, newest first, of a body and of one subscription
            models.Index(fields=["body", "-created_at"], name="webhook_delivery_body_created"),
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_sub_created"),
        ]

    def __str__(self) -> str:
        from .registry import find_event

        declared = find_event(self.event.event)
        return f"{declared.label if declared else self.event.event} → {self.subscription.url}"
