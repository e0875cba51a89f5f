"""Nordic Carbon Verification's statement: the validation and verification of the smelter's heat-recovery project,
which the engagements part left under independent review (Einar Þórsson), reviewed in one round of comments and
given a positive opinion by a decision maker who was neither on the team (Gunnar led it) nor the reviewer — Þóra
Hallsdóttir, added to the body for it — with the quantities verified for the monitoring period's vintage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from accounts.models import User
from audits.models import Engagement
from bodies import services as bodies
from bodies.models import Body, Role
from certification.services.numbering import numbering_set

from ...registry import demo_user
from ..audits.steps import NORDIC, NORDIC_ADMIN, member
from .steps import attempt, decide, logger, reviewed

DECIDER = ("thora@nordic-verification.example", "Þóra Hallsdóttir")
STATEMENT_PATTERN = "NCV-VS-{year}-{seq:03d}"


def load_nordic(today: date) -> None:
    body = Body.objects.filter(legal_name=NORDIC).first()
    admin = User.objects.filter(email=NORDIC_ADMIN).first()
    if body is None or admin is None:
        return
    attempt(numbering_set, body=body, kind="statement", pattern=STATEMENT_PATTERN, actor=admin)
    if member(DECIDER[0], body) is None:
        attempt(
            bodies.membership_add,
            body=body,
            user=demo_user(*DECIDER),
            roles=[Role.DECISION_MAKER],
            actor=admin,
        )
    decider = member(DECIDER[0], body)
    engagement = (
        Engagement.objects.filter(body=body, kind="validation_verification", status="under_review")
        .select_related("reviewer__user", "project")
        .order_by("planned_start")
        .first()
    )
    if decider is None or engagement is None or engagement.reviewer is None:
        return
    lead = engagement.team.filter(role=Role.LEAD_AUDITOR).select_related("membership__user").first()
    if lead is None:
        return
    reviewed(
        engagement,
        engagement.reviewer,
        lead.membership.user,
        rounds=[
            (
                "The baseline heat demand of the Reyðarfjörður network is taken from 2019 alone; say why one year "
                "is representative.",
                "Added section 5.3: 2017–2021 demand varied by under 3 %; 2019 is the median year and the "
                "conservative choice.",
            ),
            (
                "The uncertainty of the heat meters at the exchanger outlet is not applied to the reductions.",
                "Applied: the class 2 meters' ±2 % is deducted; the reductions fall by 1,024 tCO₂e.",
            ),
        ],
        conclusion="The validation and verification report is supported: the baseline and the metering "
        "uncertainty are treated conservatively; no CAR or CL is open.",
    )
    monitoring_end = engagement.monitoring_period_end
    decision = decide(
        decider,
        "positive_opinion",
        "The emission reductions of the potline heat recovery are fairly stated, with limited assurance, "
        "within the engagement's materiality; the project design conforms to ICR-M-EE-003.",
        today,
        engagement=engagement,
        quantities=[
            {
                "vintage": monitoring_end.year if monitoring_end else today.year - 1,
                "reductions": Decimal("48250.500"),
                "removals": Decimal("0"),
            }
        ],
    )
    if decision is None:
        logger.warning("demo: no positive opinion on %s", engagement.reference)
