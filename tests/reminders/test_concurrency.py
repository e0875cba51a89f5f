"""Two sweeps at once share the work: a deadline another sweep holds is skipped, not waited for or repeated."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from reminders.models import Deadline, Notification
from reminders.services import SweepResult, deadlines_sweep

from .conftest import before, noon_utc, watch


@pytest.mark.django_db(transaction=True)
def test_a_sweep_skips_the_deadlines_another_sweep_has_locked(world):
    # given a due deadline that another sweep holds locked
    deadline = watch(world.a.body)
    locked, release = threading.Event(), threading.Event()

    def other_sweep() -> None:
        try:
            with transaction.atomic():
                Deadline.objects.select_for_update().get(pk=deadline.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=other_sweep)
    holder.start()
    assert locked.wait(10)

    # when this sweep runs meanwhile, and again once the other let go
    try:
        meanwhile = deadlines_sweep(now=noon_utc(before(90)), enqueue_email=False)
    finally:
        release.set()
        holder.join(10)
    afterwards = deadlines_sweep(now=noon_utc(before(90)), enqueue_email=False)

    # then it did not wait and did not notify; the row was handled once, later
    assert meanwhile == SweepResult(deadlines=0, notifications=0)
    assert afterwards == SweepResult(deadlines=1, notifications=1)
    assert Notification.objects.filter(deadline=deadline).count() == 1
