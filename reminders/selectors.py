"""Reads of deadlines and notifications, shaped for constant query counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from .models import Deadline, Notification

if TYPE_CHECKING:
    from bodies.models.tenants import Body


def body_today(body: Body) -> date:
    """Today's calendar date where the body is (deadline dates are dates in the body's time zone)."""
    try:
        zone = ZoneInfo(body.time_zone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return timezone.now().astimezone(zone).date()


def deadline_list_upcoming(
    *, body: Body, days: int = 120, today: date | None = None, user: Any = None
) -> QuerySet[Deadline]:
    """The body's open deadlines due within `days`, overdue ones included, soonest first (the dashboard); those
    `user` may see when given (each kind's read rule)."""
    today = today or body_today(body)
    deadlines = Deadline.objects.for_body(body)
    if user is not None:
        deadlines = deadlines.readable_by(user)
    return (
        deadlines.open()
        .filter(due_on__lte=today + timedelta(days=days))
        .select_related("subject_type")
        .prefetch_related("subject")
        .order_by("due_on", "id")
    )


def deadline_queryset() -> QuerySet[Deadline]:
    """Deadlines with what the API serializer reads; the API base class applies `visible_to` on top."""
    return Deadline.objects.select_related("subject_type").order_by("due_on", "id")


def notification_list(*, user: Any) -> QuerySet[Notification]:
    """The person's own notifications, newest first."""
    return Notification.objects.visible_to(user).select_related("body").order_by("-created_at", "-id")


def notification_unread_count(*, user: Any) -> int:
    return Notification.objects.visible_to(user).unread().count()
