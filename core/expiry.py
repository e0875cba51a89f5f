"""Expiring records whose validity has ended, judged in each owning body's own time zone.

Accreditations and competence records (and later certificates) share the rule: the last valid day still counts;
from the next local day the record is expired. The move is the model's `expire` transition (its life cycle says
from which statuses and which audit event): each is a compare-and-set (a concurrent sweep or a human decision
wins cleanly) with its own audit event by the system.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .transitions import lifecycle_of, transition_claim


def expire_past_validity(
    *,
    model: type[models.Model],
    last_day_field: str,
    action: str = "expire",
    today: date | None = None,
) -> int:
    """Moves rows whose `last_day_field` is before today by the model's `action` transition; returns the count."""
    lifecycle = lifecycle_of(model)
    now = timezone.now()
    # the latest "today" anywhere on earth bounds the candidates; each row is then judged in its own zone
    horizon = today or (now + timedelta(days=1)).date()
    candidates = model._default_manager.filter(
        **{f"{lifecycle.status_field}__in": lifecycle.sources(action), f"{last_day_field}__lt": horizon}
    ).select_related("body")
    changed = 0
    for record in candidates.iterator(chunk_size=500):
        body: Any = getattr(record, "body")  # noqa: B009 - any model with a body and a status
        local_today = today or now.astimezone(ZoneInfo(body.time_zone)).date()
        if getattr(record, last_day_field) >= local_today:
            continue
        if transition_claim(
            record,
            action=action,
            actor=None,
            where=Q(**{f"{last_day_field}__lt": local_today}),
        ):
            changed += 1
    return changed
