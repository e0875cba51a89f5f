"""Celery tasks of the certification capability: the daily sweeps (declared in `CELERY_BEAT_SCHEDULE`). Each is
safe to run twice or at once: the services move each row by compare-and-set or under its row lock."""

from __future__ import annotations

from celery import shared_task

from .services.expiry import certificate_expire_due
from .services.proposals import proposals_sweep


@shared_task
def certificates_expire_task() -> int:
    """Expires the certificates whose last valid day has passed in their body's time zone."""
    return certificate_expire_due()


@shared_task
def proposals_sweep_task() -> int:
    """Proposes suspensions for missed surveillances and withdrawals for ageing suspensions."""
    return proposals_sweep()
