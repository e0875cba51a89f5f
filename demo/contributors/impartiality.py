"""The demo's declarations of interest (H2): for the demo bodies, annual declarations in every state — current,
expiring within 30 days, expired, waiting for review (the body administrator's own, which she cannot review
herself), barring — a per-engagement declaration for an ICR project, and a lead auditor's correction (version 2)
adding a consultancy for a demo client that ended ten months ago (inside the two-year cooling-off period), which
the review found barring.

Everything is written through the impartiality services by the people themselves (drafted, attested,
submitted) and their body's administrator (reviewed). The services date a submission today; the demo then
backdates the submission day (and an annual declaration's end, 12 months later) so the states above hold on
the day the demo is loaded, and moves the deadlines with them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from bodies.models import Body, Membership
from clients.models import Client, Project
from impartiality import services as impartiality
from impartiality.models import Declaration, DeclarationStatus
from reminders.services import deadline_upsert

from ..registry import Contributor, DemoContext, register

NORDIC = "Nordic Carbon Verification ehf."
BALTIC = "Baltic Management Systems Certification OÜ"
NORDIC_ADMIN = "admin@nordic-verification.example"
BALTIC_ADMIN = "admin@baltic-certification.example"
FREELANCER = "freelance.auditor@example.org"


def _membership(email: str, body_name: str) -> Membership:
    return Membership.objects.select_related("user", "body").get(
        user__email=email, body__legal_name=body_name
    )


def _backdate(declaration: Declaration, submitted_on: date) -> Declaration:
    """The demo backdates a submission (the services date it today): the submission day, an annual
    declaration's last current day (12 months later, a setting) and the deadlines that follow from them."""
    valid_until = (
        submitted_on + relativedelta(months=settings.DECLARATION_RENEWAL_MONTHS)
        if declaration.kind == Declaration.Kind.ANNUAL
        else None
    )
    declaration.refresh_from_db()  # the caller's object may predate its review
    # the times move with the day: attested and submitted on it, reviewed the next day (never in the future)
    shift = (
        timedelta(days=(submitted_on - declaration.submitted_on).days) if declaration.submitted_on else None
    )
    times: dict[str, Any] = {}
    if shift is not None and declaration.submitted_at is not None:
        times = {
            "attested_at": declaration.attested_at + shift,
            "submitted_at": declaration.submitted_at + shift,
        }
        if declaration.reviewed_at is not None:
            times["reviewed_at"] = min(declaration.reviewed_at + shift + timedelta(days=1), timezone.now())
    Declaration.objects.filter(pk=declaration.pk).update(
        submitted_on=submitted_on, valid_until=valid_until, **times
    )
    declaration.refresh_from_db()
    if valid_until is not None and declaration.status != DeclarationStatus.SUPERSEDED:
        deadline_upsert(
            kind=impartiality.DECLARATION_RENEWAL,
            subject=declaration,
            body=declaration.body,
            due_on=valid_until,
        )
    if declaration.status == DeclarationStatus.SUBMITTED:
        deadline_upsert(
            kind=impartiality.DECLARATION_REVIEW,
            subject=declaration,
            body=declaration.body,
            due_on=submitted_on + timedelta(days=settings.DECLARATION_REVIEW_REMINDER_DAYS),
        )
    return declaration


def _declare(
    membership: Membership,
    relationships: list[dict[str, Any]],
    *,
    kind: str = "annual",
    client: Client | None = None,
    project: Project | None = None,
) -> Declaration:
    """The person drafts their declaration, lists their relationships and attests it."""
    person = membership.user
    draft = impartiality.declaration_start(
        membership=membership, actor=person, kind=kind, client=client, project=project
    )
    for fields in relationships:
        impartiality.relationship_add(declaration=draft, actor=person, fields=fields)
    return impartiality.declaration_submit(declaration=draft, actor=person, attest=True)


def _review(
    declaration: Declaration, reviewer: User, outcome: str, measures: str = "", notes: str = ""
) -> None:
    impartiality.declaration_review(
        declaration=declaration, actor=reviewer, outcome=outcome, measures=measures, notes=notes
    )


