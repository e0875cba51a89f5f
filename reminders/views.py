"""Portal: the notification centre (per person), its badge, and the active body's deadlines."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from core.permissions import is_registry_staff
from core.portal import PortalMixin, is_htmx
from core.tenancy import get_visible_or_404

from .models import Deadline, Notification
from .selectors import body_today, deadline_list_upcoming, notification_list, notification_unread_count
from .services import notification_mark_read, notifications_mark_all_read


class NotificationListView(PortalMixin, ListView):
    """The person's notifications, newest first; unread ones highlighted."""

    needs_body = False
    template_name = "reminders/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[Notification]:
        return notification_list(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["unread_count"] = notification_unread_count(user=self.request.user)
        return context


class NotificationMarkReadView(PortalMixin, View):
    needs_body = False
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        notification = get_visible_or_404(notification_list(user=request.user), pk=pk)
        notification = notification_mark_read(notification=notification, user=request.user)
        if is_htmx(request):
            # The updated row, and the navbar's badge swapped out of band.
            context = {
                "notification": notification,
                "unread_count": notification_unread_count(user=request.user),
            }
            return render(request, "reminders/partials/_notification_marked.html", context)
        return redirect("reminders:list")


class NotificationOpenView(PortalMixin, View):
    """Opens one's notification: marks it read, switches to the notification's body when it is not the active
    one (a person in several bodies, an active member there), then goes to its page (a local URL only).

    Without the switch the page of another body's record would answer 404. Someone no longer an active member
    of that body is told so and stays on the notification list."""

    needs_body = False
    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        notification = get_visible_or_404(notification_list(user=request.user), pk=pk)
        if not notification.is_read:
            notification = notification_mark_read(notification=notification, user=request.user)
        active = request.active  # type: ignore[attr-defined]
        body_id = notification.body_id
        if body_id is not None and (active.body is None or active.body.pk != body_id):
            if active.switch(body_id):
                messages.info(request, _("You are now working for %(body)s.") % {"body": active.body})
            elif not is_registry_staff(request.user):  # type: ignore[arg-type]
                messages.warning(
                    request,
                    _("You no longer work for %(body)s, so its records are closed to you.")
                    % {"body": notification.body},
                )
                return redirect("reminders:list")
        target = notification.url
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect("reminders:list")


class NotificationMarkAllReadView(PortalMixin, View):
    needs_body = False
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        updated = notifications_mark_all_read(user=request.user)
        if updated:
            messages.success(request, _("All notifications are marked read."))
        return redirect("reminders:list")


class NotificationBadgeView(PortalMixin, View):
    """The unread count beside the navbar's bell (an HTMX partial the layout loads and polls)."""

    needs_body = False
    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        count = notification_unread_count(user=request.user)
        return render(request, "reminders/partials/_badge.html", {"unread_count": count})


class DeadlineListView(PortalMixin, ListView):
    """The active body's upcoming and overdue deadlines."""

    template_name = "reminders/deadline_list.html"
    context_object_name = "deadlines"
    paginate_by = 50
    days = 120

    def get_queryset(self) -> QuerySet[Deadline]:
        self.today = body_today(self.body)
        return deadline_list_upcoming(
            body=self.body, days=self.days, today=self.today, user=self.request.user
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["today"] = self.today
        context["days"] = self.days
        context["rows"] = [
            {
                "deadline": deadline,
                "days_left": (deadline.due_on - self.today).days,
                "days_overdue": (self.today - deadline.due_on).days,
            }
            for deadline in context["deadlines"]
        ]
        return context
