"""The planner's calendar of engagements: a month (a grid of weeks from Monday) or a week, each day listing the
engagements on it; a person filter; the clashes (a person booked twice) listed above the grid and marked on
their days. What a member sees is what the list shows them (`audits.selectors.engagement_calendar`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.views.generic import TemplateView

from core.portal import FilteredListMixin, HtmxPartialMixin, PortalMixin

from ..forms.calendar import CalendarForm
from ..selectors.calendar import EngagementCalendar, engagement_calendar, weeks_of


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class EngagementCalendarView(PortalMixin, FilteredListMixin, HtmxPartialMixin, TemplateView):
    template_name = "audits/calendar/calendar.html"
    partial_template_name = "audits/calendar/partials/grid.html"
    filter_class = CalendarForm

    def get_filter_kwargs(self) -> dict[str, Any]:
        return {"body": self.body}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        form = self.get_filter()
        data = form.cleaned_data if form.is_bound and not self.filter_invalid else {}
        view = data.get("view") or "month"
        person = data.get("person")
        if view == "week":
            day = data.get("day") or data.get("month") or today
            first = day - timedelta(days=day.weekday())
            last = first + timedelta(days=6)
            weeks = [[first + timedelta(days=i) for i in range(7)]]
            previous, following = {"day": first - timedelta(days=7)}, {"day": first + timedelta(days=7)}
            month = first.replace(day=1)
        else:
            day = data.get("day")
            month = data.get("month") or (day or today).replace(day=1)
            first, last = month, _add_months(month, 1) - timedelta(days=1)
            weeks = weeks_of(first, last)
            previous, following = {"month": _add_months(month, -1)}, {"month": _add_months(month, 1)}
        if self.filter_invalid:
            calendar = EngagementCalendar(start=weeks[0][0], end=weeks[-1][-1])
        else:
            calendar = engagement_calendar(
                body=self.body, user=self.request.user, start=weeks[0][0], end=weeks[-1][-1], person=person
            )
        context.update(
            view=view,
            weekday_names=[WEEKDAYS_ABBR[i] for i in range(7)],
            calendar=calendar,
            first=first,
            last=last,
            month=month,
            today=today,
            person=person,
            weeks=[
                [
                    {
                        "date": d,
                        "iso": d.isoformat(),
                        "in_period": first <= d <= last,
                        "engagements": calendar.on(d),
                        "clashing": calendar.clashing_on(d),
                    }
                    for d in week
                ]
                for week in weeks
            ],
            previous_query=self._query(view, person, previous),
            next_query=self._query(view, person, following),
            today_query=self._query(view, person, {"day": today} if view == "week" else {"month": today}),
        )
        return context

    @staticmethod
    def _query(view: str, person: Any, moved: dict[str, date]) -> str:
        params: dict[str, str] = {"view": view}
        for name, value in moved.items():
            params[name] = value.strftime("%Y-%m") if name == "month" else value.isoformat()
        if person is not None:
            params["person"] = str(person.pk)
        return urlencode(params)
