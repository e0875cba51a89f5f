"""factory_boy factories that build valid object graphs."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import User
from bodies.models import Accreditation, Body, Membership, Role
from reference.models import (
    AccreditationBody,
    AccreditationBodyMla,
    AccreditationStandard,
    Activity,
    Sector,
    Standard,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct horse battery")


class StaffFactory(UserFactory):
    """Registry staff: a staff account in the "Registry staff" group."""

    class Meta:
        skip_postgeneration_save = True

    is_staff = True
    email = factory.Sequence(lambda n: f"staff{n}@icr.example")

    @factory.post_generation
    def registry_group(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            from django.contrib.auth.models import Group

            from accounts.registry_staff import REGISTRY_STAFF_GROUP

            self.groups.add(Group.objects.get(name=REGISTRY_STAFF_GROUP))


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Body

    legal_name = factory.Sequence(lambda n: f"Nordic Verification {n} ehf.")
    short_name = factory.Sequence(lambda n: f"NV{n}")
    country = "IS"
    kind = Body.Kind.VVB
    contact_name = factory.Faker("name")
    contact_email = factory.Sequence(lambda n: f"contact{n}@body.example")
    time_zone = "Atlantic/Reykjavik"
    status = Body.Status.APPROVED
    agreement_reference = factory.Sequence(lambda n: f"ICR-AGR-{n:04d}")
    agreement_signed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=200))
    approved_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def activities(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            self.activities.set(
                extracted
                if extracted is not None
                else Activity.objects.filter(code__in=["validation", "verification"])
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        skip_postgeneration_save = True
        model = Membership

    user = factory.SubFactory(UserFactory)
    body = factory.SubFactory(BodyFactory)
    roles = factory.LazyFunction(lambda: [Role.AUDITOR])

    @factory.post_generation
    def grants(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            from bodies.services import _sync_grants

            _sync_grants(self)


def sector(scheme: str = "ghg", code: str = "1") -> Sector:
    return Sector.objects.get(scheme=scheme, code=code, is_current=True)


class AccreditationBodyFactory(factory.django.DjangoModelFactory):
    """An accreditation body of the registry's list; by default an IAF MLA signatory for every accreditation
    standard since 2000 (`mla=[]` for none, or a list of (standard, since, until))."""

    class Meta:
        skip_postgeneration_save = True
        model = AccreditationBody
        django_get_or_create = ("name",)

    name = "Nordic Test Accreditation"  # not one of the seeded list's, so its signatures are the factory's
    acronym = "NTA"
    country = "IS"

    @factory.post_generation
    def mla(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create or self.mla_signatures.exists():
            return
        signatures = (
            extracted
            if extracted is not None
            else [(standard, date(2000, 1, 1), None) for standard in AccreditationStandard.values]
        )
        for standard, since, until in signatures:
            AccreditationBodyMla.objects.create(
                accreditation_body=self, standard=standard, since=since, until=until
            )


class AccreditationFactory(factory.django.DjangoModelFactory):
    """A verified, active ISO 14065 accreditation by an IAF MLA signatory, for GHG validation and verification."""

    class Meta:
        skip_postgeneration_save = True
        model = Accreditation

    body = factory.SubFactory(BodyFactory)
    accreditation_body = factory.SubFactory(AccreditationBodyFactory)
    verification = Accreditation.Verification.VERIFIED
    standard = Accreditation.Standard.ISO_14065
    certificate_number = factory.Sequence(lambda n: f"VVB-{n:04d}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))
    valid_to = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=700))
    status = Accreditation.Status.ACTIVE

    @factory.post_generation
    def scope(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create:
            return
        self.scope_activities.set(Activity.objects.filter(code__in=["validation", "verification"]))
        self.scope_standards.set(
            Standard.objects.filter(code__in=["iso-14064-2", "iso-14064-3", "icr-programme"])
        )
        self.scope_sectors.set(Sector.objects.filter(scheme="ghg", code__in=["1", "3", "14"]))


def days(n: int) -> timedelta:
    return timedelta(days=n)


def today() -> date:
    return timezone.localdate()


class CompetenceRecordFactory(factory.django.DjangoModelFactory):
    """An approved competence (ISO 14064-3, GHG sectoral scope 1, auditor), evaluated by someone else."""

    class Meta:
        model = "competence.CompetenceRecord"
        skip_postgeneration_save = True

    membership = factory.SubFactory(MembershipFactory, undertaking_signed_on=date(2024, 1, 1))
    body = factory.LazyAttribute(lambda o: o.membership.body)
    person = factory.LazyAttribute(lambda o: o.membership.user)
    standard = factory.LazyFunction(lambda: Standard.objects.get(code="iso-14064-3"))
    sector = factory.LazyFunction(lambda: sector("ghg", "1"))
    role = Role.AUDITOR
    basis = factory.LazyFunction(lambda: ["training", "audits_performed"])
    evaluated_by = factory.SubFactory(UserFactory)
    evaluated_on = date(2025, 1, 1)
    valid_until = date(2027, 12, 31)
    status = "approved"


class ClientFactory(factory.django.DjangoModelFactory):
    """A certified organisation, client of a body."""

    class Meta:
        model = "clients.Client"
        skip_postgeneration_save = True

    body = factory.SubFactory(BodyFactory)
    legal_name = factory.Sequence(lambda n: f"Geothermal Power {n} hf.")
    short_name = factory.Sequence(lambda n: f"GP{n}")
    country = "IS"
    registration_number = factory.Sequence(lambda n: f"{n:06d}-0000")
    contact_name = factory.Faker("name")
    contact_email = factory.Sequence(lambda n: f"contact{n}@client.example")
    kind = "organisation"


class SiteFactory(factory.django.DjangoModelFactory):
    """A site of a client (in the client's body)."""

    class Meta:
        model = "clients.Site"

    client = factory.SubFactory(ClientFactory)
    body = factory.LazyAttribute(lambda o: o.client.body)
    name = factory.Sequence(lambda n: f"Plant {n}")
    country = "IS"
    activities = "Electricity generation"
    effective_personnel = 25
    is_central_function = False


class ProjectFactory(factory.django.DjangoModelFactory):
    """An ICR project (GHG sectoral scope 1) whose proponent is a client of the same body."""

    class Meta:
        model = "clients.Project"

    body = factory.SubFactory(BodyFactory)
    proponent = factory.SubFactory(ClientFactory, body=factory.SelfAttribute("..body"), kind="proponent")
    registry_number = factory.Sequence(lambda n: f"ICR-{n:05d}")
    name = factory.Sequence(lambda n: f"Geothermal expansion {n}")
    methodology = "ICR-M-001"
    sector = factory.LazyFunction(lambda: sector("ghg", "1"))
    country = "IS"


# --- impartiality: declarations, reviews and conflicts ---
# declarations


def _attested_at() -> object:
    from datetime import UTC, datetime

    return datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


class DeclarationFactory(factory.django.DjangoModelFactory):
    """A person's annual declaration of interest, submitted (attested) on 1 March 2026, current for 12 months.

    `status="draft"` gives an open draft (no attestation); `status="reviewed"` needs `review_outcome` and
    `reviewed_by` (another person). Per engagement: `kind="engagement", client=...` (or `project=`)."""

    class Meta:
        model = "impartiality.Declaration"
        skip_postgeneration_save = True

    membership = factory.SubFactory(MembershipFactory)
    body = factory.LazyAttribute(lambda o: o.membership.body)
    declarant = factory.LazyAttribute(lambda o: o.membership.user)
    kind = "annual"
    version = 1
    status = "submitted"
    attested_at = factory.LazyAttribute(lambda o: None if o.status == "draft" else _attested_at())
    submitted_at = factory.LazyAttribute(lambda o: o.attested_at)
    submitted_on = factory.LazyAttribute(lambda o: None if o.status == "draft" else date(2026, 3, 1))
    valid_until = factory.LazyAttribute(
        lambda o: date(2027, 3, 1) if o.kind == "annual" and o.status != "draft" else None
    )


class RelationshipFactory(factory.django.DjangoModelFactory):
    """A relationship on a declaration: consultancy for a client of the declaration's body, 2023-2024."""

    class Meta:
        model = "impartiality.Relationship"

    declaration = factory.SubFactory(DeclarationFactory, status="draft")
    body = factory.LazyAttribute(lambda o: o.declaration.body)
    kind = "consultancy"
    counterparty_kind = "client"
    client = factory.LazyAttribute(
        lambda o: None if o.counterparty_name else ClientFactory(body=o.declaration.body)
    )
    counterparty_name = ""
    started_on = date(2023, 1, 1)
    ended_on = date(2024, 12, 31)
    description = "Advised on the GHG inventory"


# conflicts


class ConflictOverrideFactory(factory.django.DjangoModelFactory):
    """An override of a financial-interest conflict of a person of a body with one of its clients, for 2026,
    made by another person (pass `overridden_by`, e.g. the body's administrator)."""

    class Meta:
        model = "impartiality.ConflictOverride"

    membership = factory.SubFactory(MembershipFactory)
    body = factory.LazyAttribute(lambda o: o.membership.body)
    client = factory.LazyAttribute(lambda o: ClientFactory(body=o.membership.body))
    project = None
    rule = "financial_interest"
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 12, 31)
    justification = "The shares are held in a blind trust managed independently."
    overridden_by = factory.SubFactory(UserFactory)


