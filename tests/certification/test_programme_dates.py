"""The programme's date rules (certification.services.programme), pure functions: expiry, the surveillances and
recertification of a cycle, the last day of a restore — each at its boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from certification.services.programme import (
    expiry_for,
    programme_dates,
    recertified_expiry,
    restore_deadline,
)


def _dates(decided: date) -> list[tuple[str, int, date, date]]:
    return [
        (d.kind, d.sequence, d.window_from, d.due_on) for d in programme_dates(decided, expiry_for(decided))
    ]


@pytest.mark.parametrize(
    ("decided", "expires"),
    [
        (date(2026, 3, 15), date(2029, 3, 14)),
        (date(2026, 1, 1), date(2028, 12, 31)),
        (date(2026, 12, 31), date(2029, 12, 30)),
        # 29 February: the anniversary in a common year is 1 March, so the last valid day is 28 February
        (date(2024, 2, 29), date(2027, 2, 28)),
        (date(2024, 2, 28), date(2027, 2, 27)),
        (date(2024, 3, 1), date(2027, 2, 28)),
        # a decision on 29 February 2028 (leap) into 2031
        (date(2028, 2, 29), date(2031, 2, 28)),
    ],
)
def test_expiry_is_the_day_before_the_third_anniversary(decided: date, expires: date) -> None:
    assert expiry_for(decided) == expires


def test_expiry_is_never_later_than_the_anniversary() -> None:
    # every decision day of a leap year: the last valid day comes before the third anniversary, and the day
    # after it is that anniversary (1 March for 29 February)
    day = date(2024, 1, 1)
    while day.year == 2024:
        expires = expiry_for(day)
        clamped_anniversary = day + relativedelta(years=3)
        assert expires <= clamped_anniversary
        assert expires + timedelta(days=1) == (
            date(2027, 3, 1) if (day.month, day.day) == (2, 29) else clamped_anniversary
        )
        day += timedelta(days=1)


def test_expiry_follows_the_validity_setting(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CERTIFICATE_VALIDITY_YEARS = 2
    assert expiry_for(date(2026, 3, 15)) == date(2028, 3, 14)


def test_a_mid_year_decision_has_two_surveillances_twelve_months_apart() -> None:
    assert _dates(date(2026, 3, 15)) == [
        ("surveillance", 1, date(2026, 3, 15), date(2027, 3, 15)),
        ("surveillance", 2, date(2027, 3, 16), date(2028, 3, 15)),
        ("recertification", 1, date(2028, 3, 16), date(2029, 3, 14)),
    ]


def test_the_first_surveillance_is_due_twelve_months_after_the_decision_day_before_of_after() -> None:
    # the day before, of and after: each decision's first surveillance follows it by exactly 12 months
    assert _dates(date(2026, 6, 29))[0][3] == date(2027, 6, 29)
    assert _dates(date(2026, 6, 30))[0][3] == date(2027, 6, 30)
    assert _dates(date(2026, 7, 1))[0][3] == date(2027, 7, 1)


def test_a_decision_on_1_january() -> None:
    # expires on 31 December two years on: 2028 is the recertification year; both surveillances stay
    assert _dates(date(2026, 1, 1)) == [
        ("surveillance", 1, date(2026, 1, 1), date(2027, 1, 1)),
        ("surveillance", 2, date(2027, 1, 2), date(2028, 1, 1)),
        ("recertification", 1, date(2028, 1, 2), date(2028, 12, 31)),
    ]


def test_a_decision_on_31_december() -> None:
    assert _dates(date(2026, 12, 31)) == [
        ("surveillance", 1, date(2026, 12, 31), date(2027, 12, 31)),
        ("surveillance", 2, date(2028, 1, 1), date(2028, 12, 31)),
        ("recertification", 1, date(2029, 1, 1), date(2029, 12, 30)),
    ]


def test_a_decision_on_29_february() -> None:
    # 12 months after 29 February is 28 February of the common year (never later)
    assert _dates(date(2024, 2, 29)) == [
        ("surveillance", 1, date(2024, 2, 29), date(2025, 2, 28)),
        ("surveillance", 2, date(2025, 3, 1), date(2026, 2, 28)),
        ("recertification", 1, date(2026, 3, 1), date(2027, 2, 28)),
    ]


def test_every_calendar_year_outside_the_recertification_year_has_a_surveillance_due() -> None:
    day = date(2023, 12, 25)
    while day < date(2025, 1, 10):
        expires = expiry_for(day)
        dates = programme_dates(day, expires)
        surveillance_years = {d.due_on.year for d in dates if d.kind == "surveillance"}
        assert set(range(day.year + 1, expires.year)) <= surveillance_years, day
        assert dates[0].due_on == day + relativedelta(months=12)
        assert all(d.window_from <= d.due_on for d in dates)
        assert dates[-1].due_on == expires
        day += timedelta(days=1)


def test_a_recertification_decided_early_gets_a_surveillance_in_each_year_before_the_next_expiry() -> None:
    # recertified on 1 September 2028, six months before the old expiry (14 March 2029): valid until 14 March 2032
    expires = recertified_expiry(date(2029, 3, 14))
    assert expires == date(2032, 3, 14)
    dates = programme_dates(date(2028, 9, 1), expires)
    assert [(d.kind, d.due_on) for d in dates] == [
        ("surveillance", date(2029, 9, 1)),
        ("surveillance", date(2030, 9, 1)),
        ("surveillance", date(2031, 9, 1)),
        ("recertification", date(2032, 3, 14)),
    ]


def test_recertification_continues_from_the_old_expiry() -> None:
    assert recertified_expiry(date(2029, 3, 14)) == date(2032, 3, 14)
    # a 29 February expiry continues to 28 February (never past the anniversary)
    assert recertified_expiry(date(2028, 2, 29)) == date(2031, 2, 28)


@pytest.mark.parametrize(
    ("expires", "last_day"),
    [
        (date(2029, 3, 14), date(2029, 9, 14)),
        (date(2029, 8, 31), date(2030, 2, 28)),
        (date(2027, 8, 31), date(2028, 2, 29)),
        (date(2028, 12, 31), date(2029, 6, 30)),
    ],
)
def test_the_last_day_a_restore_is_allowed(expires: date, last_day: date) -> None:
    assert restore_deadline(expires) == last_day
