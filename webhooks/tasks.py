"""Celery entry points of the webhooks engine. Tasks take ids and are safe to run twice (the send locks its
row and acts only on a due delivery); the sweep is scheduled in settings.CELERY_BEAT_SCHEDULE."""

from __future__ import annotations

from celery import shared_task

from . import services

#: deliveries one sweep enqueues; a sweep that reaches it runs again at once
SWEEP_BATCH = 500


@shared_task(name="webhooks.tasks.webhook_delivery_send_task", acks_late=True)
def webhook_delivery_send_task(delivery_id: str) -> str | None:
    """One attempt of one delivery; returns its status afterwards, or None when there was nothing to do."""
    result = services.webhook_delivery_send(delivery_id=delivery_id)
    return result.status if result is not None else None


@shared_task(name="webhooks.tasks.webhook_deliveries_sweep_task", acks_late=True)
def webhook_deliveries_sweep_task() -> int:
    """Enqueues every due delivery: first attempts whose message was lost and retries whose time came."""
    due = services.webhook_deliveries_due(limit=SWEEP_BATCH)
    for delivery_id in due:
        webhook_delivery_send_task.delay(str(delivery_id))
    if len(due) >= SWEEP_BATCH:
        webhook_deliveries_sweep_task.apply_async(countdown=5)
    return len(due)