# --- impartiality: risk registers and committee ---


class RiskFactory(factory.django.DjangoModelFactory):
    """An open impartiality risk in a body's register (self-interest, 3 × 4 = 12, medium), owned by a member
    of the body, next reviewed in 90 days."""

    class Meta:
        model = "impartiality.Risk"

    owner = factory.SubFactory(MembershipFactory)
    body = factory.LazyAttribute(lambda o: o.owner.body)
    title = factory.Sequence(lambda n: f"Fee dependence on one client {n}")
    source_kind = "relationship"
    source = "A large share of the body's fees comes from one client"
    threat = "self_interest"
    likelihood = 3
    impact = 4
    mitigation = "Fees reviewed by the committee; decisions by someone outside the team"
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))
    status = "open"


class CommitteeMeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of a body's impartiality committee 10 days ago (attendees: pass `attendees=[memberships]`)."""

    class Meta:
        model = "impartiality.CommitteeMeeting"
        skip_postgeneration_save = True

    body = factory.SubFactory(BodyFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    conclusions = "The register is up to date; no new threat."
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def attendees(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.attendees.set(extracted)


class CommitteeActionFactory(factory.django.DjangoModelFactory):
    """An open action of a committee meeting, owned by a member of the meeting's body, due in 30 days."""

    class Meta:
        model = "impartiality.CommitteeAction"

    meeting = factory.SubFactory(CommitteeMeetingFactory)
    body = factory.LazyAttribute(lambda o: o.meeting.body)
    owner = factory.SubFactory(MembershipFactory, body=factory.SelfAttribute("..meeting.body"))
    description = factory.Sequence(lambda n: f"Rotate the lead auditor of the geothermal client {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    status = "open"


# --- clients: client users ---


class ClientUserFactory(factory.django.DjangoModelFactory):
    """An active client user: a person at a client (of the client's body) who accepted the invitation."""

    class Meta:
        model = "clients.ClientUser"

    client = factory.SubFactory(ClientFactory)
    body = factory.LazyAttribute(lambda o: o.client.body)
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "invited@client.example")
    full_name = factory.LazyAttribute(lambda o: o.user.full_name if o.user else "Invited Person")
    status = "active"
    invited_at = factory.LazyFunction(timezone.now)
    accepted_at = factory.LazyFunction(timezone.now)


# --- audits: engagements and teams ---


class EngagementFactory(factory.django.DjangoModelFactory):
    """A draft GHG verification (ISO 14064-3, sectoral scope 1, reasonable assurance, 5 %) of a project whose
    proponent is the client, planned 30–32 days from today, in the project's body.

    Management-system kinds: pass `kind="stage_1"`, `project=None`, `client=...`, `activity=`, `standard=`,
    `sector=` (see `ms_engagement_kwargs`)."""

    class Meta:
        model = "audits.Engagement"
        skip_postgeneration_save = True

    body = factory.SubFactory(BodyFactory)
    reference = factory.Sequence(lambda n: f"ENG-2026-{n:04d}")
    kind = "verification"
    project = factory.SubFactory(ProjectFactory, body=factory.SelfAttribute("..body"))
    client = factory.LazyAttribute(
        lambda o: o.project.proponent if o.project is not None else ClientFactory(body=o.body)
    )
    activity = factory.LazyFunction(lambda: Activity.objects.get(code="verification"))
    standard = factory.LazyFunction(lambda: Standard.objects.get(code="iso-14064-3"))
    sector = factory.LazyFunction(lambda: sector("ghg", "1"))
    scope = "GHG emission reductions of the project, first monitoring period"
    planned_start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    planned_end = factory.LazyAttribute(lambda o: o.planned_start + timedelta(days=2))
    level_of_assurance = factory.LazyAttribute(lambda o: "reasonable" if o.kind in ASSURANCE_KINDS else "")
    materiality_percent = factory.LazyAttribute(lambda o: 5 if o.kind in ASSURANCE_KINDS else None)
    monitoring_period_start = factory.LazyAttribute(
        lambda o: date(2025, 1, 1) if o.kind in GHG_KINDS else None
    )
    monitoring_period_end = factory.LazyAttribute(
        lambda o: date(2025, 12, 31) if o.kind in GHG_KINDS else None
    )
    status = "draft"
    created_by = factory.SubFactory(UserFactory)


#: the kinds giving an opinion on reported quantities (level of assurance and materiality)
ASSURANCE_KINDS = ("verification", "validation_verification")
GHG_KINDS = ("validation", "verification", "validation_verification")


class TeamMemberFactory(factory.django.DjangoModelFactory):
    """A person on an engagement's team (an auditor of the engagement's body, by default)."""

    class Meta:
        model = "audits.TeamMember"

    engagement = factory.SubFactory(EngagementFactory)
    body = factory.LazyAttribute(lambda o: o.engagement.body)
    membership = factory.SubFactory(MembershipFactory, body=factory.SelfAttribute("..engagement.body"))
    role = Role.AUDITOR
    declaration = None
    added_by = factory.SubFactory(UserFactory)


# --- audits: findings ---


class FindingFactory(factory.django.DjangoModelFactory):
    """An open CL (GHG) on an engagement in progress, raised by its engagement's creator, due in 30 days."""

    class Meta:
        model = "audits.Finding"

    engagement = factory.SubFactory(EngagementFactory, status="in_progress")
    body = factory.LazyAttribute(lambda o: o.engagement.body)
    number = factory.Sequence(lambda n: n + 1)
    kind = "cl"
    clause = "ISO 14064-3 6.1.4"
    statement = factory.Sequence(lambda n: f"The monitoring report does not explain the emission factor {n}.")
    evidence = "Monitoring report v2, table 4"
    internal_note = "Check again with the calibration certificates"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    status = "open"
    raised_by = factory.LazyAttribute(lambda o: o.engagement.created_by)


# --- certification ---


class ReviewFactory(factory.django.DjangoModelFactory):
    """An independent review in progress of an engagement under review, by an independent reviewer of its body."""

    class Meta:
        model = "certification.Review"

    engagement = factory.SubFactory(EngagementFactory, status="under_review")
    body = factory.LazyAttribute(lambda o: o.engagement.body)
    reviewer = factory.SubFactory(
        MembershipFactory, body=factory.SelfAttribute("..body"), roles=[Role.INDEPENDENT_REVIEWER]
    )
    status = "in_review"
    round = 1


class CertificateFactory(factory.django.DjangoModelFactory):
    """A valid ISO 9001 certificate of a decided stage 2 audit's client, cycle 1 from a year ago."""

    class Meta:
        model = "certification.Certificate"
        skip_postgeneration_save = True

    engagement = factory.SubFactory(
        EngagementFactory,
        kind="stage_2",
        project=None,
        status="decided",
        activity=factory.LazyFunction(lambda: Activity.objects.get(code="certification")),
        standard=factory.LazyFunction(lambda: Standard.objects.get(code="iso-9001")),
        sector=factory.LazyFunction(lambda: sector("iaf", "17")),
        level_of_assurance="",
        materiality_percent=None,
        monitoring_period_start=None,
        monitoring_period_end=None,
    )
    body = factory.LazyAttribute(lambda o: o.engagement.body)
    client = factory.LazyAttribute(lambda o: o.engagement.client)
    standard = factory.LazyAttribute(lambda o: o.engagement.standard)
    sector = factory.LazyAttribute(lambda o: o.engagement.sector)
    number = factory.Sequence(lambda n: f"CERT-{n:05d}")
    scope = "Design and manufacture of precision parts"
    initial_certification_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))
    issued_on = factory.LazyAttribute(lambda o: o.initial_certification_on)
    cycle_started_on = factory.LazyAttribute(lambda o: o.initial_certification_on)
    expires_on = factory.LazyAttribute(
        lambda o: o.cycle_started_on.replace(year=o.cycle_started_on.year + 3) - timedelta(days=1)
    )
    status = "valid"
    suspended_on = factory.LazyAttribute(lambda o: timezone.localdate() if o.status == "suspended" else None)


