"""What the engagement and gate tests share: body A eligible for GHG verification, a project of a client, and
people who pass every gate (competent, undertaking signed, annual and per-engagement declarations cleared)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import timezone, translation

from accounts.models import User
from bodies.models import Body, Membership, Role
from tests.factories import (
    AccreditationFactory,
    CompetenceRecordFactory,
    DeclarationFactory,
    EngagementFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)


@dataclass
class Setup:
    body: Body
    admin: User
    project: Any
    lead: Membership
    auditor: Membership
    reviewer: Membership
    engagement: Any


def person(body: Body, name: str, roles: list[str]) -> Membership:
    user = UserFactory(full_name=name, email=f"{name.lower().replace(' ', '.')}@example.org")
    return MembershipFactory(user=user, body=body, roles=roles, undertaking_signed_on=date(2024, 1, 1))


def competent(membership: Membership, role: str = Role.LEAD_AUDITOR) -> None:
    CompetenceRecordFactory(membership=membership, role=role)


def cleared(membership: Membership, *, project: Any = None, client: Any = None, reviewed_by: User) -> Any:
    """An annual declaration (if none yet) and a reviewed per-engagement declaration with no conflict."""
    if not membership.declarations.filter(kind="annual").exists():
        DeclarationFactory(membership=membership)
    return DeclarationFactory(
        membership=membership,
        kind="engagement",
        project=project,
        client=client,
        status="reviewed",
        review_outcome="no_conflict",
        reviewed_by=reviewed_by,
        reviewed_at=timezone.now(),
    )


@pytest.fixture(name="english")
def english_fixture() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture(name="setup")
def setup_fixture(world, english) -> Setup:  # type: ignore[no-untyped-def]
    return build_setup(world)


def build_setup(world: Any) -> Setup:
    """Body A (accredited for GHG verification), a project, a lead auditor and an auditor who pass every gate,
    an independent reviewer, and a draft verification planned in 30 days."""
    body = world.a.body
    AccreditationFactory(body=body)
    project = ProjectFactory(body=body, registry_number="ICR-T0042")
    lead = person(body, "Lena Lead", [Role.LEAD_AUDITOR])
    auditor = person(body, "Arni Auditor", [Role.AUDITOR])
    reviewer = person(body, "Rosa Reviewer", [Role.INDEPENDENT_REVIEWER])
    competent(lead, Role.LEAD_AUDITOR)
    competent(auditor, Role.AUDITOR)
    for membership in (lead, auditor):
        cleared(membership, project=project, reviewed_by=world.a.admin)
    engagement = EngagementFactory(body=body, project=project, created_by=world.a.admin)
    return Setup(
        body=body,
        admin=world.a.admin,
        project=project,
        lead=lead,
        auditor=auditor,
        reviewer=reviewer,
        engagement=engagement,
    )


def staffed(setup: Setup, *, status: str = "team_proposed") -> Any:
    """The setup's engagement with its lead auditor and auditor on the team, in `status`."""
    from audits.services import team_member_add

    engagement = setup.engagement
    team_member_add(engagement=engagement, actor=setup.admin, membership=setup.lead, role=Role.LEAD_AUDITOR)
    team_member_add(engagement=engagement, actor=setup.admin, membership=setup.auditor, role=Role.AUDITOR)
    type(engagement).objects.filter(pk=engagement.pk).update(status=status)
    engagement.refresh_from_db()
    return engagement


def verification_of(
    body: Body, registry_number: str, start: date, *, status: str = "closed", **kw: Any
) -> Any:
    """An earlier verification of the project by `body` (a project record of that body with the same number)."""
    from clients.models import Project

    project = Project.objects.filter(body=body, registry_number=registry_number).first() or ProjectFactory(
        body=body, registry_number=registry_number
    )
    return EngagementFactory(body=body, project=project, planned_start=start, status=status, **kw)
