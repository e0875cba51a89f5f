"""The reminders engine's dashboard panels (declared with the kernel's `core.panels`): what the body has due
soon, and the person's latest notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.panels import Panel, register

from .selectors import body_today, deadline_list_upcoming, notification_list

if TYPE_CHECKING:
    from bodies.models.tenants import Body
    from core.types import PortalRequest

#: how far ahead the dashboard looks for deadlines, and how many rows it shows of each list
DASHBOARD_DEADLINE_DAYS = 120
DASHBOARD_DEADLINE_ROWS = 8
DASHBOARD_NOTIFICATION_ROWS = 5


def _deadlines_context(request: PortalRequest, body: Body) -> dict[str, Any]:
    return {
        "deadline_days": DASHBOARD_DEADLINE_DAYS,
        "today": body_today(body),
        "deadlines": list(
            deadline_list_upcoming(body=body, days=DASHBOARD_DEADLINE_DAYS, user=request.user)[
                :DASHBOARD_DEADLINE_ROWS
            ]
        ),
    }


def _notifications_context(request: PortalRequest, body: Body) -> dict[str, Any]:
    return {"notifications": list(notification_list(user=request.user)[:DASHBOARD_NOTIFICATION_ROWS])}


register(
    Panel(
        key="reminders.deadlines",
        template_name="reminders/partials/_dashboard_deadlines.html",
        context=_deadlines_context,
        order=20,
    )
)
register(
    Panel(
        key="reminders.notifications",
        template_name="reminders/partials/_dashboard_notifications.html",
        context=_notifications_context,
        order=30,
    )
)
