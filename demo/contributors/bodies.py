"""The bodies capability's part of the demo data: registry staff, three bodies at different stages of ICR
approval with their accreditations, and people in every role (one freelance auditor in two bodies)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group

from accounts.registry_staff import REGISTRY_STAFF_GROUP
from bodies import services
from bodies.models import Accreditation, Body, Membership, Role
from reference.models import Activity, Sector, Standard

from ..registry import Contributor, DemoContext, demo_user, register

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
FREELANCER: tuple[str, str, list[str]] = (
    "freelance.auditor@example.org",
    "Jón Freelance Guðmundsson",
    [Role.AUDITOR, Role.LEAD_AUDITOR],
)


def _sectors(spec: tuple[str, list[str]]) -> list[Sector]:
    scheme, codes = spec
    return list(Sector.objects.filter(scheme=scheme, code__in=codes, is_current=True))


def load(context: DemoContext) -> None:
    today = context.today
    staff = demo_user(STAFF[0], STAFF[1], is_staff=True)
    staff.groups.add(Group.objects.get(name=REGISTRY_STAFF_GROUP))
    freelancer = demo_user(*FREELANCER[:2])
    for spec in BODIES:
        admin = demo_user(*spec["admin"])
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
            services.membership_add(body=body, user=demo_user(email, name), roles=roles, actor=admin)
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


def logins() -> list[tuple[str, str]]:
    rows = [(STAFF[0], "registry staff (admin at /admin/)")]
    for spec in BODIES:
        rows.append((spec["admin"][0], f"body administrator, {spec['fields']['legal_name']}"))
        rows.extend(
            (email, f"{', '.join(str(Role(r).label) for r in roles)}")
            for email, _n, roles in spec["people"][:2]
        )
    memberships = Membership.objects.filter(user__email=FREELANCER[0]).count()
    rows.append((FREELANCER[0], "freelance auditor in two bodies (use the body switcher)"))
    rows.append((f"({memberships} memberships for the freelance auditor)", ""))
    return rows


register(Contributor(key="bodies", order=10, load=load, logins=logins))
