"""Demo data for `make run`: registry staff, three bodies at different stages, people in every role.

Everything is created through the services, so the audit trail, deadlines, notifications and approval letters
are real. Running it again changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.registry_staff import REGISTRY_STAFF_GROUP
from bodies import services
from bodies.models import Accreditation, Body, Membership, Role
from reference.models import Activity, Sector, Standard

PASSWORD = "demo-password-2026"

STAFF = ("registry@icr.example", "Katrín Registry-Staff")
BODIES: list[dict[str, Any]] = [
    {
        "admin": ("admin@nordic-verification.example", "Sigrún Jónsdóttir"),
        "fields": {
            "legal_name": "Nordic Carbon Verification ehf.",
            "short_name": "Nordic CV",
            "country": "IS",
            "kind": Body.Kind.VVB,
            "registration_number": "560219-1230",
            "address": "Borgartún 27\n105 Reykjavík\nIceland",
            "website": "https://nordic-verification.example",
            "contact_name": "Sigrún Jónsdóttir",
            "contact_email": "office@nordic-verification.example",
            "contact_phone": "+354 555 0100",
            "time_zone": "Atlantic/Reykjavik",
        },
        "activities": ["validation", "verification"],
        "sectors": ("ghg", ["1", "3", "13", "14", "15"]),
        "stage": "approved",
        "agreement": "ICR-AGR-2025-014",
        "accreditations": [
            {
                "fields": {
                    "accreditation_body": "ISAC – Icelandic Board for Technical Accreditation",
                    "accreditation_body_iaf_mla": True,
                    "standard": Accreditation.Standard.ISO_14065,
                    "certificate_number": "ISAC-VVB-0042",
                },
                "from_days": -1750,
                "to_days": 75,  # expires in 75 days: the 90-day reminder is already due
                "activities": ["validation", "verification"],
                "standards": ["iso-14064-2", "iso-14064-3", "icr-programme"],
                "sectors": ("ghg", ["1", "3", "13", "14", "15"]),
            },
            {
                "fields": {
                    "accreditation_body": "DAkkS – Deutsche Akkreditierungsstelle",
                    "accreditation_body_iaf_mla": True,
                    "standard": Accreditation.Standard.ISO_17029,
                    "certificate_number": "D-VS-21044-01-00",
                },
                "from_days": -400,
                "to_days": 1400,
                "activities": ["verification"],
                "standards": ["iso-14064-1", "iso-14068-1"],
                "sectors": ("ghg", ["1", "3"]),
            },
        ],
        "people": [
            (
                "gunnar@nordic-verification.example",
                "Gunnar Ólafsson",
                [Role.LEAD_AUDITOR, Role.DECISION_MAKER],
            ),
            ("helga@nordic-verification.example", "Helga Magnúsdóttir", [Role.AUDITOR]),
            ("einar@nordic-verification.example", "Einar Þórsson", [Role.INDEPENDENT_REVIEWER]),
            ("kari@nordic-verification.example", "Kári Stefánsson", [Role.TECHNICAL_EXPERT]),
            (
                "anna@nordic-verification.example",
                "Anna Björk",
                [Role.COMPLAINT_HANDLER, Role.IMPARTIALITY_COMMITTEE],
            ),
        ],
    },
    {
        "admin": ("admin@baltic-certification.example", "Mart Tamm"),
        "fields": {
            "legal_name": "Baltic Management Systems Certification OÜ",
            "short_name": "Baltic MSC",
            "country": "EE",
            "kind": Body.Kind.MS_CB,
            "registration_number": "12345678",
            "address": "Narva mnt 7\n10117 Tallinn\nEstonia",
            "website": "https://baltic-certification.example",
            "contact_name": "Mart Tamm",
            "contact_email": "info@baltic-certification.example",
            "contact_phone": "+372 600 1234",
            "time_zone": "Europe/Tallinn",
        },
        "activities": ["certification"],
        "sectors": ("iaf", ["17", "25", "28", "31"]),
        "stage": "approved",
        "agreement": "ICR-AGR-2025-021",
        "accreditations": [
            {
                "fields": {
                    "accreditation_body": "EAK – Estonian Accreditation Centre",
                    "accreditation_body_iaf_mla": True,
                    "standard": Accreditation.Standard.ISO_17021_1,
                    "certificate_number": "EAK-S-118",
                },
                "from_days": -900,
                "to_days": 25,  # 30-day reminder due
                "activities": ["certification"],
                "standards": ["iso-14001", "iso-9001", "iso-50001"],
                "sectors": ("iaf", ["17", "25", "28", "31"]),
            },
        ],
        "people": [
            ("kadri@baltic-certification.example", "Kadri Kask", [Role.LEAD_AUDITOR]),
            ("peeter@baltic-certification.example", "Peeter Saar", [Role.AUDITOR, Role.DECISION_MAKER]),
        ],
    },
    {
        "admin": ("admin@greenledger.example", "Olivia Hart"),
        "fields": {
            "legal_name": "GreenLedger Assurance Ltd",
            "short_name": "GreenLedger",
            "country": "GB",
            "kind": Body.Kind.VVB,
            "registration_number": "SC712345",
            "address": "12 Quayside\nEdinburgh EH6 6JL\nUnited Kingdom",
            "website": "https://greenledger.example",
            "contact_name": "Olivia Hart",
            "contact_email": "hello@greenledger.example",
            "time_zone": "Europe/London",
        },
        "activities": ["validation", "verification", "methodology_assessment"],
        "sectors": ("ghg", ["7", "13", "14"]),
        "stage": "under_review",
        "agreement": "",
        "accreditations": [
            {
                "fields": {
                    "accreditation_body": "UKAS – United Kingdom Accreditation Service",
                    "accreditation_body_iaf_mla": True,
                    "standard": Accreditation.Standard.ISO_14065,
                    "certificate_number": "UKAS-11204",
                },
                "from_days": -200,
                "to_days": 1500,
                "activities": ["validation", "verification"],
                "standards": ["iso-14064-2", "iso-14064-3"],
                "sectors": ("ghg", ["7", "13", "14"]),
            },
        ],
        "people": [],
    },
]
FREELANCER = ("freelance.auditor@example.org", "Jón Freelance Guðmundsson", [Role.AUDITOR, Role.LEAD_AUDITOR])

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


def _user(email: str, name: str, **extra: Any) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name, **extra})
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return user


def _sectors(spec: tuple[str, list[str]]) -> list[Sector]:
    scheme, codes = spec
    return list(Sector.objects.filter(scheme=scheme, code__in=codes, is_current=True))


class Command(BaseCommand):
    help = "Loads realistic demo data (idempotent) and prints the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(email=STAFF[0]).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            self._load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_logins()

    @transaction.atomic
    def _load(self) -> None:
        today = timezone.localdate()
        staff = _user(STAFF[0], STAFF[1], is_staff=True)
        staff.groups.add(Group.objects.get(name=REGISTRY_STAFF_GROUP))
        freelancer = _user(*FREELANCER[:2])
        for spec in BODIES:
            admin = _user(*spec["admin"])
            body = services.body_apply(
                actor=admin,
                fields=spec["fields"],
                activities=Activity.objects.filter(code__in=spec["activities"]),
                sectors=_sectors(spec["sectors"]),
            )
            for acc in spec["accreditations"]:
                services.accreditation_create(
                    body=body,
                    actor=admin,
                    fields={
                        **acc["fields"],
                        "valid_from": today + timedelta(days=acc["from_days"]),
                        "valid_to": today + timedelta(days=acc["to_days"]),
                        "last_onsite_assessment": today - timedelta(days=120),
                    },
                    scope_activities=Activity.objects.filter(code__in=acc["activities"]),
                    scope_standards=Standard.objects.filter(code__in=acc["standards"]),
                    scope_sectors=_sectors(acc["sectors"]),
                )
            for email, name, roles in spec["people"]:
                services.membership_add(body=body, user=_user(email, name), roles=roles, actor=admin)
            services.body_start_review(
                body=body, actor=staff, reason="Application and accreditation evidence complete."
            )
            if spec["agreement"]:
                services.body_record_agreement(
                    body=body, actor=staff, reference=spec["agreement"], signed_on=today - timedelta(days=30)
                )
            if spec["stage"] == "approved":
                services.body_approve(
                    body=body,
                    actor=staff,
                    reason="Accreditation by an IAF MLA signatory verified; ICR agreement signed.",
                )
                services.membership_add(body=body, user=freelancer, roles=FREELANCER[2], actor=admin)
        self._competence(today)
        transaction.on_commit(self._sweep)

    def _competence(self, today: Any) -> None:
        """Auditors with a spread of competences: most approved, some expiring soon, one proposed, one suspended."""
        from competence import services as competence
        from competence.models import CompetenceRecord

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

    def _sweep(self) -> None:
        from reminders.services import deadlines_sweep

        deadlines_sweep()

    def _print_logins(self) -> None:
        rows = [(STAFF[0], "registry staff (admin at /admin/)")]
        for spec in BODIES:
            rows.append((spec["admin"][0], f"body administrator, {spec['fields']['legal_name']}"))
            rows.extend(
                (email, f"{', '.join(str(Role(r).label) for r in roles)}")
                for email, _n, roles in spec["people"][:2]
            )
        rows.append((FREELANCER[0], "freelance auditor in two bodies (use the body switcher)"))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {PASSWORD})")
        for email, what in rows:
            self.stdout.write(f"  {email:<42} {what}")
        memberships = Membership.objects.filter(user__email=FREELANCER[0]).count()
        self.stdout.write(f"  ({memberships} memberships for the freelance auditor)")
