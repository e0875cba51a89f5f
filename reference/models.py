"""Versioned reference data that registry staff maintain: activities, standards and sectors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Activity(models.Model):
    """A conformity-assessment activity a body can be approved and accredited for."""

    code = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.name


class Standard(models.Model):
    """A standard or programme an engagement is run against (ISO 14064-3, ISO 14068-1, the ICR programme)."""

    class Kind(models.TextChoices):
        GHG = "ghg", _("GHG validation / verification")
        MANAGEMENT_SYSTEM = "management_system", _("Management system")
        PRODUCT = "product", _("Product / process / service")
        PROGRAMME = "programme", _("GHG programme")

    code = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sector_scheme = models.CharField(
        max_length=10,
        choices=[("iaf", "IAF code"), ("ghg", "GHG sectoral scope")],
        help_text=_("which sector list classifies engagements under this standard"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    """An IAF code or a GHG sectoral scope, in one version of its published list."""

    class Scheme(models.TextChoices):
        IAF = "iaf", _("IAF code")
        GHG = "ghg", _("GHG sectoral scope")

    scheme = models.CharField(max_length=10, choices=Scheme.choices)
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=300)
    version = models.CharField(max_length=40)
    is_current = models.BooleanField(default=True)
    sort_key = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["scheme", "version", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code", "version"], name="sector_scheme_code_version_unique"
            )
        ]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        label = "IAF" if self.scheme == self.Scheme.IAF else "GHG scope"
        return f"{label} {self.code} – {self.name}"
