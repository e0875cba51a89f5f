"""Competence expiry and the unsigned undertaking remind the right people, once, on the right days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from bodies.models import Membership, Role
from bodies.services import membership_add, membership_update_details
from competence import services
from reference.models import Standard
from reminders.models import Notification
from reminders.services import deadlines_sweep
from tests.factories import UserFactory, sector

pytestmark = pytest.mark.django_db


def noon(day: date) -> datetime:
    # noon UTC is the same calendar day in Reykjavik (UTC+0), the factories' time zone
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def approved(world):
    membership = Membership.objects.get(body=world.a.body, user=world.a.member)
    record = services.competence_propose(
        membership=membership,
        actor=world.a.admin,
        standard=Standard.objects.get(code="iso-14064-3"),
        sector=sector("ghg", "1"),
        role=Role.AUDITOR,
        basis=["training"],
        valid_until=date(2027, 6, 30),
    )
    return services.competence_approve(record=record, actor=world.a.admin, evaluated_on=timezone.localdate())


def recipients(offset: int) -> list[str]:
    return sorted(
        Notification.objects.filter(kind="competence.expiry", offset_days=offset).values_list(
            "user__email", flat=True
        )
    )


@pytest.mark.parametrize(
    ("day", "offset", "expected"),
    [
        (date(2027, 5, 1), -60, False),  # the day before 60 days ahead of expiry (expiry = 2027-07-01)
        (date(2027, 5, 2), -60, True),  # exactly 60 days before
        (date(2027, 6, 1), -30, True),  # exactly 30 days before
        (date(2027, 6, 30), 0, False),  # the last valid day: not expired yet
        (date(2027, 7, 1), 0, True),  # the first day without the competence
    ],
)
def test_reminder_days(world, approved, day, offset, expected):
    deadlines_sweep(now=noon(day), enqueue_email=False)
    assert bool(recipients(offset)) is expected


def test_person_and_body_admins_get_it_once_and_nobody_else(world, approved):
    deadlines_sweep(now=noon(date(2027, 5, 2)), enqueue_email=False)
    deadlines_sweep(now=noon(date(2027, 5, 3)), enqueue_email=False)  # a later sweep sends nothing new
    assert recipients(-60) == ["admin.a@example.org", "member.a@example.org"]
    assert Notification.objects.filter(kind="competence.expiry").count() == 2


def test_suspended_competence_stops_its_reminders(world, approved):
    services.competence_suspend(record=approved, actor=world.a.admin, reason="Under review")
    deadlines_sweep(now=noon(date(2027, 5, 2)), enqueue_email=False)
    assert recipients(-60) == []


def test_unsigned_undertaking_reminds_the_person_and_admins_until_signed(world):
    # given a new member who has not signed
    person = UserFactory(email="new.auditor@example.org")
    membership = membership_add(body=world.a.body, user=person, roles=[Role.AUDITOR], actor=world.a.admin)
    due = membership.created_at.date() + timedelta(days=14)
    # when the grace period ends
    deadlines_sweep(now=noon(due - timedelta(days=1)), enqueue_email=False)
    assert not Notification.objects.filter(kind="bodies.undertaking_unsigned").exists()
    deadlines_sweep(now=noon(due), enqueue_email=False)
    # then
    assert sorted(
        Notification.objects.filter(kind="bodies.undertaking_unsigned").values_list("user__email", flat=True)
    ) == ["admin.a@example.org", "new.auditor@example.org"]
    # and once signed, no further reminder
    membership_update_details(
        membership=membership, actor=world.a.admin, undertaking_signed_on=timezone.localdate()
    )
    deadlines_sweep(now=noon(due + timedelta(days=7)), enqueue_email=False)
    assert Notification.objects.filter(kind="bodies.undertaking_unsigned").count() == 2
