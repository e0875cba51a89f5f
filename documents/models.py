"""Rendered PDF documents: one row per issued document, its file, and the SHA-256 that proves it genuine."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantQuerySet
from core.transitions import Transition, Transitions


class DocumentQuerySet(TenantQuerySet["Document"]):
    tenant_field = "body"

    def visible_to(self, user: Any, token: Any = None) -> DocumentQuerySet:
        """The bodies' documents, narrowed by each kind's read rule for a person (a token reads its body's)."""
        visible = super().visible_to(user, token)
        if token is not None:
            return visible
        from .registry import readable_condition

        return visible.filter(readable_condition(user))

    def for_subject(self, subject: models.Model) -> DocumentQuerySet:
        return self.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
        )

    def ready(self) -> DocumentQuerySet:
        return self.filter(status=Document.Status.READY)


class DocumentStatus(models.TextChoices):
    """A document's status (outside `Document` so its Meta can build the check constraint from it)."""

    PENDING = "pending", _("Pending")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Document(models.Model):
    """A PDF the platform renders from a registered kind's template, in the background.

    Life cycle: `pending → rendering → ready`, or `→ failed` (a failed render may be retried). A ready
    document never changes again: its bytes are what the public verification page compares against. When a
    newer ready document of the same kind and subject exists, the older one is marked superseded.
    """

    Status = DocumentStatus

    #: a worker's claim (rendering → rendering only when a stale claim is taken over), its result, and the
    #: registry's rerender of a failed document
    TRANSITIONS = Transitions(
        refused=_("A document that is %(current)s cannot become %(target)s."),
        actions={
            "claim": Transition(
                source=(Status.PENDING, Status.RENDERING, Status.FAILED), target=Status.RENDERING
            ),
            "mark_ready": Transition(source=(Status.RENDERING,), target=Status.READY),
            "mark_failed": Transition(source=(Status.RENDERING,), target=Status.FAILED),
            "rerender": Transition(
                source=(Status.FAILED,),
                target=Status.PENDING,
                event="documents.document.rerender_requested",
                refused=_("Only a failed document can be rendered again; this one is %(current)s."),
            ),
        },
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=100)
    body = models.ForeignKey(
        "bodies.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", blank=True, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    claimed_at = models.DateTimeField(
        _("render started at"), null=True, blank=True, help_text=_("when the current render attempt began")
    )
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DocumentStatus.values),
                name="document_status_valid",
                violation_error_message=_("Unknown document status."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready")
                | (models.Q(sha256__regex=r"^[0-9a-f]{64}$") & ~models.Q(file="")),
                name="document_ready_has_file",
                violation_error_message=_("A ready document needs its file and SHA-256."),
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "subject_type", "subject_id"], name="document_kind_subject"),
            models.Index(fields=["status", "requested_at"], name="document_status_requested"),
            models.Index(fields=["body", "-requested_at"], name="document_body_requested"),
            models.Index(
                fields=["requested_at"], name="document_requested"
            ),  # registry staff's list, newest first
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_superseded(self) -> bool:
        return self.superseded_at is not None

    @property
    def is_public(self) -> bool:
        """Whether anyone may download it from the public verification page (a property of its kind)."""
        from .registry import get_kind

        try:
            return get_kind(self.kind).public
        except KeyError:
            return False

    @property
    def kind_label(self) -> Any:
        from .registry import get_kind

        try:
            return get_kind(self.kind).label
        except KeyError:
            return self.kind
