"""Declarations of interest: what a person of a body declares about their relationships with clients,
projects, proponents and consultants, who reviewed it and with what outcome, and the written overrides of
conflicts. The rules (who may see, submit, review, override; which relationship bars what) live in
`impartiality.services` and `impartiality.conflicts`; these models keep the records and their invariants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Role
from core.models import TenantModel
from core.tenancy import TenantQuerySet
from core.transitions import Transition, Transitions


class DeclarationKind(models.TextChoices):
    """Annual (every person, renewed every 12 months, a setting) or for one engagement (every team member)."""

    ANNUAL = "annual", _("Annual")
    ENGAGEMENT = "engagement", _("Per engagement")


class DeclarationStatus(models.TextChoices):
    """A declaration's status (outside `Declaration` so its Meta can build the constraint)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for review")
    REVIEWED = "reviewed", _("Reviewed")
    SUPERSEDED = "superseded", _("Superseded by a correction")


class ReviewOutcome(models.TextChoices):
    """What the reviewer concluded."""

    NO_CONFLICT = "no_conflict", _("No conflict")
    MITIGATED = "mitigated", _("Conflict mitigated")
    BARRING = "barring", _("Conflict barring")


class DeclarationQuerySet(TenantQuerySet["Declaration"]):
    def annual(self) -> DeclarationQuerySet:
        return self.filter(kind=DeclarationKind.ANNUAL)

    def live(self) -> DeclarationQuerySet:
        """Submitted or reviewed, not superseded by a correction: what the conflict rules read."""
        return self.filter(status__in=(DeclarationStatus.SUBMITTED, DeclarationStatus.REVIEWED))


class Declaration(TenantModel):
    """One version of a person's declaration of interest in one body.

    A draft is the declarant's to change; once submitted (attested) it never changes. A correction is a new
    version (`previous` → the version it corrects, `version` + 1) whose submission supersedes the old one,
    which stays readable in the history. An annual declaration is current from its submission until
    `valid_until` (submission + 12 months, a setting) inclusive; a per-engagement declaration names its
    counterparty (a client or a project; the engagements capability attaches the engagement).
    """

    Kind = DeclarationKind
    Status = DeclarationStatus
    Outcome = ReviewOutcome

    TRANSITIONS = Transitions(
        refused=_("A declaration that is %(current_lower)s cannot become %(target_lower)s."),
        actions={
            "submit": Transition(
                source=(DeclarationStatus.DRAFT,),
                target=DeclarationStatus.SUBMITTED,
                event="impartiality.declaration.submitted",
                refused=_("Only a draft can be submitted (this declaration is %(current_lower)s)."),
            ),
            "review": Transition(
                source=(DeclarationStatus.SUBMITTED,),
                target=DeclarationStatus.REVIEWED,
                event="impartiality.declaration.reviewed",
                refused=_(
                    "Only a declaration waiting for review can be reviewed (this one is %(current_lower)s)."
                ),
            ),
            "supersede": Transition(
                source=(DeclarationStatus.SUBMITTED, DeclarationStatus.REVIEWED),
                target=DeclarationStatus.SUPERSEDED,
                event="impartiality.declaration.superseded",
            ),
        },
    )

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="declarations")
    membership = models.ForeignKey(
        "bodies.Membership", on_delete=models.CASCADE, related_name="declarations", verbose_name=_("person")
    )
    declarant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("declarant"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeclarationKind.choices)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
        verbose_name=_("client"),
    )
    project = models.ForeignKey(
        "clients.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
        verbose_name=_("project"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects version"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DeclarationStatus.choices, default=DeclarationStatus.DRAFT
    )
    attested_at = models.DateTimeField(_("attested at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    valid_until = models.DateField(_("current until"), null=True, blank=True)
    review_outcome = models.CharField(
        _("review outcome"), max_length=20, choices=ReviewOutcome.choices, blank=True
    )
    review_measures = models.TextField(_("mitigation measures"), blank=True)
    review_notes = models.TextField(_("reviewer's notes"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("declaration of interest")
        verbose_name_plural = _("declarations of interest")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DeclarationKind.values), name="declaration_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeclarationStatus.values), name="declaration_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(review_outcome="") | models.Q(review_outcome__in=ReviewOutcome.values),
                name="declaration_outcome_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=DeclarationKind.ANNUAL, client__isnull=True, project__isnull=True)
                    | (
                        models.Q(kind=DeclarationKind.ENGAGEMENT)
                        & (models.Q(client__isnull=False) | models.Q(project__isnull=False))
                    )
                ),
                name="declaration_counterparty_by_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_by__isnull=True) | ~models.Q(reviewed_by=models.F("declarant")),
                name="declaration_not_self_reviewed",
            ),
            models.CheckConstraint(
                condition=models.Q(status=DeclarationStatus.DRAFT)
                | (models.Q(attested_at__isnull=False) & models.Q(submitted_on__isnull=False)),
                name="declaration_submitted_is_attested",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=DeclarationStatus.REVIEWED)
                | (~models.Q(review_outcome="") & models.Q(reviewed_by__isnull=False)),
                name="declaration_reviewed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~models.Q(review_outcome=ReviewOutcome.MITIGATED) | ~models.Q(review_measures=""),
                name="declaration_mitigated_has_measures",
            ),
        ]
        indexes = [
            models.Index(fields=["body", "status", "submitted_at"], name="declaration_body_status"),
            models.Index(fields=["membership", "kind", "status"], name="declaration_person_kind"),
            models.Index(fields=["body", "kind", "valid_until"], name="declaration_body_valid_until"),
        ]

    def __str__(self) -> str:
        return _("%(kind)s declaration of %(person)s, version %(version)s") % {
            "kind": self.get_kind_display(),
            "person": getattr(self.declarant, "full_name", "") or self.declarant,
            "version": self.version,
        }

    @property
    def counterparty(self) -> object | None:
        """The project or client a per-engagement declaration is about (None for an annual one)."""
        return self.project or self.client


class RelationshipKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    CONSULTANCY = "consultancy", _("Consultancy or advice")
    INTERNAL_AUDIT = "internal_audit", _("Internal audit for the client")
    FINANCIAL_INTEREST = "financial_interest", _("Financial interest")
    FAMILY = "family", _("Family or personal")
    EARLIER_AUDIT = "earlier_audit", _("Earlier audit of the same activity")
    GIFTS = "gifts", _("Gifts or hospitality")
    OTHER = "other", _("Other")


class CounterpartyKind(models.TextChoices):
    CLIENT = "client", _("Client")
    PROJECT = "project", _("Project")
    PROPONENT = "proponent", _("Proponent")
    CONSULTANT = "consultant", _("Consultant")


class Relationship(TenantModel):
    """One relationship a declaration lists: its kind, with whom (a client or project of the body, or a name
    for a counterparty the body has no record of), from when until when (open-ended while it lasts), and what
    it is. Confidential: the declarant, the body's reviewers and administrators, and registry staff read it."""

    Kind = RelationshipKind
    Counterparty = CounterpartyKind

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="relationships", verbose_name=_("declaration")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=RelationshipKind.choices)
    counterparty_kind = models.CharField(_("counterparty"), max_length=20, choices=CounterpartyKind.choices)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client"),
    )
    project = models.ForeignKey(
        "clients.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    counterparty_name = models.CharField(_("counterparty name"), max_length=200, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Leave empty while it lasts."))
    description = models.TextField(_("description"))

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=RelationshipKind.values), name="relationship_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(counterparty_kind__in=CounterpartyKind.values),
                name="relationship_counterparty_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(client__isnull=False)
                | models.Q(project__isnull=False)
                | ~models.Q(counterparty_name=""),
                name="relationship_names_counterparty",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="relationship_period_order",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "kind"], name="relationship_client_kind"),
            models.Index(fields=["project", "kind"], name="relationship_project_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.counterparty_label}"

    @property
    def counterparty_label(self) -> str:
        if self.project_id:
            return str(self.project)
        if self.client_id:
            return str(self.client)
        return self.counterparty_name


class ConflictOverride(TenantModel):
    """A conflict the conflict service found, allowed for one person, one client or project and one period by
    someone holding the body's override role, with a written justification. Absolute conflicts (cooling-off,
    current employment) are never overridden; `impartiality.conflicts` decides and records this."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="conflict_overrides")
    membership = models.ForeignKey(
        "bodies.Membership",
        on_delete=models.CASCADE,
        related_name="conflict_overrides",
        verbose_name=_("person"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client"),
    )
    project = models.ForeignKey(
        "clients.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    rule = models.CharField(_("rule"), max_length=60)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    justification = models.TextField(_("justification"))
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("overridden by")
    )

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("conflict override")
        verbose_name_plural = _("conflict overrides")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client__isnull=False) | models.Q(project__isnull=False),
                name="override_names_counterparty",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="override_period_order"
            ),
            models.CheckConstraint(condition=~models.Q(justification=""), name="override_justified"),
        ]
        indexes = [models.Index(fields=["membership", "rule"], name="override_person_rule")]

    def __str__(self) -> str:
        return _("Override of %(rule)s") % {"rule": self.rule}


class ImpartialityPolicy(TenantModel):
    """A body's impartiality settings: which role may override a conflict (body administrators by default;
    with no row the body keeps the default)."""

    body = models.OneToOneField("bodies.Body", on_delete=models.CASCADE, related_name="impartiality_policy")
    override_role = models.CharField(
        _("role that may override a conflict"), max_length=40, choices=Role.choices, default=Role.BODY_ADMIN
    )

    class Meta:
        verbose_name = _("impartiality policy")
        verbose_name_plural = _("impartiality policies")

    def __str__(self) -> str:
        return _("Impartiality policy of %(body)s") % {"body": self.body}
