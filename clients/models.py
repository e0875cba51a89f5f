"""A body's clients (certified organisations and project proponents), their sites, and the ICR projects it
validates or verifies. Each body keeps its own records: the same real organisation may be a client of two
bodies, and neither sees the other's record."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.models import TenantModel


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
