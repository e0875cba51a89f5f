"""The webhooks engine's writes: subscriptions (`subscriptions`) and the outbox with its sending (`outbox`).

Capabilities call `emit(body=, event=, payload=)` inside their own transaction."""

from .outbox import (
    GIVEN_UP_NOTICE,
    SendResult,
    backoff,
    emit,
    event_write,
    webhook_deliveries_due,
    webhook_delivery_redeliver,
    webhook_delivery_send,
)
from .subscriptions import (
    SUBSCRIPTION_FIELDS,
    events_validate,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_ping,
    webhook_subscription_rotate_secret,
    webhook_subscription_update,
)

__all__ = [
    "GIVEN_UP_NOTICE",
    "SUBSCRIPTION_FIELDS",
    "SendResult",
    "backoff",
    "emit",
    "event_write",
    "events_validate",
    "webhook_deliveries_due",
    "webhook_delivery_redeliver",
    "webhook_delivery_send",
    "webhook_subscription_create",
    "webhook_subscription_delete",
    "webhook_subscription_ping",
    "webhook_subscription_rotate_secret",
    "webhook_subscription_update",
]