def load(context: DemoContext) -> None:
    today = context.today
    nordic_admin = User.objects.get(email=NORDIC_ADMIN)
    reykjanes = Client.objects.get(body__legal_name=NORDIC, legal_name="Reykjanes Geothermal Power hf.")
    austfirdir = Client.objects.get(body__legal_name=NORDIC, legal_name="Austfirðir Aluminium hf.")
    svartsengi = Project.objects.get(body__legal_name=NORDIC, registry_number="ICR-00017")

    # Helga: current (submitted two months ago, no conflict), and a per-engagement declaration for a project
    helga = _membership("helga@nordic-verification.example", NORDIC)
    current = _declare(
        helga,
        [
            {
                "kind": "family",
                "counterparty_kind": "client",
                "client": austfirdir,
                "started_on": date(2015, 6, 1),
                "ended_on": None,
                "description": "Her brother is a shift supervisor at the Reyðarfjörður smelter.",
            }
        ],
    )
    _review(current, nordic_admin, "no_conflict", notes="No role in the smelter's GHG reporting.")
    _backdate(current, today - timedelta(days=60))
    engagement = _declare(helga, [], kind="engagement", project=svartsengi)
    _review(engagement, nordic_admin, "no_conflict")
    _backdate(engagement, today - timedelta(days=20))

    # Einar: expiring (his year ends in 20 days)
    einar = _membership("einar@nordic-verification.example", NORDIC)
    expiring = _declare(einar, [])
    _review(expiring, nordic_admin, "no_conflict")
    _backdate(
        expiring, today + timedelta(days=20) - relativedelta(months=settings.DECLARATION_RENEWAL_MONTHS)
    )

    # the freelance auditor: expired (submitted 13 months ago, never renewed)
    freelancer = Membership.objects.filter(user__email=FREELANCER, body__legal_name=NORDIC).first()
    if freelancer is not None:
        expired = _declare(
            freelancer,
            [
                {
                    "kind": "other",
                    "counterparty_kind": "consultant",
                    "counterparty_name": "Verified Climate Partners Ltd.",
                    "started_on": date(2022, 1, 1),
                    "ended_on": None,
                    "description": "Audits as a freelancer for another validation and verification body.",
                }
            ],
        )
        _review(expired, nordic_admin, "no_conflict")
        _backdate(expired, today - relativedelta(months=13))

    # Gunnar: version 1 (no conflict), corrected four months later with a consultancy for Reykjanes Geothermal
    # Power that ended ten months ago, inside the two-year cooling-off period: barring for that client
    gunnar = _membership("gunnar@nordic-verification.example", NORDIC)
    first = _declare(gunnar, [])
    _review(first, nordic_admin, "no_conflict")
    _backdate(first, today - relativedelta(months=5))
    correction = impartiality.declaration_correct(declaration=first, actor=gunnar.user)
    impartiality.relationship_add(
        declaration=correction,
        actor=gunnar.user,
        fields={
            "kind": "consultancy",
            "counterparty_kind": "client",
            "client": reykjanes,
            "started_on": today - relativedelta(months=22),
            "ended_on": today - relativedelta(months=10),
            "description": "Advised on the Svartsengi CO2 capture monitoring plan before joining the body.",
        },
    )
    corrected = impartiality.declaration_submit(declaration=correction, actor=gunnar.user, attest=True)
    _review(
        corrected,
        nordic_admin,
        "barring",
        notes="Consultancy for Reykjanes Geothermal Power ended less than two years ago: he may not audit or "
        "decide on that client or its projects until the cooling-off period ends.",
    )
    _backdate(corrected, today - relativedelta(months=1))

    # Sigrún, the administrator: waiting for review (submitted three days ago; she cannot review her own)
    sigrun = _membership(NORDIC_ADMIN, NORDIC)
    waiting = _declare(
        sigrun,
        [
            {
                "kind": "financial_interest",
                "counterparty_kind": "client",
                "client": reykjanes,
                "started_on": date(2019, 5, 1),
                "ended_on": None,
                "description": "Holds shares in Reykjanes Geothermal Power hf. through a pension fund of her choice.",
            }
        ],
    )
    _backdate(waiting, today - timedelta(days=3))

    # Baltic: Kadri's annual declaration is current
    if Body.objects.filter(legal_name=BALTIC).exists():
        kadri = _membership("kadri@baltic-certification.example", BALTIC)
        baltic_current = _declare(kadri, [])
        _review(baltic_current, User.objects.get(email=BALTIC_ADMIN), "no_conflict")
        _backdate(baltic_current, today - timedelta(days=100))


register(Contributor(key="impartiality", order=40, load=load))