class ProposalFactory(factory.django.DjangoModelFactory):
    """An open proposal to suspend a certificate whose surveillance was missed."""

    class Meta:
        model = "certification.Proposal"

    certificate = factory.SubFactory(CertificateFactory)
    body = factory.LazyAttribute(lambda o: o.certificate.body)
    kind = "suspend"
    reason = "The first surveillance was not held by its due date."
    status = "open"


# --- certification: statements ---


class StatementFactory(factory.django.DjangoModelFactory):
    """An issued verification statement of a decided GHG verification (positive opinion, 2025's quantities)."""

    class Meta:
        model = "certification.Statement"

    engagement = factory.SubFactory(EngagementFactory, status="decided")
    body = factory.LazyAttribute(lambda o: o.engagement.body)
    number = factory.Sequence(lambda n: f"STMT-{n:05d}")
    opinion = "positive_opinion"
    level_of_assurance = factory.LazyAttribute(lambda o: o.engagement.level_of_assurance)
    materiality_percent = factory.LazyAttribute(lambda o: o.engagement.materiality_percent)
    monitoring_period_start = factory.LazyAttribute(lambda o: o.engagement.monitoring_period_start)
    monitoring_period_end = factory.LazyAttribute(lambda o: o.engagement.monitoring_period_end)
    issued_on = factory.LazyFunction(lambda: timezone.localdate())
    status = "issued"


