"""Calendar days as people where a body is see them: today in a time zone, and how many days until a date.

Deadlines, expiry dates and "in N days" texts all count from here (or from the active time zone, which
`core.middleware.BodyTimeZoneMiddleware` sets to the active body's zone for each portal request), so a page, a
notification and a PDF agree on the count.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone


def zone_named(name: str | None) -> ZoneInfo:
    """The zone of that name; UTC when the name is empty or unknown (a stored zone can outlive its tzdata)."""
    if name:
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError):
            pass
    return ZoneInfo("UTC")


def today_in(zone_name: str | None = None) -> date:
    """Today's date in the named zone, or in the active time zone when no zone is named."""
    if zone_name is None:
        return timezone.localdate()
    return timezone.now().astimezone(zone_named(zone_name)).date()


def days_from_today(day: date, zone_name: str | None = None, *, today: date | None = None) -> int:
    """Whole days from today to `day`: 0 when it is today, 1 tomorrow, -1 yesterday."""
    return (day - (today or today_in(zone_name))).days
