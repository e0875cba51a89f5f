"""A body's clients (certified organisations and project proponents), their sites, and the ICR projects it
validates or verifies. Each body keeps its own records: the same real organisation may be a client of two
bodies, and neither sees the other's record."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.models import TenantModel
from core.transitions import Transition, Transitions


class ClientKind(models.TextChoices):
    """What a client is to the body (outside `Client` so its Meta can build the constraint)."""

    ORGANISATION = "organisation", _("Certified organisation")
    PROPONENT = "proponent", _("Project proponent")
    BOTH = "both", _("Certified organisation and project proponent")


class Client(TenantModel):
    """An organisation the body works for: certified organisation, project proponent, or both."""

    Kind = ClientKind

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="clients")
    legal_name = models.CharField(_("legal name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    country = CountryField(_("country"))
    registration_number = models.CharField(_("company registration number"), max_length=60, blank=True)
    address = models.TextField(_("address"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    sectors = models.ManyToManyField(
        "reference.Sector", blank=True, related_name="clients", verbose_name=_("sectors")
    )
    effective_personnel = models.PositiveIntegerField(_("effective personnel"), null=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ClientKind.choices, default=ClientKind.ORGANISATION
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["legal_name", "id"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "registration_number"],
                condition=~models.Q(registration_number=""),
                name="client_body_registration_unique",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=ClientKind.values), name="client_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["body", "legal_name", "id"], name="client_body_name"),
            models.Index(fields=["legal_name", "id"], name="client_name"),
        ]

    def __str__(self) -> str:
        return self.legal_name


class Site(TenantModel):
    """A place where a client works (its body is the client's body); at most one is the central function."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="client_sites")
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="sites", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    country = CountryField(_("country"))
    activities = models.TextField(_("activities"), blank=True)
    effective_personnel = models.PositiveIntegerField(_("effective personnel"))
    is_central_function = models.BooleanField(_("central function"), default=False)

    class Meta:
        ordering = ["client", "-is_central_function", "name", "id"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(is_central_function=True),
                name="site_one_central_function",
            ),
        ]

    def __str__(self) -> str:
        return _("%(site)s (site of %(client)s)") % {"site": self.name, "client": self.client}


class Project(TenantModel):
    """An ICR project the body validates or verifies: its registry identity, GHG sectoral scope, proponent,
    consultant (another client of the body, or a name) and its crediting and monitoring periods."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="projects")
    registry_project_id = models.CharField(_("registry project id"), max_length=60, blank=True)
    registry_number = models.CharField(_("registry number"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    methodology = models.CharField(_("methodology"), max_length=200)
    sector = models.ForeignKey(
        "reference.Sector",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("GHG sectoral scope"),
    )
    country = CountryField(_("country"))
    proponent = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="projects", verbose_name=_("proponent")
    )
    consultant_client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consulted_projects",
        verbose_name=_("consultant (a client)"),
    )
    consultant_name = models.CharField(_("consultant (name)"), max_length=200, blank=True)
    crediting_period_start = models.DateField(_("crediting period start"), null=True, blank=True)
    crediting_period_end = models.DateField(_("crediting period end"), null=True, blank=True)
    monitoring_period_start = models.DateField(_("monitoring period start"), null=True, blank=True)
    monitoring_period_end = models.DateField(_("monitoring period end"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "registry_number"], name="project_body_registry_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(consultant_client__isnull=True) | models.Q(consultant_name=""),
                name="project_one_consultant",
            ),
            models.CheckConstraint(
                condition=models.Q(crediting_period_start__isnull=True)
                | models.Q(crediting_period_end__isnull=True)
                | models.Q(crediting_period_end__gte=models.F("crediting_period_start")),
                name="project_crediting_period_order",
            ),
            models.CheckConstraint(
                condition=models.Q(monitoring_period_start__isnull=True)
                | models.Q(monitoring_period_end__isnull=True)
                | models.Q(monitoring_period_end__gte=models.F("monitoring_period_start")),
                name="project_monitoring_period_order",
            ),
        ]
        indexes = [
            models.Index(fields=["body", "name", "id"], name="project_body_name"),
            models.Index(fields=["name", "id"], name="project_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.registry_number})"

    @property
    def consultant_label(self) -> str:
        """The consultant as words: the client's name or the name written, empty when none."""
        if self.consultant_client_id:
            return str(self.consultant_client)
        return self.consultant_name


class ClientUserStatus(models.TextChoices):
    """Where a client user's access stands (outside `ClientUser` so its Meta can build the constraint)."""

    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")


class ClientUser(TenantModel):
    """A person at a client who reads the client's records in the client view (`clients:client-view`), invited by the
    body's client managers by email. Only a SHA-256 hash of the invitation link's token is kept; the link works
    once, until `CLIENT_INVITATION_MAX_AGE_DAYS` after it was sent (re-sending makes a new one and kills the
    old). Accepting ties the invitation to an account (`user`); revoking ends the access at once."""

    Status = ClientUserStatus

    TRANSITIONS = Transitions(
        refused=_("An access that is %(current_lower)s cannot become %(target_lower)s."),
        reason_field="status_reason",
        changed_at_field="status_changed_at",
        actions={
            "accept": Transition(
                source=(ClientUserStatus.INVITED,),
                target=ClientUserStatus.ACTIVE,
                event="clients.client_user.accepted",
                refused=_("This invitation is no longer open (it is %(current_lower)s)."),
            ),
            "resend": Transition(
                source=(ClientUserStatus.INVITED,),
                target=ClientUserStatus.INVITED,
                event="clients.client_user.reinvited",
                refused=_("Only an open invitation can be sent again (this access is %(current_lower)s)."),
            ),
            "revoke": Transition(
                source=(ClientUserStatus.INVITED, ClientUserStatus.ACTIVE),
                target=ClientUserStatus.REVOKED,
                event="clients.client_user.revoked",
                refused=_("This access is already revoked."),
            ),
        },
    )

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="client_users")
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="users", verbose_name=_("client")
    )
    email = models.EmailField(_("email"))
    full_name = models.CharField(_("name"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="client_accesses",
        verbose_name=_("account"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ClientUserStatus.choices, default=ClientUserStatus.INVITED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    invited_at = models.DateTimeField(_("invited"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    #: the invitation link's token just made, in memory only (never stored): the invite service's caller may
    #: follow the link itself (the demo data); everyone else gets it by email
    sent_token: str = ""

    class Meta:
        ordering = ["client", "full_name", "id"]
        verbose_name = _("client user")
        verbose_name_plural = _("client users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ClientUserStatus.values), name="client_user_status_valid"
            ),
            models.UniqueConstraint(
                fields=["client", "email"],
                condition=models.Q(status__in=["invited", "active"]),
                name="client_user_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(user__isnull=False),
                name="client_user_active_has_account",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "full_name", "id"], name="client_user_client_name"),
            models.Index(fields=["user", "status"], name="client_user_user_status"),
        ]

    def __str__(self) -> str:
        return _("%(name)s (%(client)s)") % {"name": self.full_name, "client": self.client}

    @property
    def expires_at(self) -> datetime:
        """The last moment the current invitation link works."""
        return self.invited_at + timedelta(days=settings.CLIENT_INVITATION_MAX_AGE_DAYS)
