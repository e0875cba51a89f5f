"""The kernel's models: the abstract tenant model every body-owned record builds on, and the audit trail
(append-only events, hash-chained per body so tampering is detectable)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tenancy import TenantQuerySet

REGISTRY_CHAIN = "registry"


class TenantModel(models.Model):
    """A record one body owns: a UUID id, its body, when it was made and last changed, and the tenant queryset.

    A capability's model subclasses it and declares only its own fields. It may redeclare `body` (to name the
    reverse relation) and `objects` (a `TenantQuerySet` subclass with its own filters); reads go through
    `visible_to` / `for_body` / `get_visible_or_404` (`core/tenancy.py`).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class AuditEventQuerySet(TenantQuerySet["AuditEvent"]):
    """Audit events are read through the tenant filter like any body's record, and never changed."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")


class AuditChainHead(models.Model):
    """The last event of one chain; locked while an event is appended so the chain stays linear. Never deleted
    (on PostgreSQL the database refuses DELETE and TRUNCATE); signed checkpoints of the heads are kept outside the
    database (`core.audit_checkpoints`), so a chain deleted with its head is still noticed."""

    chain = models.CharField(max_length=64, primary_key=True)
    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit trail hash chain")
        verbose_name_plural = _("audit trail hash chains")

    def __str__(self) -> str:
        return f"{self.chain} #{self.sequence}"


class AuditEvent(models.Model):
    """Who did what to which record, when, with the values before and after. Never edited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chain = models.CharField(max_length=64, help_text=_("body id, or 'registry'"))
    sequence = models.PositiveBigIntegerField()
    body = models.ForeignKey(
        "bodies.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254, help_text=_("the actor's name at the time, or 'system'"))
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    #: the client's address as `core.net.client_ip` read it (None outside a request: tasks, commands)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    #: HMAC-SHA256 of the event with the chain key (`AUDIT_CHAIN_KEY`, never in the database) named by `key_id`
    hash = models.CharField(max_length=64)
    #: the id of the chain key the hash was made with (`core.audit.chain_key_id`); earlier keys verify through
    #: `AUDIT_CHAIN_OLD_KEYS`
    key_id = models.CharField(max_length=16, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="auditevent_chain_sequence_unique"),
        ]
        indexes = [
            models.Index(fields=["body", "-created_at"], name="auditevent_body_created"),
            models.Index(fields=["object_type", "object_id"], name="auditevent_object"),
            # registry staff's trail (every body's) in its order, read backwards
            models.Index(fields=["created_at", "sequence"], name="auditevent_created"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")
