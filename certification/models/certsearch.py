"""Uploads of a body's certificates to IAF CertSearch (IAF MD 28: at least monthly): who sent what, when, and
what IAF CertSearch answered (the portal shows the last one)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel


class CertSearchUploadStatus(models.TextChoices):
    SENT = "sent", _("Accepted by IAF CertSearch")
    FAILED = "failed", _("Failed")


class CertSearchUpload(TenantModel):
    """One upload of the body's CertSearch export (never changed once recorded)."""

    Status = CertSearchUploadStatus

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="certsearch_uploads")
    status = models.CharField(_("status"), max_length=20, choices=CertSearchUploadStatus.choices)
    certificate_count = models.PositiveIntegerField(_("certificates"))
    sha256 = models.CharField(_("SHA-256 of the file sent"), max_length=64)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    message = models.TextField(_("answer"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("IAF CertSearch upload")
        verbose_name_plural = _("IAF CertSearch uploads")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CertSearchUploadStatus.values),
                name="certsearchupload_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["body", "-created_at"], name="certsearchupload_body_created")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} · {self.created_at:%Y-%m-%d %H:%M}"
