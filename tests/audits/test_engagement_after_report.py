"""The steps after the report that the certification capability drives: awaiting decision (only the reviewer),
decided (only an independent decision maker), closed (a planner). Each guarded on the current state."""

from __future__ import annotations

import pytest

from audits.services import engagement_await_decision, engagement_close, engagement_decide
from bodies.models.tenants import Role
from core.errors import PermissionDenied, TransitionNotAllowed
from core.models import AuditEvent
from tests.factories import EngagementFactory, MembershipFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement():
    engagement = EngagementFactory(status="under_review")
    engagement.reviewer = MembershipFactory(body=engagement.body, roles=[Role.INDEPENDENT_REVIEWER])
    engagement.save(update_fields=["reviewer"])
    return engagement


def test_only_the_reviewer_sends_it_to_decision(engagement):
    other = MembershipFactory(body=engagement.body, roles=[Role.INDEPENDENT_REVIEWER])
    with pytest.raises(PermissionDenied):
        engagement_await_decision(engagement=engagement, actor=other.user)
    engagement.refresh_from_db()
    assert engagement.status == "under_review"

    engagement_await_decision(engagement=engagement, actor=engagement.reviewer.user)
    engagement.refresh_from_db()
    assert engagement.status == "awaiting_decision"
    assert AuditEvent.objects.filter(action="audits.engagement.review_completed").count() == 1


@pytest.mark.parametrize("who", ["team", "reviewer", "no_role"])
def test_a_decision_maker_on_the_team_the_reviewer_or_without_the_role_is_refused(engagement, who):
    engagement.status = "awaiting_decision"
    engagement.save(update_fields=["status"])
    if who == "team":
        actor = MembershipFactory(body=engagement.body, roles=[Role.DECISION_MAKER, Role.AUDITOR])
        TeamMemberFactory(engagement=engagement, membership=actor)
        user = actor.user
    elif who == "reviewer":
        engagement.reviewer.roles = [Role.INDEPENDENT_REVIEWER, Role.DECISION_MAKER]
        engagement.reviewer.save(update_fields=["roles"])
        user = engagement.reviewer.user
    else:
        user = MembershipFactory(body=engagement.body, roles=[Role.AUDITOR]).user
    with pytest.raises(PermissionDenied):
        engagement_decide(engagement=engagement, actor=user)
    engagement.refresh_from_db()
    assert engagement.status == "awaiting_decision"


def test_an_independent_decision_maker_decides_then_a_planner_closes(engagement):
    decider = MembershipFactory(body=engagement.body, roles=[Role.DECISION_MAKER])
    with pytest.raises(TransitionNotAllowed):  # still under review
        engagement_decide(engagement=engagement, actor=decider.user)
    engagement_await_decision(engagement=engagement, actor=engagement.reviewer.user)
    engagement_decide(engagement=engagement, actor=decider.user)
    planner = MembershipFactory(body=engagement.body, roles=[Role.BODY_ADMIN])
    engagement_close(engagement=engagement, actor=planner.user)
    engagement.refresh_from_db()
    assert engagement.status == "closed"
