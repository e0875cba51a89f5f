"""Helpers for the reminders tests: a fixed due date far from today, and instants to sweep at."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bodies.deadlines import ACCREDITATION_EXPIRY
from reminders.models import Deadline
from reminders.services import deadline_upsert
from tests.factories import AccreditationFactory

DUE = date(2030, 3, 1)


def noon_utc(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def before(days: int) -> date:
    return DUE - timedelta(days=days)


def watch(body, due_on: date = DUE, **accreditation) -> Deadline:  # type: ignore[no-untyped-def]
    """An accreditation of `body` whose expiry is watched (what bodies.services does on create)."""
    subject = AccreditationFactory(body=body, **accreditation)
    return deadline_upsert(kind=ACCREDITATION_EXPIRY, subject=subject, body=body, due_on=due_on)


@pytest.fixture(autouse=True)
def _offsets(settings):  # type: ignore[no-untyped-def]
    settings.ACCREDITATION_REMINDER_OFFSETS = [-90, -30, 0]
    settings.SITE_URL = "https://conformity.icr.example"
