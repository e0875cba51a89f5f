"""How the webhooks engine's audit events read in the history (`core.audit`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import declare_audit_actions, declare_audit_record

declare_audit_actions(
    {
        "webhooks.subscription.created": _("added the webhook subscription"),
        "webhooks.subscription.updated": _("changed the webhook subscription"),
        "webhooks.subscription.deleted": _("deleted the webhook subscription"),
        "webhooks.subscription.secret_rotated": _("rotated the webhook subscription's secret"),
        "webhooks.subscription.pinged": _("sent a test ping to the webhook subscription"),
        "webhooks.delivery.redelivered": _("asked for the webhook delivery to be sent again"),
    }
)

declare_audit_record(
    "webhooks.webhooksubscription", url=lambda subscription: reverse("webhooks:edit", args=[subscription.pk])
)
declare_audit_record(
    "webhooks.webhookdelivery",
    url=lambda delivery: f"{reverse('webhooks:deliveries')}?subscription={delivery.subscription_id}",
)
