"""The registry home: the first page registry staff see (the back office's index), made of the queues and
charts each app declares in `<app>/registry_home.py` (imported from its `ready()`), so the kernel names no
capability.

A **queue** is work waiting for the registry (applications, accreditations to verify, overdue deadlines):
its `state(today=, limit=)` answers how many there are, the back-office list that shows them all (a
changelist filtered to the queue) and the `limit` oldest rows with their age in days. A **chart** is a trend
per month over the last twelve months: each of its series counts rows per month (`monthly_counts`), and the
kernel draws the bars as an inline SVG (no script, no library), every number readable in a title.

Days are counted between calendar dates in the registry's time zone (`settings.TIME_ZONE`,
`registry_today()`). Each declaration costs a constant few queries, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .dates import days_from_today, today_in
from .permissions import is_registry_staff
from .registry import Registry

if TYPE_CHECKING:
    from django.http import HttpRequest

#: how many of a queue's oldest rows the home lists (the count and the link cover the rest)
ROWS = 5
#: how many months a chart shows, the current one last
MONTHS = 12


@dataclass(frozen=True)
class QueueRow:
    """One row of a queue: what waits (a body's name, a deadline kind) and for how long."""

    label: str
    #: its back-office page (a change page, or a changelist filtered to the row for a grouped row)
    url: str = ""
    #: a human detail beside the label (a status label, an accreditation)
    detail: str = ""
    #: the date the row is counted from or to (applied on, due on, valid until)
    on: date | None = None
    #: its age or time left in days (see `Queue.days_label`)
    days: int | None = None
    #: how many records the row stands for (a grouped row)
    count: int | None = None


@dataclass(frozen=True)
class QueueState:
    """A queue as it stands: how many wait, the filtered back-office list of them all, the oldest rows."""

    count: int
    url: str
    rows: Sequence[QueueRow] = ()

    @property
    def grouped(self) -> bool:
        """Do the rows stand for several records each (a count column)?"""
        return any(row.count is not None for row in self.rows)

    @property
    def more(self) -> int:
        """How many waiting records the rows leave out (not for grouped rows, which cover them all)."""
        return 0 if self.grouped else max(0, self.count - len(self.rows))


class QueueStateFunction(Protocol):
    """A queue's `state(today=, limit=)`: the queue on `today` (the registry's date) with its `limit` first
    rows, in a constant few queries."""

    def __call__(self, *, today: date, limit: int) -> QueueState: ...


@dataclass(frozen=True)
class Queue:
    """Work waiting for the registry, e.g. `bodies.applications`."""

    #: "<app>.<what>", unique
    key: str
    #: the queue's heading (lazy translation)
    title: Any
    state: QueueStateFunction
    #: the column headings of the row's label, date and days (lazy translations), e.g. "Body", "Applied on",
    #: "Days waiting"
    label_heading: Any
    on_label: Any
    days_label: Any
    #: what the queue says when nothing waits, e.g. "No application waits for a review."
    empty: Any
    order: int = 100
    template_name: str = "admin/registry/_queue.html"


@dataclass(frozen=True)
class Series:
    """One bar series of a chart: `counts(since)` = {first day of a month: rows in that month} from `since`
    (the first day of the chart's first month, an aware datetime in the registry's time zone)."""

    label: Any
    counts: Callable[[datetime], Mapping[date, int]]


@dataclass(frozen=True)
class Chart:
    """A trend per month over the last `MONTHS` months, e.g. `bodies.applications_and_decisions`."""

    key: str
    title: Any
    series: tuple[Series, ...]
    order: int = 100


#: every declared queue and chart in home order (ties broken by key); two different declarations claiming
#: one key is a configuration error
HOME = Registry[Queue | Chart](
    "registry home entry", key=lambda entry: entry.key, order=lambda entry: (entry.order, entry.key)
)
register = HOME.register
unregister = HOME.unregister


def queues() -> list[Queue]:
    return [entry for entry in HOME.all() if isinstance(entry, Queue)]


def charts() -> list[Chart]:
    return [entry for entry in HOME.all() if isinstance(entry, Chart)]


# --- helpers for declarations -------------------------------------------------------------------------------


def registry_today() -> date:
    """Today's date in the registry's time zone (`settings.TIME_ZONE`), whatever zone a request activated."""
    return today_in(settings.TIME_ZONE)


def registry_date(moment: datetime | date) -> date:
    """The calendar date of `moment` in the registry's time zone (a date is its own date)."""
    if isinstance(moment, datetime):
        return timezone.localdate(moment, timezone=timezone.get_default_timezone())
    return moment


def days_between(start: datetime | date, end: date) -> int:
    """Whole days from `start`'s date to `end` (negative when `start` is later), in the registry's zone."""
    return -days_from_today(registry_date(start), today=end)


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """The first days of the last `months` months, oldest first, the month of `today` last."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def monthly_counts(queryset: QuerySet[Any], field_name: str, since: datetime) -> dict[date, int]:
    """{first day of a month: rows of `queryset` whose datetime `field_name` falls in it} from `since`, months
    taken in the registry's time zone; one query."""
    rows = (
        queryset.filter(**{f"{field_name}__gte": since})
        .annotate(month=TruncMonth(field_name, tzinfo=timezone.get_default_timezone()))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {registry_date(row["month"]): row["n"] for row in rows}


# --- charts as SVG ------------------------------------------------------------------------------------------

#: the drawing's geometry in SVG user units (the SVG scales to its box)
GROUP_WIDTH = 40
GROUP_GAP = 8
PLOT_HEIGHT = 100
TOP = 14  # room for the value above the tallest bar
BOTTOM = 18  # room for the month names


@dataclass(frozen=True)
class Bar:
    series_index: int
    x: float
    y: float
    width: float
    height: float
    value: int
    #: "March 2026 — Applications: 3", the bar's title (read by screen readers and shown on hover)
    title: str

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def label_y(self) -> float:
        """Where the bar's number sits, just above it."""
        return round(self.y - 2, 2)


@dataclass(frozen=True)
class MonthLabel:
    x: float
    label: str


@dataclass(frozen=True)
class LegendEntry:
    series_index: int
    label: str
    total: int


@dataclass(frozen=True)
class Figure:
    """A chart laid out for its template: bars, month names and legend, all numbers computed here."""

    key: str
    title: str
    width: int
    height: int
    baseline: float
    bars: list[Bar] = field(default_factory=list)
    months: list[MonthLabel] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    #: the whole chart in one sentence, the SVG's accessible name
    summary: str = ""


def chart_figure(chart: Chart, today: date) -> Figure:
    """Lays out `chart` for the `MONTHS` months ending with `today`'s; one query per series."""
    starts = month_starts(today)
    since = timezone.make_aware(datetime(starts[0].year, starts[0].month, 1), timezone.get_default_timezone())
    counts = [series.counts(since) for series in chart.series]
    tallest = max([1, *(n for per_month in counts for n in per_month.values())])
    bar_width = (GROUP_WIDTH - GROUP_GAP) / max(1, len(chart.series))
    baseline = TOP + PLOT_HEIGHT
    bars: list[Bar] = []
    months: list[MonthLabel] = []
    for position, start in enumerate(starts):
        left = position * GROUP_WIDTH + GROUP_GAP / 2
        month_name = date_format(start, "YEAR_MONTH_FORMAT")
        months.append(MonthLabel(x=left + (GROUP_WIDTH - GROUP_GAP) / 2, label=date_format(start, "M")))
        for index, series in enumerate(chart.series):
            value = counts[index].get(start, 0)
            height = round(PLOT_HEIGHT * value / tallest, 2)
            bars.append(
                Bar(
                    series_index=index,
                    x=round(left + index * bar_width, 2),
                    y=round(baseline - height, 2),
                    width=round(bar_width, 2),
                    height=height,
                    value=value,
                    title=_("%(month)s — %(series)s: %(count)s")
                    % {"month": month_name, "series": series.label, "count": value},
                )
            )
    legend = [
        LegendEntry(series_index=index, label=str(series.label), total=sum(counts[index].values()))
        for index, series in enumerate(chart.series)
    ]
    summary = _("%(title)s, %(first)s to %(last)s: %(totals)s") % {
        "title": chart.title,
        "first": date_format(starts[0], "YEAR_MONTH_FORMAT"),
        "last": date_format(starts[-1], "YEAR_MONTH_FORMAT"),
        "totals": "; ".join(f"{entry.label} {entry.total}" for entry in legend),
    }
    return Figure(
        key=chart.key,
        title=str(chart.title),
        width=GROUP_WIDTH * len(starts),
        height=TOP + PLOT_HEIGHT + BOTTOM,
        baseline=baseline,
        bars=bars,
        months=months,
        legend=legend,
        summary=summary,
    )


# --- the page -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedQueue:
    queue: Queue
    state: QueueState
    html: SafeString


def render_home(request: HttpRequest) -> SafeString:
    """The registry home's queues and charts, for registry staff only (anyone else gets nothing)."""
    if not is_registry_staff(request.user):  # type: ignore[arg-type]
        return mark_safe("")
    today = registry_today()
    rendered = []
    for queue in queues():
        state = queue.state(today=today, limit=ROWS)
        html = render_to_string(queue.template_name, {"queue": queue, "state": state}, request=request)
        rendered.append(RenderedQueue(queue=queue, state=state, html=mark_safe(html)))
    figures = [chart_figure(chart, today) for chart in charts()]
    html = render_to_string(
        "admin/registry/_home.html",
        {"queues": rendered, "figures": figures, "today": today},
        request=request,
    )
    return mark_safe(html)
