"""The findings part of the demo, on engagements like the engagements part makes: every state, a response
rejected then accepted, a FAR carried over from the previous verification of the project."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from audits.models import Finding, FindingResponse
from bodies.models import Role
from demo.contributors.audits_findings import load
from demo.registry import DemoContext
from tests.factories import ClientUserFactory, EngagementFactory, MembershipFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


def test_the_demo_findings_cover_every_state_and_a_carried_far(world):
    lead = MembershipFactory(body=world.a.body)
    current = EngagementFactory(
        body=world.a.body,
        status="in_progress",
        planned_start=date(2026, 11, 2),
        planned_end=date(2026, 11, 4),
    )
    earlier = EngagementFactory(
        body=world.a.body,
        project=current.project,
        client=current.client,
        status="report_drafted",
        planned_start=date(2025, 11, 3),
        planned_end=date(2025, 11, 5),
    )
    for engagement in (current, earlier):
        TeamMemberFactory(engagement=engagement, membership=lead, role=Role.LEAD_AUDITOR)
    ClientUserFactory(client=current.client)
    following = EngagementFactory(
        body=world.a.body,
        project=current.project,
        client=current.client,
        status="draft",
        planned_start=date(2027, 11, 1),
        planned_end=date(2027, 11, 3),
    )

    load(DemoContext(today=timezone.localdate()))

    statuses = sorted(current.findings.values_list("status", flat=True))
    assert set(statuses) == {"open", "response_submitted", "accepted", "verified", "closed"}
    car = current.findings.get(kind="car", status="closed")
    assert list(car.responses.values_list("version", "outcome")) == [(1, "rejected"), (2, "accepted")]
    assert car.rounds == 1
    carried = current.findings.get(carried_from__isnull=False)
    assert (carried.kind, carried.carried_from.engagement) == ("far", earlier)
    assert FindingResponse.objects.filter(outcome="").count() == 1
    assert Finding.objects.filter(engagement=current).count() == 8
    # both of the current verification's open FARs (its own and the one it carried) go to the next period
    next_period = following.findings.order_by("number")
    assert [(f.kind, f.carried_from.engagement, f.status) for f in next_period] == [
        ("far", current, "open")
    ] * 2
