"""The bodies capability's part of the demo data: registry staff, three bodies at different stages of ICR
approval with their accreditations, and people in every role (one freelance auditor in two bodies).

Every accreditation comes with its certificate and names an accreditation body of the registry's list. The
approved bodies' accreditations are verified by registry staff; Baltic MSC has one the registry refused (with
its reason); GreenLedger's only accreditation waits for verification, so its approval is blocked until staff
verify it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.registry_staff import REGISTRY_STAFF_GROUP
from bodies import services
from bodies.models import Accreditation, Body, Membership, Role
from reference.models import AccreditationBody, Activity, Sector, Standard

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
        "activities": ["validation", "verification", "methodology_assessment"],
        "sectors": ("ghg", ["1", "3", "13", "14", "15"]),
        "stage": "approved",
        "agreement": "ICR-AGR-2025-014",
        "accreditations": [
            {
                "fields": {
                    "accreditation_body": "ISAC",
                    "standard": Accreditation.Standard.ISO_14065,
                    "certificate_number": "ISAC-VVB-0042",
                },
                "from_days": -1750,
                "to_days": 75,  # expires in 75 days: the 90-day reminder is already due
                "activities": ["validation", "verification", "methodology_assessment"],
                "standards": ["iso-14064-2", "iso-14064-3", "icr-programme"],
                "sectors": ("ghg", ["1", "3", "13", "14", "15"]),
                "verification": "verified",
            },
            {
                "fields": {
                    "accreditation_body": "DAkkS",
                    "standard": Accreditation.Standard.ISO_17029,
                    "certificate_number": "D-VS-21044-01-00",
                },
                "from_days": -400,
                "to_days": 1400,
                "activities": ["verification"],
                "standards": ["iso-14064-1", "iso-14068-1"],
                "sectors": ("ghg", ["1", "3"]),
                "verification": "verified",
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
                    "accreditation_body": "EAK",
                    "standard": Accreditation.Standard.ISO_17021_1,
                    "certificate_number": "EAK-S-118",
                },
                "from_days": -900,
                "to_days": 25,  # 30-day reminder due
                "activities": ["certification"],
                "standards": ["iso-14001", "iso-9001", "iso-50001"],
                "sectors": ("iaf", ["17", "25", "28", "31"]),
                "verification": "verified",
            },
            {
                "fields": {
                    "accreditation_body": "EAK",
                    "standard": Accreditation.Standard.ISO_14065,
                    "certificate_number": "EAK-I-052",
                },
                "from_days": -100,
                "to_days": 1600,
                "activities": ["verification"],
                "standards": ["iso-14064-1"],
                "sectors": ("ghg", ["1"]),
                # the registry's answer, for the body to read and correct
                "verification": "refused",
                "reason": "The attached certificate is an ISO/IEC 17020 inspection accreditation, not ISO 14065. "
                "Attach the ISO 14065 certificate issued by EAK.",
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
        "agreement": "ICR-AGR-2026-003",
        "accreditations": [
            {
                "fields": {
                    "accreditation_body": "UKAS",
                    "standard": Accreditation.Standard.ISO_14065,
                    "certificate_number": "UKAS-11204",
                },
                "from_days": -200,
                "to_days": 1500,
                "activities": ["validation", "verification"],
                "standards": ["iso-14064-2", "iso-14064-3"],
                "sectors": ("ghg", ["7", "13", "14"]),
                "verification": "pending",  # waits for the registry: GreenLedger cannot be approved yet
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


def _certificate(number: str) -> SimpleUploadedFile:
    """A one-page PDF standing in for the accreditation certificate the body scanned."""
    text = f"Accreditation certificate {number} (demo)".encode()
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    content, offsets = b"%PDF-1.4\n", []
    for number_, body in enumerate(objects, start=1):
        offsets.append(len(content))
        content += str(number_).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(content)
    content += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    content += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    content += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\n"
    content += b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"
    return SimpleUploadedFile(f"{number}.pdf", content, content_type="application/pdf")


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
        recorded = []
        for acc in spec["accreditations"]:
            fields = dict(acc["fields"])
            fields["accreditation_body"] = AccreditationBody.objects.get(acronym=fields["accreditation_body"])
            accreditation = services.accreditation_create(
                body=body,
                actor=admin,
                fields={
                    **fields,
                    "valid_from": today + timedelta(days=acc["from_days"]),
                    "valid_to": today + timedelta(days=acc["to_days"]),
                    "last_onsite_assessment": today - timedelta(days=120),
                    "certificate": _certificate(fields["certificate_number"]),
                },
                scope_activities=Activity.objects.filter(code__in=acc["activities"]),
                scope_standards=Standard.objects.filter(code__in=acc["standards"]),
                scope_sectors=_sectors(acc["sectors"]),
            )
            recorded.append((accreditation, acc))
        for email, name, roles in spec["people"]:
            services.membership_add(body=body, user=demo_user(email, name), roles=roles, actor=admin)
        services.body_start_review(
            body=body, actor=staff, reason="Application and accreditation evidence complete."
        )
        if spec["agreement"]:
            services.body_record_agreement(
                body=body, actor=staff, reference=spec["agreement"], signed_on=today - timedelta(days=30)
            )
        for accreditation, acc in recorded:
            if acc["verification"] == "verified":
                services.accreditation_verify(accreditation=accreditation, actor=staff)
            elif acc["verification"] == "refused":
                services.accreditation_refuse(accreditation=accreditation, actor=staff, reason=acc["reason"])
        if spec["stage"] == "approved":
            services.body_approve(
                body=body,
                actor=staff,
                reason="Accreditation by an IAF MLA signatory verified against its certificate; ICR agreement "
                "signed.",
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
