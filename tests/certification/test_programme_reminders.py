"""Reminders of the programme and the certificate (certification/deadlines.py through the reminders engine):
surveillance and recertification due (90 and 30 days before, overdue) to the planners, the certificate's expiry,
the suspension's ageing to the decision makers and administrators — each once, none once the date is done."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from certification.models import Certificate, Decision, ProgrammeDue
from certification.services.certificates import certificate_apply, certificate_issue
from reminders.models import Deadline, Notification
from reminders.services import deadlines_sweep
from tests.factories import EngagementFactory, MembershipFactory, Role, ms_engagement_kwargs

pytestmark = pytest.mark.django_db


def sweep(day: date) -> None:
    deadlines_sweep(now=timezone.make_aware(datetime.combine(day, time(12, 0))), enqueue_email=False)


@pytest.fixture
def issued(world):  # type: ignore[no-untyped-def]
    body = world.a.body
    engagement = EngagementFactory(
        body=body, status="awaiting_decision", **ms_engagement_kwargs(body, "stage_2")
    )
    decider = MembershipFactory(body=body, roles=[Role.DECISION_MAKER])
    decision = Decision.objects.create(
        body=body,
        kind="grant",
        engagement=engagement,
        rationale="r",
        decided_on=date(2026, 3, 15),
        decided_by=decider,
    )
    certificate = certificate_issue(decision=decision, actor=decider.user)
    return certificate, decider, world.a.admin


def told(kind: str) -> list[tuple[str, int | None]]:
    return list(
        Notification.objects.filter(kind=kind)
        .order_by("created_at")
        .values_list("user__email", "offset_days")
    )


def test_a_surveillance_is_reminded_90_and_30_days_before_and_overdue_once_each(issued):
    certificate, _decider, admin = issued
    due = ProgrammeDue.objects.get(certificate=certificate, kind="surveillance", sequence=1)
    assert due.due_on == date(2027, 3, 15)
    sweep(date(2026, 12, 14))  # 91 days before: nothing yet
    assert told("certification.surveillance_due") == []
    sweep(date(2026, 12, 15))  # 90 days before
    sweep(date(2026, 12, 15))  # twice: nothing new
    assert told("certification.surveillance_due") == [(admin.email, -90)]
    sweep(date(2027, 2, 13))  # 30 days before
    sweep(date(2027, 3, 16))  # overdue
    assert told("certification.surveillance_due") == [
        (admin.email, -90),
        (admin.email, -30),
        (admin.email, 1),
    ]
    overdue = Notification.objects.get(kind="certification.surveillance_due", offset_days=1)
    assert "overdue" in overdue.title and certificate.number in overdue.title


def test_a_done_surveillance_is_not_reminded(issued):
    certificate, decider, _admin = issued
    surveillance = EngagementFactory(
        body=certificate.body,
        status="awaiting_decision",
        **ms_engagement_kwargs(certificate.body, "surveillance", client=certificate.client),
    )
    certificate_apply(
        decision=Decision.objects.create(
            body=certificate.body,
            kind="maintain",
            engagement=surveillance,
            rationale="r",
            decided_on=date(2026, 11, 1),
            decided_by=decider,
        ),
        actor=decider.user,
    )
    sweep(date(2026, 12, 15))
    assert told("certification.surveillance_due") == []


def test_the_recertification_and_the_expiry_are_reminded(issued):
    _certificate, _decider, admin = issued
    assert Deadline.objects.get(kind="certification.recertification_due").due_on == date(2029, 3, 14)
    assert Deadline.objects.get(kind="certification.certificate_expiry").due_on == date(2029, 3, 14)
    sweep(date(2028, 12, 14))  # 90 days before the last valid day
    assert told("certification.recertification_due") == [(admin.email, -90)]
    assert told("certification.certificate_expiry") == [(admin.email, -90)]
    expiry = Notification.objects.get(kind="certification.certificate_expiry")
    assert "90 days" in expiry.title


def test_a_suspension_ageing_is_reminded_to_decision_makers_and_administrators_until_reinstated(issued):
    certificate, decider, admin = issued
    certificate_apply(
        decision=Decision.objects.create(
            body=certificate.body,
            kind="suspend",
            certificate=certificate,
            rationale="r",
            decided_on=date(2026, 7, 1),
            decided_by=decider,
        ),
        actor=decider.user,
    )
    assert Deadline.objects.get(kind="certification.suspension_ageing").due_on == date(2027, 1, 1)
    sweep(date(2026, 12, 2))  # 30 days before the six months
    assert sorted(told("certification.suspension_ageing")) == sorted(
        [(decider.user.email, -30), (admin.email, -30)]
    )
    certificate_apply(
        decision=Decision.objects.create(
            body=certificate.body,
            kind="reinstate",
            certificate=certificate,
            rationale="r",
            decided_on=date(2026, 12, 10),
            decided_by=decider,
        ),
        actor=decider.user,
    )
    sweep(date(2027, 1, 1))
    assert len(told("certification.suspension_ageing")) == 2


def test_a_withdrawn_certificate_is_no_longer_reminded(issued):
    certificate, _decider, _admin = issued
    Certificate.objects.filter(pk=certificate.pk).update(status="withdrawn")
    sweep(date(2028, 12, 14))
    assert told("certification.certificate_expiry") == []
    assert told("certification.recertification_due") == []
