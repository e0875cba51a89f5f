"""Nordic Carbon Verification's engagements: GHG work of every kind."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from accounts.models import User
from audits import services as audits
from bodies.models import Body, Role
from clients import services as clients
from clients.models import Client, Project
from impartiality import services as impartiality
from reference.models import Activity, Standard

from .steps import (
    FREELANCER,
    NORDIC,
    NORDIC_ADMIN,
    assign,
    attempt,
    cleared,
    draft_engagement,
    held,
    member,
    sector,
    walk,
)


def load_nordic(today: date) -> None:
    """The VVB's GHG work, by its administrator, its auditors and the freelance lead auditor."""
    body = Body.objects.filter(legal_name=NORDIC).first()
    admin = User.objects.filter(email=NORDIC_ADMIN).first()
    if body is None or admin is None:
        return
    reykjanes = Client.objects.filter(body=body, legal_name="Reykjanes Geothermal Power hf.").first()
    helga = member("helga@nordic-verification.example", body)
    gunnar = member("gunnar@nordic-verification.example", body)
    freelancer = member(FREELANCER, body)
    verification = Activity.objects.get(code="verification")
    iso_14064_3 = Standard.objects.get(code="iso-14064-3")
    last_year = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)

    # a GHG verification of a Reykjanes project in fieldwork
    if reykjanes is not None and helga is not None and freelancer is not None:
        project = attempt(
            clients.project_create,
            body=body,
            actor=admin,
            fields={
                "registry_number": "ICR-00063",
                "name": "Hellisheiði steam-field efficiency upgrade",
                "methodology": "ICR-M-GEO-001 Efficiency improvement in geothermal power generation",
                "sector": sector("ghg", "1"),
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
            "sector": sector("ghg", "1"),
            "criteria": "ICR Programme Rules v3; ICR-M-GEO-001",
            "scope": "GHG emission reductions of the Hellisheiði steam-field efficiency upgrade, "
            f"monitoring period 1 January to 31 December {today.year - 1}",
            "level_of_assurance": "reasonable",
            "monitoring_period_start": last_year[0],
            "monitoring_period_end": last_year[1],
        }
        fieldwork = draft_engagement(
            body,
            admin,
            {**ghg, "planned_start": today - timedelta(days=3), "planned_end": today + timedelta(days=2)},
        )
        if fieldwork is not None:
            for membership in (freelancer, helga):
                attempt(cleared, membership, admin, project=project)
            # the freelancer's annual declaration ran out; the administrator allows this engagement in writing
            attempt(
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
            attempt(
                audits.engagement_set_audit_time,
                engagement=fieldwork,
                actor=admin,
                days="4",
                justification="No IAF MD 5 table applies to GHG verification: two auditors for two days, one "
                "day on site at Hellisheiði and one for the data review.",
            )
            assign(fieldwork, admin, [(freelancer, Role.LEAD_AUDITOR), (helga, Role.AUDITOR)])
            walk(fieldwork, admin, freelancer.user, ["plan", "propose_team", "confirm_team", "start"])
            held(fieldwork, admin)
        # the next period's verification, a draft; and one the proponent postponed
        draft_engagement(
            body,
            admin,
            {**ghg, "planned_start": today + timedelta(days=70), "planned_end": today + timedelta(days=72)},
        )
        postponed = draft_engagement(
            body,
            admin,
            {**ghg, "planned_start": today + timedelta(days=40), "planned_end": today + timedelta(days=41)},
        )
        if postponed is not None:
            walk(postponed, admin, None, ["plan", "cancel"])

    # a GHG validation of the Latvian afforestation project, its team confirmed
    latvian = Project.objects.filter(body=body, registry_number="ICR-00042").first()
    if latvian is not None and gunnar is not None:
        validation = draft_engagement(
            body,
            admin,
            {
                "kind": "validation",
                "client": latvian.proponent,
                "project": latvian,
                "activity": Activity.objects.get(code="validation"),
                "standard": Standard.objects.get(code="iso-14064-2"),
                "sector": sector("ghg", "14"),
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
            attempt(cleared, gunnar, admin, project=latvian)
            assign(validation, admin, [(gunnar, Role.LEAD_AUDITOR)])
            walk(validation, admin, gunnar.user, ["plan", "propose_team", "confirm_team"])
    _nordic_other_kinds(body, admin, today)


def _nordic_other_kinds(body: Body, admin: User, today: date) -> None:
    """A validation and verification under independent review, a methodology assessment with its team proposed
    and a product evaluation planned."""
    gunnar = member("gunnar@nordic-verification.example", body)
    einar = member("einar@nordic-verification.example", body)
    kari = member("kari@nordic-verification.example", body)
    smelter = Client.objects.filter(body=body, legal_name="Austfirðir Aluminium hf.").first()
    consultancy = Client.objects.filter(body=body, legal_name="Kolefnisráðgjöf ehf.").first()
    reykjanes = Client.objects.filter(body=body, legal_name="Reykjanes Geothermal Power hf.").first()
    last_year = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)

    # the smelter's heat-recovery project: validated and verified together, its report with the reviewer
    if smelter is not None and gunnar is not None and einar is not None:
        project = attempt(
            clients.project_create,
            body=body,
            actor=admin,
            fields={
                "registry_number": "ICR-00058",
                "name": "Reyðarfjörður potline heat recovery for district heating",
                "methodology": "ICR-M-EE-003 Waste heat recovery in industrial facilities",
                "sector": sector("ghg", "3"),
                "country": "IS",
                "proponent": smelter,
                "crediting_period_start": last_year[0],
                "crediting_period_end": last_year[0] + relativedelta(years=10) - timedelta(days=1),
                "monitoring_period_start": last_year[0],
                "monitoring_period_end": last_year[1],
            },
        )
        reviewed = (
            draft_engagement(
                body,
                admin,
                {
                    "kind": "validation_verification",
                    "client": smelter,
                    "project": project,
                    "activity": Activity.objects.get(code="verification"),
                    "standard": Standard.objects.get(code="iso-14064-3"),
                    "sector": sector("ghg", "3"),
                    "criteria": "ICR Programme Rules v3; ICR-M-EE-003",
                    "scope": "Validation of the project design and verification of the emission reductions of the "
                    f"potline heat recovery, monitoring period 1 January to 31 December {today.year - 1}",
                    "level_of_assurance": "limited",
                    "monitoring_period_start": last_year[0],
                    "monitoring_period_end": last_year[1],
                    "planned_start": today - timedelta(days=40),
                    "planned_end": today - timedelta(days=38),
                },
            )
            if project is not None
            else None
        )
        if reviewed is not None:
            attempt(cleared, gunnar, admin, project=project)
            # his annual declaration on the register was filed after this fieldwork; the administrator allows it
            attempt(
                impartiality.conflict_override,
                actor=admin,
                membership=gunnar,
                project=project,
                rule="annual_declaration_missing",
                starts_on=reviewed.planned_start,
                ends_on=reviewed.planned_end,
                justification="Gunnar's previous annual declaration, signed on paper before the register was in "
                "use, covered these days and declared nothing about Austfirðir Aluminium; it is archived.",
            )
            attempt(
                audits.engagement_set_audit_time,
                engagement=reviewed,
                actor=admin,
                days="3",
                justification="No IAF MD 5 table applies to GHG work: three days for one auditor, one on site "
                "at the potline and the heat exchangers and two for the design and data review.",
            )
            assign(reviewed, admin, [(gunnar, Role.LEAD_AUDITOR)])
            walk(reviewed, admin, gunnar.user, ["plan", "propose_team", "confirm_team", "start"])
            held(reviewed, admin, until=reviewed.planned_end)
            walk(reviewed, admin, gunnar.user, ["draft_report", "send_to_review"], reviewer=einar)

    # the consultancy's proposed peatland methodology, assessed against ISO 14064-2 and the programme rules
    if consultancy is not None and gunnar is not None and kari is not None:
        assessment = draft_engagement(
            body,
            admin,
            {
                "kind": "methodology_assessment",
                "client": consultancy,
                "activity": Activity.objects.get(code="methodology_assessment"),
                "standard": Standard.objects.get(code="iso-14064-2"),
                "sector": sector("ghg", "14"),
                "criteria": "ICR Programme Rules v3, methodology approval procedure",
                "scope": "Assessment of the proposed methodology ICR-M-WET-001 Rewetting of drained peatland",
                "mode": "remote",
                "planned_start": today + timedelta(days=30),
                "planned_end": today + timedelta(days=34),
            },
        )
        if assessment is not None:
            assign(assessment, admin, [(gunnar, Role.LEAD_AUDITOR), (kari, Role.TECHNICAL_EXPERT)])
            walk(assessment, admin, None, ["plan", "propose_team"])

    # a product's carbon-neutrality claim (ISO 14068-1), in the scope of the ISO/IEC 17029 accreditation
    if reykjanes is not None:
        product = draft_engagement(
            body,
            admin,
            {
                "kind": "product_evaluation",
                "client": reykjanes,
                "activity": Activity.objects.get(code="verification"),
                "standard": Standard.objects.get(code="iso-14068-1"),
                "sector": sector("ghg", "1"),
                "criteria": "ISO 14068-1:2023; the client's carbon neutrality management plan",
                "scope": "Carbon neutrality claim of the geothermal electricity sold under the green tariff, "
                f"calendar year {today.year - 1}",
                "sites": list(reykjanes.sites.filter(is_central_function=False).order_by("name")),
                "planned_start": today + timedelta(days=45),
                "planned_end": today + timedelta(days=46),
            },
        )
        if product is not None:
            walk(product, admin, None, ["plan"])
