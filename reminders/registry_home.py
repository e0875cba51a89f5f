"""The reminders engine's part of the registry home (`core.registry_home`): deadlines past their due date
across every body, one row per kind with how many and how overdue the oldest is."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry_home import Queue, QueueRow, QueueState, days_between, register

from .models import Deadline
from .registry import find_kind


def _overdue_url(today: date, kind: str | None = None) -> str:
    """The deadlines changelist filtered to the open ones due before `today` (of one kind when given)."""
    query = {"closed_at__isempty": "1", "due_on__lt": today.isoformat()}
    if kind is not None:
        query["kind__exact"] = kind
    return f"{reverse('admin:reminders_deadline_changelist')}?{urlencode(query)}"


def overdue_deadlines(*, today: date, limit: int) -> QueueState:
    """Open deadlines due before `today` (the registry's date), grouped by kind, the most overdue first; one
    query. Every kind is listed (there are few), so `limit` does not cut the groups."""
    groups = list(
        Deadline.objects.open()
        .filter(due_on__lt=today)
        .values("kind")
        .annotate(n=Count("id"), oldest=Min("due_on"))
        .order_by("oldest", "kind")
    )
    rows = []
    for group in groups:
        kind = find_kind(group["kind"])
        rows.append(
            QueueRow(
                label=str(kind.label) if kind else group["kind"],
                url=_overdue_url(today, group["kind"]),
                on=group["oldest"],
                days=days_between(group["oldest"], today),
                count=group["n"],
            )
        )
    return QueueState(count=sum(group["n"] for group in groups), url=_overdue_url(today), rows=rows)


register(
    Queue(
        key="reminders.overdue_deadlines",
        title=_("Overdue deadlines"),
        state=overdue_deadlines,
        label_heading=_("Kind"),
        on_label=_("Oldest due on"),
        days_label=_("Days overdue"),
        empty=_("No deadline is overdue."),
        order=50,
    )
)
