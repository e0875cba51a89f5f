"""The sweep benchmark runs, finds work on its first run, none on its second, and leaves nothing behind."""

from __future__ import annotations

import pytest

from accounts.models import User
from bench.reminder_sweep import measure
from bodies.models import Body, Membership
from reminders.models import Deadline, Notification


@pytest.mark.django_db
def test_the_sweep_benchmark_on_2000_deadlines(world):
    # given
    before = (Body.objects.count(), User.objects.count(), Membership.objects.count())

    # when
    result = measure(n=2000)

    # then about 1 % (plus those naturally due today) fired, twice the admins each, and a second run is free
    assert result["deadlines"] == 2000
    assert 15 <= result["first_sweep_deadlines"] <= 60
    assert result["first_sweep_notifications"] == 2 * result["first_sweep_deadlines"]
    assert result["second_sweep_notifications"] == 0
    assert result["first_sweep_seconds"] > 0
    assert (Body.objects.count(), User.objects.count(), Membership.objects.count()) == before
    assert Deadline.objects.count() == 0
    assert Notification.objects.count() == 0
