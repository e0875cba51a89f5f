"""The import engine's one model: an uploaded file of some declared kind, parsed once, previewed, then applied."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TenantModel
from core.transitions import Transition, Transitions


class ImportStatus(models.TextChoices):
    PARSING = "parsing", _("Being read")
    PREVIEWED = "previewed", _("Previewed")
    APPLIED = "applied", pgettext_lazy("import status", "Applied")
    REJECTED = "rejected", _("Rejected")


class ImportBatch(TenantModel):
    """An uploaded bulk-import file of one kind (`imports.registry`): parsed once (in the request when small,
    in a task when large), its rows and errors stored, previewed, then applied all at once or not at all."""

    Status = ImportStatus

    #: the life cycle (core.transitions): reading ends previewed or rejected; only a previewed batch is applied.
    #: The audit events are the kind's own ("<audit_prefix>.applied"), written by `imports.services`.
    TRANSITIONS = Transitions(
        refused=_("This import was already applied or rejected."),
        actions={
            "read": Transition(source=(ImportStatus.PARSING,), target=ImportStatus.PREVIEWED),
            "refuse": Transition(source=(ImportStatus.PARSING,), target=ImportStatus.REJECTED),
            "apply": Transition(source=(ImportStatus.PREVIEWED,), target=ImportStatus.APPLIED),
        },
    )

    kind = models.CharField(max_length=60, help_text=_("The declared import kind, e.g. competence.people."))
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PARSING)
    row_count = models.PositiveIntegerField(default=0)
    rows_parsed = models.PositiveIntegerField(
        default=0, help_text=_("Progress while the file is being read.")
    )
    error_count = models.PositiveIntegerField(default=0)
    #: errors about the file as a whole (missing columns, too many rows, unreadable)
    file_errors = models.JSONField(default=list, blank=True)
    #: [{"line": 2, "values": {column: text}, "errors": {column: message}}, ...] as parsed at upload
    rows = models.JSONField(default=list, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        indexes = [models.Index(fields=["body", "kind", "-created_at"], name="importbatch_body_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values),
                name="imports_importbatch_status_valid",
            )
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def audit_namespace(self) -> str:
        """A batch's events are its kind's capability's ("competence.people" → "competence.import.applied")."""
        return self.kind.split(".", 1)[0]