class ReviewSetup:
    """An engagement under independent review with its people: a lead auditor and an auditor on the team, the
    reviewer the planner sent it to, a planner (body administrator) and a decision maker outside the team."""

    def __init__(self, engagement, lead, auditor, reviewer, planner, decider) -> None:  # type: ignore[no-untyped-def]
        self.engagement = engagement
        self.lead = lead
        self.auditor = auditor
        self.reviewer = reviewer
        self.planner = planner
        self.decider = decider


def review_setup(
    *, status: str = "under_review", body: Body | None = None, **engagement_kwargs
) -> ReviewSetup:  # type: ignore[no-untyped-def]
    """`ReviewSetup` of a GHG verification (pass `kind=`, `project=None`, ... for another kind)."""
    if body is not None:
        engagement_kwargs["body"] = body
    engagement = EngagementFactory(status=status, **engagement_kwargs)
    body = engagement.body
    lead = MembershipFactory(body=body, roles=[Role.LEAD_AUDITOR]).user
    auditor = MembershipFactory(body=body, roles=[Role.AUDITOR]).user
    for user, role in ((lead, Role.LEAD_AUDITOR), (auditor, Role.AUDITOR)):
        TeamMemberFactory(engagement=engagement, membership=user.memberships.get(body=body), role=role)
    reviewer_membership = MembershipFactory(body=body, roles=[Role.INDEPENDENT_REVIEWER])
    engagement.reviewer = reviewer_membership
    engagement.save(update_fields=["reviewer"])
    planner = MembershipFactory(body=body, roles=[Role.BODY_ADMIN]).user
    decider = MembershipFactory(body=body, roles=[Role.DECISION_MAKER]).user
    return ReviewSetup(engagement, lead, auditor, reviewer_membership.user, planner, decider)


# --- certification: certificates' life cycle and programme ---
def ms_engagement_kwargs(body: Body, kind: str, client=None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """EngagementFactory keywords for a management-system engagement (ISO 9001, IAF 17) of `kind` in `body`, for
    `client` (a new client of the body when not given)."""
    return {
        "kind": kind,
        "project": None,
        "client": client or ClientFactory(body=body),
        "activity": Activity.objects.get(code="certification"),
        "standard": Standard.objects.get(code="iso-9001"),
        "sector": sector("iaf", "17"),
        "level_of_assurance": "",
        "materiality_percent": None,
        "monitoring_period_start": None,
        "monitoring_period_end": None,
    }
