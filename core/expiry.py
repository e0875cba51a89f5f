"""Expiring records whose validity has ended, judged in each owning body's own time zone.

Accreditations and competence records (and later certificates) share the rule: the last valid day still counts;
from the next local day the record is expired. Each expiry is a compare-and-set (a concurrent sweep or a human
decision wins cleanly) with its own audit event by the system.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.utils import timezone

from .audit import audit_record


def expire_past_validity(
    *,
    model: type[models.Model],
    last_day_field: str,
    live_statuses: list[str],
    expired_status: str,
    action: str,
    today: date | None = None,
) -> int:
    """Moves `live_statuses` rows whose `last_day_field` is before today to `expired_status`; returns the count."""
    now = timezone.now()
    # the latest "today" anywhere on earth bounds the candidates; each row is then judged in its own zone
    horizon = today or (now + timedelta(days=1)).date()
    candidates = model._default_manager.filter(
        status__in=live_statuses, **{f"{last_day_field}__lt": horizon}
    ).select_related("body")
    changed = 0
    for record in candidates.iterator(chunk_size=500):
        body: Any = getattr(record, "body")  # noqa: B009 - any model with a body and a status
        status: str = getattr(record, "status")  # noqa: B009
        local_today = today or now.astimezone(ZoneInfo(body.time_zone)).date()
        if getattr(record, last_day_field) >= local_today:
            continue
        with transaction.atomic():
            claimed = model._default_manager.filter(
                pk=record.pk,
                status=status,
                **{f"{last_day_field}__lt": local_today},
            ).update(status=expired_status, updated_at=now)
            if claimed:
                audit_record(
                    actor=None,
                    action=action,
                    obj=record,
                    body=body,
                    before={"status": status},
                    after={"status": expired_status},
                )
                changed += 1
    return changed
