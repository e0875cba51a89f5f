"""Celery entry points of the reminders engine (scheduled in settings.CELERY_BEAT_SCHEDULE). Safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="reminders.tasks.deadlines_sweep_task")
def deadlines_sweep_task() -> dict[str, int]:
    result = services.deadlines_sweep()
    return {"deadlines": result.deadlines, "notifications": result.notifications}


#: emails one run of the reconciler tries; a run that reaches it queues the next one
PENDING_EMAILS_PER_RUN = 1000


@shared_task(name="reminders.tasks.notifications_send_pending_task")
def notifications_send_pending_task() -> int:
    """Sends pending emails, retries failed ones and reclaims stale ones (also those the broker lost).

    Returns how many it sent. A run that reached its limit queues the next one (after a short pause, so an
    SMTP server that is down is not hammered; retries stop at EMAIL_MAX_ATTEMPTS anyway).
    """
    result = services.notifications_send_pending(limit=PENDING_EMAILS_PER_RUN)
    if result.attempted >= PENDING_EMAILS_PER_RUN:
        notifications_send_pending_task.apply_async(countdown=10)
    return result.sent


@shared_task(name="reminders.tasks.notification_send_email_task")
def notification_send_email_task(notification_id: str) -> bool:
    return services.notification_send_email(notification_id=notification_id)
