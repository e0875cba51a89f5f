"""The demo's impartiality registers and committees: every approved demo body has a register of six risks across
the four threats with exactly one overdue, and two committee meetings with attendees, risks reviewed,
conclusions and actions (one done, one open); the registry's own register has three risks, one overdue."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from bodies.models import Body
from demo import registry
from impartiality.models import CommitteeAction, CommitteeMeeting, RegistryRisk, Risk
from impartiality.services import register_today, risk_is_overdue
from reminders.models import Deadline

BODIES = ["Baltic MSC", "Nordic CV"]


def test_the_register_part_loads_after_clients_and_competence() -> None:
    keys = [part.key for part in registry.all_contributors()]
    assert keys.index("impartiality_register") > max(keys.index("clients"), keys.index("competence"))


@pytest.mark.django_db
def test_the_demo_registers_and_committees(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())

    for short_name in BODIES:
        body = Body.objects.get(short_name=short_name)
        risks = list(Risk.objects.filter(body=body))
        assert 5 <= len(risks) <= 7
        assert {risk.threat for risk in risks} == {
            "self_interest",
            "self_review",
            "familiarity",
            "intimidation",
        }
        today = register_today(body)
        overdue = [risk for risk in risks if risk_is_overdue(risk, today=today)]
        assert [risk.threat for risk in overdue] == ["familiarity"]
        assert (
            Deadline.objects.get(subject_id=str(overdue[0].pk), kind="impartiality.risk_review").closed_at
            is None
        )

        meetings = list(CommitteeMeeting.objects.filter(body=body).order_by("held_on"))
        assert len(meetings) == 2
        assert all(meeting.attendees.exists() and meeting.conclusions for meeting in meetings)
        assert [meeting.risks_reviewed.count() for meeting in meetings] == [1, 3]
        statuses = sorted(CommitteeAction.objects.filter(body=body).values_list("status", flat=True))
        assert statuses == ["done", "open"]

    assert RegistryRisk.objects.count() == 3
    # one of the registry's own risks is past its review date, so the registry home's queue shows it
    from core import registry_home

    queue = registry_home.HOME.get("impartiality.registry_risks")
    state = queue.state(today=registry_home.registry_today(), limit=registry_home.ROWS)
    assert state.count == 1
    assert [row.label for row in state.rows] == ["Registry fees paid by the bodies it approves"]
