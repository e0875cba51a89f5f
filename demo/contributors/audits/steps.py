"""The steps the engagements part takes, each through the services as the planner or the person would: a refusal
(a gate, a state) leaves everything as it was."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction

from accounts.models import User
from audits import services as audits
from audits.models import Engagement
from bodies.models import Body, Membership
from clients import services as clients
from clients.models import Client
from core.errors import TransitionNotAllowed, ValidationError
from impartiality import services as impartiality
from reference.models import Sector

NORDIC = "Nordic Carbon Verification ehf."
BALTIC = "Baltic Management Systems Certification OÜ"
NORDIC_ADMIN = "admin@nordic-verification.example"
BALTIC_ADMIN = "admin@baltic-certification.example"
FREELANCER = "freelance.auditor@example.org"


def member(email: str, body: Body) -> Membership | None:
    return Membership.objects.select_related("user", "body").filter(user__email=email, body=body).first()


def sector(scheme: str, code: str) -> Sector:
    return Sector.objects.get(scheme=scheme, code=code, is_current=True)


def attempt(step: Any, *args: Any, **kwargs: Any) -> Any:
    """One step in a savepoint: a refusal (a gate, a state) leaves everything as it was and returns None."""
    try:
        with transaction.atomic():
            return step(*args, **kwargs)
    except (ValidationError, TransitionNotAllowed):
        return None


def cleared(membership: Membership, reviewer: User, *, client: Any = None, project: Any = None) -> None:
    """The person declares their interests for this client or project; the administrator reviews it."""
    draft = impartiality.declaration_start(
        membership=membership, actor=membership.user, kind="engagement", client=client, project=project
    )
    submitted = impartiality.declaration_submit(declaration=draft, actor=membership.user, attest=True)
    impartiality.declaration_review(
        declaration=submitted, actor=reviewer, outcome="no_conflict", measures="", notes=""
    )


def draft_engagement(body: Body, admin: User, fields: dict[str, Any]) -> Engagement | None:
    return attempt(audits.engagement_create, body=body, actor=admin, fields=fields)  # type: ignore[no-any-return]


def assign(engagement: Engagement, admin: User, members: Sequence[tuple[Membership, str]]) -> None:
    for membership, role in members:
        attempt(audits.team_member_add, engagement=engagement, actor=admin, membership=membership, role=role)


def walk(
    engagement: Engagement,
    admin: User,
    lead: User | None,
    steps: list[str],
    *,
    reviewer: Membership | None = None,
) -> None:
    """Moves the engagement through `steps` (stopping at the first refusal)."""
    services = {
        "plan": lambda: audits.engagement_plan(engagement=engagement, actor=admin),
        "propose_team": lambda: audits.engagement_propose_team(engagement=engagement, actor=admin),
        "confirm_team": lambda: audits.engagement_confirm_team(engagement=engagement, actor=admin),
        "start": lambda: audits.engagement_start(engagement=engagement, actor=lead or admin),
        "draft_report": lambda: audits.engagement_draft_report(engagement=engagement, actor=lead or admin),
        "send_to_review": lambda: audits.engagement_send_to_review(
            engagement=engagement,
            actor=admin,
            reviewer=reviewer,  # type: ignore[arg-type]
        ),
        "cancel": lambda: audits.engagement_cancel(
            engagement=engagement, actor=admin, reason="The proponent postponed the verification by a year."
        ),
    }
    for step in steps:
        if attempt(services[step]) is None:
            return


def held(engagement: Engagement, admin: User, *, until: date | None = None) -> None:
    """The planner records when the fieldwork actually happened: from its planned start (to `until`), where
    starting it in the demo recorded the day the demo was loaded."""
    fields: dict[str, Any] = {"actual_start": engagement.planned_start}
    if until is not None:
        fields["actual_end"] = until
    attempt(audits.engagement_update, engagement=engagement, actor=admin, fields=fields)


def new_client(
    body: Body, admin: User, fields: dict[str, Any], in_sector: Sector, site: dict[str, Any]
) -> Client | None:
    """A client of one site (its central function) in one sector."""
    client = attempt(clients.client_create, body=body, actor=admin, fields=fields, sectors=[in_sector])
    if client is not None:
        attempt(clients.site_create, client=client, actor=admin, fields={**site, "is_central_function": True})
    return client  # type: ignore[no-any-return]
