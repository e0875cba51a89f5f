"""The planner's calendar: the engagements a person may see over a period (with their teams) and the clashes,
a person booked on two engagements whose dates overlap. A fixed number of queries whatever the rows: the
engagements with their teams (`engagement_list`), the clashes worked out from the prefetched teams."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from typing import Any

from django.db.models import DateField, QuerySet
from django.db.models.functions import Coalesce, Greatest

from bodies.models.tenants import Body, Membership

from ..models import Engagement, EngagementStatus
from .engagements import engagement_filter, engagement_list


@dataclass(frozen=True)
class Clash:
    """`person` is booked on `first` and `second` (never cancelled) from `start` to `end` (both inclusive)."""

    person: Membership
    first: Engagement
    second: Engagement
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass
class EngagementCalendar:
    """The engagements on the period (by first day, then reference) and the clashes in it."""

    start: date
    end: date
    engagements: list[Engagement] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)

    def on(self, day: date) -> list[Engagement]:
        """The engagements on `day`."""
        return [e for e in self.engagements if e.calendar_start <= day <= e.calendar_end]  # type: ignore[attr-defined]

    def clashing_on(self, day: date) -> set[Any]:
        """The ids of the engagements in a clash on `day`."""
        return {e.pk for c in self.clashes if c.covers(day) for e in (c.first, c.second)}


def calendar_dates(queryset: QuerySet[Engagement]) -> QuerySet[Any]:
    """Each engagement's days on the calendar: the actual dates when set, else the planned ones (an end never
    before the start)."""
    start = Coalesce("actual_start", "planned_start", output_field=DateField())
    return queryset.annotate(
        calendar_start=start,
        calendar_end=Greatest(Coalesce("actual_end", "planned_end", output_field=DateField()), start),
    )


def engagement_calendar(
    *, body: Body, user: Any, start: date, end: date, person: Membership | None = None
) -> EngagementCalendar:
    """The engagements of `body` that `user` may see (`view_all_engagements`, or the ones granted to them)
    on at least one day from `start` to `end` (inclusive), with their teams; `person` narrows them to that
    person's. The clashes: a person on two non-cancelled engagements whose days overlap, the overlap touching
    the period (of `person` only when given)."""
    granted = engagement_list().for_body(body).granted_to(user)  # type: ignore[attr-defined]
    if person is not None:
        granted = engagement_filter(granted, person=person.user_id)
    queryset = calendar_dates(granted).filter(calendar_start__lte=end, calendar_end__gte=start)
    engagements = list(queryset.order_by("calendar_start", "reference", "id"))
    return EngagementCalendar(
        start=start, end=end, engagements=engagements, clashes=_clashes(engagements, start, end, person)
    )


def _clashes(engagements: list[Engagement], start: date, end: date, person: Membership | None) -> list[Clash]:
    booked: dict[Any, tuple[Membership, list[Engagement]]] = {}
    for engagement in engagements:
        if engagement.status == EngagementStatus.CANCELLED:
            continue
        for member in engagement.team_members:  # type: ignore[attr-defined]
            if person is not None and member.membership_id != person.pk:
                continue
            booked.setdefault(member.membership_id, (member.membership, []))[1].append(engagement)
    clashes = []
    for membership, booked_on in booked.values():
        for first, second in combinations(booked_on, 2):
            overlap_start = max(first.calendar_start, second.calendar_start)  # type: ignore[attr-defined]
            overlap_end = min(first.calendar_end, second.calendar_end)  # type: ignore[attr-defined]
            if overlap_start <= overlap_end and overlap_start <= end and overlap_end >= start:
                clashes.append(Clash(membership, first, second, overlap_start, overlap_end))
    clashes.sort(key=lambda c: (c.start, c.person.user.full_name, c.first.reference, c.second.reference))
    return clashes


def weeks_of(first: date, last: date) -> list[list[date]]:
    """The weeks (Monday to Sunday) covering `first` to `last`."""
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append([monday + timedelta(days=i) for i in range(7)])
        monday += timedelta(days=7)
    return weeks
