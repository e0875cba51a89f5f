"""The competence capability's part of the demo data: auditors with a spread of competences (most approved,
some expiring soon, one proposed, one suspended), their training, a witnessed audit and periodic evaluations.
It relies on the people the bodies part created."""

from __future__ import annotations

from datetime import timedelta

from accounts.models import User
from bodies import services
from bodies.models import Membership
from competence import services as competence
from competence.models import CompetenceRecord
from reference.models import Sector, Standard

from ..registry import Contributor, DemoContext, register

NORDIC = "Nordic Carbon Verification ehf."
BALTIC = "Baltic Management Systems Certification OÜ"
EMPLOYEE = Membership.Employment.EMPLOYEE
EXTERNAL = Membership.Employment.EXTERNAL_AUDITOR
EXPERT = Membership.Employment.TECHNICAL_EXPERT
# (person, body, employment, undertaking signed N days ago or None) →
#   [(standard, sector scheme, sector code, role, basis, valid for N more days, state)]
COMPETENCES: dict[tuple[str, str, str, int | None], list[tuple[str, str, str, str, list[str], int, str]]] = {
    ("gunnar@nordic-verification.example", NORDIC, EMPLOYEE, 400): [
        (
            "iso-14064-3",
            "ghg",
            "1",
            "lead_auditor",
            ["training", "audits_performed", "witnessed_audit"],
            700,
            "approved",
        ),
        ("iso-14064-3", "ghg", "3", "lead_auditor", ["training", "audits_performed"], 700, "approved"),
        ("iso-14064-3", "ghg", "14", "lead_auditor", ["training", "audits_performed"], 25, "approved"),
        ("iso-14064-2", "ghg", "14", "lead_auditor", ["training", "audits_performed"], 500, "approved"),
        ("iso-14064-3", "ghg", "1", "decision_maker", ["education", "audits_performed"], 900, "approved"),
    ],
    ("helga@nordic-verification.example", NORDIC, EMPLOYEE, 380): [
        ("iso-14064-3", "ghg", "1", "auditor", ["training", "audits_performed"], 55, "approved"),
        ("iso-14064-3", "ghg", "13", "auditor", ["training"], 600, "approved"),
        ("iso-14064-3", "ghg", "14", "auditor", ["training"], 365, "proposed"),
    ],
    ("einar@nordic-verification.example", NORDIC, EMPLOYEE, 300): [
        (
            "iso-14064-3",
            "ghg",
            "1",
            "independent_reviewer",
            ["education", "audits_performed"],
            800,
            "approved",
        ),
        ("iso-14064-3", "ghg", "14", "independent_reviewer", ["education"], 400, "suspended"),
    ],
    ("kari@nordic-verification.example", NORDIC, EXPERT, None): [
        ("iso-14064-2", "ghg", "14", "technical_expert", ["education"], 720, "approved"),
        ("iso-14064-3", "ghg", "15", "technical_expert", ["education"], 720, "approved"),
    ],
    ("freelance.auditor@example.org", NORDIC, EXTERNAL, 90): [
        ("iso-14064-3", "ghg", "1", "lead_auditor", ["audits_performed", "witnessed_audit"], 45, "approved"),
        ("iso-14064-3", "ghg", "13", "auditor", ["audits_performed"], 500, "approved"),
    ],
    ("freelance.auditor@example.org", BALTIC, EXTERNAL, 60): [
        ("iso-14001", "iaf", "25", "lead_auditor", ["audits_performed", "training"], 600, "approved"),
        ("iso-14001", "iaf", "28", "auditor", ["audits_performed"], 15, "approved"),
    ],
    ("kadri@baltic-certification.example", BALTIC, EMPLOYEE, 500): [
        ("iso-14001", "iaf", "17", "lead_auditor", ["training", "audits_performed"], 800, "approved"),
        ("iso-14001", "iaf", "25", "lead_auditor", ["training", "audits_performed"], 800, "approved"),
        ("iso-9001", "iaf", "28", "lead_auditor", ["training", "audits_performed"], 30, "approved"),
        ("iso-50001", "iaf", "25", "auditor", ["training"], 400, "proposed"),
    ],
    ("peeter@baltic-certification.example", BALTIC, EMPLOYEE, 200): [
        ("iso-14001", "iaf", "17", "auditor", ["training"], 500, "approved"),
        ("iso-14001", "iaf", "31", "decision_maker", ["education", "audits_performed"], 700, "approved"),
    ],
}


def load(context: DemoContext) -> None:
    """Auditors with a spread of competences: most approved, some expiring soon, one proposed, one suspended."""
    today = context.today

    def membership(email: str, body_name: str) -> Membership:
        return Membership.objects.select_related("body", "user").get(
            user__email=email, body__legal_name=body_name
        )

    for (email, body_name, employment, signed), records in COMPETENCES.items():
        member = membership(email, body_name)
        admin = next(m for m in Membership.objects.active().filter(body=member.body) if m.is_body_admin)
        services.membership_update_details(
            membership=member,
            actor=admin.user,
            employment=employment,
            undertaking_signed_on=today - timedelta(days=signed) if signed is not None else None,
        )
        for standard, scheme, code, role, basis, valid_days, state in records:
            record = competence.competence_propose(
                membership=member,
                actor=admin.user,
                standard=Standard.objects.get(code=standard),
                sector=Sector.objects.get(scheme=scheme, code=code, is_current=True),
                role=role,
                basis=basis,
                valid_until=today + timedelta(days=valid_days),
            )
            if state in ("approved", "suspended"):
                evaluator = admin.user if admin.user != member.user else None
                if evaluator is None:
                    continue
                record = competence.competence_approve(
                    record=record, actor=admin.user, evaluated_on=today - timedelta(days=300)
                )
            if state == "suspended":
                competence.competence_suspend(
                    record=record,
                    actor=admin.user,
                    reason="Witnessed audit found gaps in sampling practice.",
                )
        if employment != Membership.Employment.TECHNICAL_EXPERT:
            competence.training_add(
                membership=member,
                actor=admin.user,
                kind="cpd",
                title="ISO 14064-3:2019 verification update",
                provider="ICR Academy",
                completed_on=today - timedelta(days=200),
                hours=7,
                standard=Standard.objects.get(code="iso-14064-3"),
            )
    nordic_admin = User.objects.get(email="admin@nordic-verification.example")
    helga = membership("helga@nordic-verification.example", NORDIC)
    competence.witnessed_audit_record(
        membership=helga,
        actor=nordic_admin,
        witnessed_by=User.objects.get(email="gunnar@nordic-verification.example"),
        witnessed_on=today - timedelta(days=150),
        standard=Standard.objects.get(code="iso-14064-3"),
        sector=Sector.objects.get(scheme="ghg", code="1", is_current=True),
        outcome="satisfactory",
        engagement_reference="VER-2026-031 Hellisheiði geothermal",
        notes="Sampling plan and evidence review sound.",
    )
    for email in ("helga@nordic-verification.example", "gunnar@nordic-verification.example"):
        competence.periodic_evaluation_record(
            membership=membership(email, NORDIC),
            actor=nordic_admin,
            evaluated_on=today - timedelta(days=40),
            outcome="satisfactory",
            notes="Annual performance review; no actions.",
            next_due_on=today + timedelta(days=325),
        )
    assert CompetenceRecord.objects.exists()


register(Contributor(key="competence", order=20, load=load))
