"""The three-year certification programme: the due dates a certification decision generates (surveillances and
the recertification), tracked until an engagement covers them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel


class DueKind(models.TextChoices):
    SURVEILLANCE = "surveillance", _("Surveillance")
    RECERTIFICATION = "recertification", _("Recertification")


class DueStatus(models.TextChoices):
    DUE = "due", _("Due")
    PLANNED = "planned", _("Engagement planned")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("No longer due")


class ProgrammeDue(TenantModel):
    """One date of a certificate's cycle: a surveillance (`sequence` 1 and 2) to be audited from `window_from`
    and no later than `due_on`, or the recertification to be decided by `due_on` (the expiry)."""

    Kind = DueKind
    Status = DueStatus

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="programme_dues")
    certificate = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.CASCADE,
        related_name="programme",
        verbose_name=_("certificate"),
    )
    cycle = models.PositiveIntegerField(_("cycle"))
    kind = models.CharField(_("kind"), max_length=20, choices=DueKind.choices)
    sequence = models.PositiveIntegerField(_("number"), default=1)
    window_from = models.DateField(_("from"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=DueStatus.choices, default=DueStatus.DUE)
    engagement = models.ForeignKey(
        "audits.Engagement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_dues",
        verbose_name=_("engagement"),
    )

    class Meta:
        ordering = ["due_on", "kind", "sequence"]
        verbose_name = _("programme date")
        verbose_name_plural = _("programme dates")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "cycle", "kind", "sequence"], name="programmedue_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("window_from")), name="programmedue_order"
            ),
        ]
        indexes = [models.Index(fields=["body", "status", "due_on"], name="programmedue_body_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sequence} · {self.due_on:%Y-%m-%d}"
