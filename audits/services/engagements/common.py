"""What the engagement services share: the fields a planner sets, the statuses in which the team is open or
held, the deadline kinds, and the checks every date change runs again."""

from __future__ import annotations

from datetime import date

from reminders.services import deadline_upsert

from ...models import Engagement, EngagementStatus
from ..gates import require_eligible

S = EngagementStatus

#: what a planner sets when creating an engagement
ENGAGEMENT_FIELDS = (
    "kind",
    "client",
    "project",
    "activity",
    "standard",
    "criteria",
    "sector",
    "scope",
    "sites",
    "previous_stage",
    "planned_start",
    "planned_end",
    "mode",
    "level_of_assurance",
    "materiality_percent",
    "monitoring_period_start",
    "monitoring_period_end",
    "internal_notes",
)
#: what a planner may change afterwards (the kind, the client and the project stay)
ENGAGEMENT_UPDATE_FIELDS = (
    "criteria",
    "scope",
    "sites",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "mode",
    "level_of_assurance",
    "materiality_percent",
    "monitoring_period_start",
    "monitoring_period_end",
    "internal_notes",
)
ENGAGEMENT_SNAPSHOT_FIELDS = [
    "reference",
    *ENGAGEMENT_FIELDS,
    "actual_start",
    "actual_end",
    "audit_days",
    "audit_time_justification",
    "reviewer",
]
#: the statuses in which the team may still change
TEAM_OPEN = (S.DRAFT, S.PLANNED, S.TEAM_PROPOSED)
#: the statuses in which the confirmed team's gates are re-run when the dates move
TEAM_HELD = (S.TEAM_CONFIRMED, S.IN_PROGRESS)
#: deadline kinds (declared in audits/deadlines.py)
DECLARATION_DUE = "audits.engagement_declaration"
REPORT_DUE = "audits.report_draft"


def check_eligible(engagement: Engagement) -> None:
    require_eligible(
        body=engagement.body,
        activity=engagement.activity,
        standard=engagement.standard,
        sector=engagement.sector,
        start=engagement.planned_start,
        end=engagement.planned_end,
    )


def move_deadlines(engagement: Engagement) -> None:
    for member in engagement.team.all():
        if member.declaration_id is None:
            deadline_upsert(
                kind=DECLARATION_DUE, subject=member, body=engagement.body, due_on=engagement.planned_start
            )
    if engagement.status == S.IN_PROGRESS:
        deadline_upsert(
            kind=REPORT_DUE, subject=engagement, body=engagement.body, due_on=last_day(engagement)
        )


def last_day(engagement: Engagement) -> date:
    return engagement.actual_end or engagement.planned_end
