"""The demo's engagements of every kind in a spread of states, with their teams (H9).

Everything goes through the services, by the body's administrator (the planner) and the people themselves (their
per-engagement declarations, reviewed by the administrator), so every team that is confirmed passed every gate:

- Nordic Carbon Verification: a GHG verification of a Reykjanes Geothermal Power project in fieldwork (the
  freelance lead auditor's expired annual declaration overridden by the administrator for it, with a written
  justification; Helga auditor), a GHG validation of the Latvian afforestation project with its team confirmed
  (Gunnar), a draft verification of the next period, and a cancelled one;
- Baltic Management Systems Certification: a stage 1 audit of Kauno Aliuminio Profiliai with its report drafted,
  the stage 2 that follows it planned with its team proposed, and a surveillance audit of a multi-site client with
  the IAF MD 1 sample and the IAF MD 5 audit time stored.

A step a gate refuses leaves its engagement where it was (the demo still loads, and shows it).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction

from accounts.models import User
from audits import services as audits
from audits.audit_time import audit_time
from audits.models import Engagement
from audits.sampling import sample_size
from bodies.models import Body, Membership, Role
from clients import services as clients
from clients.models import Client, Project
from core.errors import TransitionNotAllowed, ValidationError
from impartiality import services as impartiality
from reference.models import Activity, Sector, Standard

from ..registry import Contributor, DemoContext, register

NORDIC = "Nordic Carbon Verification ehf."
BALTIC = "Baltic Management Systems Certification OÜ"
NORDIC_ADMIN = "admin@nordic-verification.example"
BALTIC_ADMIN = "admin@baltic-certification.example"
FREELANCER = "freelance.auditor@example.org"


def _membership(email: str, body: Body) -> Membership | None:
    return Membership.objects.select_related("user", "body").filter(user__email=email, body=body).first()


def _sector(scheme: str, code: str) -> Sector:
    return Sector.objects.get(scheme=scheme, code=code, is_current=True)


def _attempt(step: Any, *args: Any, **kwargs: Any) -> Any:
    """One step in a savepoint: a refusal (a gate, a state) leaves everything as it was and returns None."""
    try:
        with transaction.atomic():
            return step(*args, **kwargs)
    except (ValidationError, TransitionNotAllowed):
        return None


def _cleared(membership: Membership, reviewer: User, *, client: Any = None, project: Any = None) -> None:
    """The person declares their interests for this client or project; the administrator reviews it."""
    draft = impartiality.declaration_start(
        membership=membership, actor=membership.user, kind="engagement", client=client, project=project
    )
    submitted = impartiality.declaration_submit(declaration=draft, actor=membership.user, attest=True)
    impartiality.declaration_review(
        declaration=submitted, actor=reviewer, outcome="no_conflict", measures="", notes=""
    )


def _engagement(body: Body, admin: User, fields: dict[str, Any]) -> Engagement | None:
    return _attempt(audits.engagement_create, body=body, actor=admin, fields=fields)  # type: ignore[no-any-return]


def _team(engagement: Engagement, admin: User, members: list[tuple[Membership, str]]) -> None:
    for membership, role in members:
        _attempt(audits.team_member_add, engagement=engagement, actor=admin, membership=membership, role=role)


def _walk(engagement: Engagement, admin: User, lead: User | None, steps: list[str]) -> None:
    """Moves the engagement through `steps` (stopping at the first refusal)."""
    services = {
        "plan": lambda: audits.engagement_plan(engagement=engagement, actor=admin),
        "propose_team": lambda: audits.engagement_propose_team(engagement=engagement, actor=admin),
        "confirm_team": lambda: audits.engagement_confirm_team(engagement=engagement, actor=admin),
        "start": lambda: audits.engagement_start(engagement=engagement, actor=lead or admin),
        "draft_report": lambda: audits.engagement_draft_report(engagement=engagement, actor=lead or admin),
        "cancel": lambda: audits.engagement_cancel(
            engagement=engagement, actor=admin, reason="The proponent postponed the verification by a year."
        ),
    }
    for step in steps:
        if _attempt(services[step]) is None:
            return


def _nordic(today: date) -> None:
    body = Body.objects.filter(legal_name=NORDIC).first()
    admin = User.objects.filter(email=NORDIC_ADMIN).first()
    if body is None or admin is None:
        return
    reykjanes = Client.objects.filter(body=body, legal_name="Reykjanes Geothermal Power hf.").first()
    helga = _membership("helga@nordic-verification.example", body)
    gunnar = _membership("gunnar@nordic-verification.example", body)
    freelancer = _membership(FREELANCER, body)
    verification = Activity.objects.get(code="verification")
    iso_14064_3 = Standard.objects.get(code="iso-14064-3")
    last_year = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)

    # a GHG verification of a Reykjanes project in fieldwork
    if reykjanes is not None and helga is not None and freelancer is not None:
        project = _attempt(
            clients.project_create,
            body=body,
            actor=admin,
            fields={
                "registry_number": "ICR-00063",
                "name": "Hellisheiði steam-field efficiency upgrade",
                "methodology": "ICR-M-GEO-001 Efficiency improvement in geothermal power generation",
                "sector": _sector("ghg", "1"),
                "country": "IS",
                "proponent": reykjanes,
                "crediting_period_start": last_year[0],
                "crediting_period_end": last_year[0] + relativedelta(years=10) - timedelta(days=1),
                "monitoring_period_start": last_year[0],
                "monitoring_period_end": last_year[1],
            },
        )
        if project is None:
            project = Project.objects.filter(body=body, registry_number="ICR-00063").first()
        ghg = {
            "kind": "verification",
            "client": reykjanes,
            "project": project,
            "activity": verification,
            "standard": iso_14064_3,
            "sector": _sector("ghg", "1"),
            "criteria": "ICR Programme Rules v3; ICR-M-GEO-001",
            "scope": "GHG emission reductions of the Hellisheiði steam-field efficiency upgrade, "
            f"monitoring period 1 January to 31 December {today.year - 1}",
            "level_of_assurance": "reasonable",
            "monitoring_period_start": last_year[0],
            "monitoring_period_end": last_year[1],
        }
        fieldwork = _engagement(
            body,
            admin,
            {**ghg, "planned_start": today - timedelta(days=3), "planned_end": today + timedelta(days=2)},
        )
        if fieldwork is not None:
            for membership in (freelancer, helga):
                _attempt(_cleared, membership, admin, project=project)
            # the freelancer's annual declaration ran out; the administrator allows this engagement in writing
            _attempt(
                impartiality.conflict_override,
                actor=admin,
                membership=freelancer,
                project=project,
                rule="annual_declaration_expired",
                starts_on=fieldwork.planned_start,
                ends_on=fieldwork.planned_end,
                justification="The renewed annual declaration was received by post and is being entered; "
                "nothing in it concerns Reykjanes Geothermal Power.",
            )
            _attempt(
                audits.engagement_set_audit_time,
                engagement=fieldwork,
                actor=admin,
                days="4",
                justification="No IAF MD 5 table applies to GHG verification: two auditors for two days, one "
                "day on site at Hellisheiði and one for the data review.",
            )
            _team(fieldwork, admin, [(freelancer, Role.LEAD_AUDITOR), (helga, Role.AUDITOR)])
            _walk(fieldwork, admin, freelancer.user, ["plan", "propose_team", "confirm_team", "start"])
        # the next period's verification, a draft; and one the proponent postponed
        _engagement(
            body,
            admin,
            {**ghg, "planned_start": today + timedelta(days=70), "planned_end": today + timedelta(days=72)},
        )
        postponed = _engagement(
            body,
            admin,
            {**ghg, "planned_start": today + timedelta(days=40), "planned_end": today + timedelta(days=41)},
        )
        if postponed is not None:
            _walk(postponed, admin, None, ["plan", "cancel"])

    # a GHG validation of the Latvian afforestation project, its team confirmed
    latvian = Project.objects.filter(body=body, registry_number="ICR-00042").first()
    if latvian is not None and gunnar is not None:
        validation = _engagement(
            body,
            admin,
            {
                "kind": "validation",
                "client": latvian.proponent,
                "project": latvian,
                "activity": Activity.objects.get(code="validation"),
                "standard": Standard.objects.get(code="iso-14064-2"),
                "sector": _sector("ghg", "14"),
                "criteria": "ICR Programme Rules v3; ICR-M-ARR-002",
                "scope": "Validation of the project design document of the Vidzeme afforestation project",
                "mode": "hybrid",
                "planned_start": today + timedelta(days=20),
                "planned_end": today + timedelta(days=22),
                "monitoring_period_start": None,
                "monitoring_period_end": None,
            },
        )
        if validation is not None:
            _attempt(_cleared, gunnar, admin, project=latvian)
            _team(validation, admin, [(gunnar, Role.LEAD_AUDITOR)])
            _walk(validation, admin, gunnar.user, ["plan", "propose_team", "confirm_team"])


def _baltic(today: date) -> None:
    body = Body.objects.filter(legal_name=BALTIC).first()
    admin = User.objects.filter(email=BALTIC_ADMIN).first()
    if body is None or admin is None:
        return
    kadri = _membership("kadri@baltic-certification.example", body)
    kap = Client.objects.filter(body=body, legal_name="Kauno Aliuminio Profiliai UAB").first()
    if kadri is None or kap is None:
        return
    certification = Activity.objects.get(code="certification")
    iso_14001 = Standard.objects.get(code="iso-14001")
    base = {
        "client": kap,
        "activity": certification,
        "standard": iso_14001,
        "sector": _sector("iaf", "17"),
        "scope": "Extrusion, anodising and powder coating of aluminium profiles",
    }
    _attempt(_cleared, kadri, admin, client=kap)
    # Peeter has no annual declaration (the impartiality part's example of one missing): not on these teams
    team = [(kadri, Role.LEAD_AUDITOR)]

    # stage 1, its report drafted; stage 2 planned, its team proposed
    stage_1 = _engagement(
        body,
        admin,
        {
            **base,
            "kind": "stage_1",
            "mode": "remote",
            "planned_start": today - timedelta(days=30),
            "planned_end": today - timedelta(days=30),
        },
    )
    if stage_1 is not None:
        _team(stage_1, admin, team)
        _walk(stage_1, admin, kadri.user, ["plan", "propose_team", "confirm_team", "start", "draft_report"])
        stage_2 = _engagement(
            body,
            admin,
            {
                **base,
                "kind": "stage_2",
                "previous_stage": stage_1,
                "planned_start": today + timedelta(days=15),
                "planned_end": today + timedelta(days=17),
            },
        )
        if stage_2 is not None:
            _team(stage_2, admin, team)
            _walk(stage_2, admin, kadri.user, ["plan", "propose_team"])

    # a multi-site client's surveillance audit, with its sample and its audit time
    multi = _attempt(
        clients.client_create,
        body=body,
        actor=admin,
        fields={
            "legal_name": "Baltijos Metalo Konstrukcijos UAB",
            "short_name": "BMK",
            "kind": Client.Kind.ORGANISATION,
            "country": "LT",
            "registration_number": "304112233",
            "address": "Savanorių pr. 180\nLT-03154 Vilnius\nLithuania",
            "contact_name": "Rasa Petrauskienė",
            "contact_email": "rasa@bmk.example",
            "effective_personnel": 240,
        },
        sectors=[_sector("iaf", "17")],
    )
    if multi is None:
        return
    sites = [
        ("Vilnius head office and welding shop", 80, True),
        ("Kaunas fabrication plant", 50, False),
        ("Klaipėda fabrication plant", 40, False),
        ("Šiauliai assembly plant", 30, False),
        ("Panevėžys assembly plant", 20, False),
        ("Alytus paint shop", 20, False),
    ]
    made = [
        _attempt(
            clients.site_create,
            client=multi,
            actor=admin,
            fields={
                "name": name,
                "country": "LT",
                "activities": "Steel structure fabrication",
                "effective_personnel": personnel,
                "is_central_function": central,
            },
        )
        for name, personnel, central in sites
    ]
    sample = sample_size(sites=len(sites) - 1, stage="surveillance")
    visited = [site for site in made if site is not None][: sample.total_sites]
    _attempt(_cleared, kadri, admin, client=multi)
    surveillance = _engagement(
        body,
        admin,
        {
            **base,
            "client": multi,
            "scope": "Fabrication, welding, assembly and painting of steel structures",
            "kind": "surveillance",
            "sites": visited,
            "planned_start": today + timedelta(days=10),
            "planned_end": today + timedelta(days=12),
        },
    )
    if surveillance is not None:
        time = _attempt(
            audit_time,
            scheme="ems",
            stage="surveillance",
            effective_personnel=240,
            complexity="medium",
            on=today,
        )
        if time is not None:
            _attempt(
                audits.engagement_set_audit_time,
                engagement=surveillance,
                actor=admin,
                calculation=time,
                sample=sample,
            )
        _team(surveillance, admin, [(kadri, Role.LEAD_AUDITOR)])
        _walk(surveillance, admin, kadri.user, ["plan"])


def load(context: DemoContext) -> None:
    _nordic(context.today)
    _baltic(context.today)


register(Contributor(key="audits", order=60, load=load))
