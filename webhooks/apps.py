"""The webhooks engine: per-body subscriptions, events written as outbox rows in the same transaction as the
change, and signed delivery in the ICR scheme by Celery with retries. Capabilities declare their event types in
`webhooks.registry` and emit through `webhooks.services`; the engine names no capability."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from . import audit_actions, notices  # noqa: F401  (the history's sentences; who is told a give-up)
