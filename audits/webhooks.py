"""The audits capability's webhook events (`webhooks.registry`): an engagement's status changed (every step of
its life cycle) and a finding answered by the client. Both are observed on the kernel's `transitioned` signal,
inside the step's transaction, so an event exists exactly when the change committed. Payloads carry identifiers,
codes and dates, never internal notes or the auditor's and client's texts."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.transitions import transitioned
from webhooks.registry import register_event
from webhooks.services import emit

from .models import Engagement, Finding

ENGAGEMENT_STATUS_CHANGED = "engagement.status_changed"
FINDING_RESPONDED = "finding.responded"

register_event(ENGAGEMENT_STATUS_CHANGED, _("Engagement status changed"))
register_event(FINDING_RESPONDED, _("Finding answered by the client"))


def _id(value: Any) -> str | None:
    return str(value) if value is not None else None


@receiver(transitioned, sender=Engagement, dispatch_uid="audits.webhooks.engagement")
def engagement_status_changed(
    *, instance: Engagement, action: str, source: str, target: str, **_kwargs: Any
) -> None:
    emit(
        body=instance.body,
        event=ENGAGEMENT_STATUS_CHANGED,
        payload={
            "engagement": {
                "id": _id(instance.pk),
                "reference": instance.reference,
                "kind": instance.kind,
                "client": _id(instance.client_id),
                "project": _id(instance.project_id),
            },
            "action": action,
            "previousStatus": source,
            "status": target,
            "changedAt": timezone.now().isoformat(),
        },
    )


@receiver(transitioned, sender=Finding, dispatch_uid="audits.webhooks.finding")
def finding_responded(*, instance: Finding, action: str, target: str, **_kwargs: Any) -> None:
    if action != "respond":
        return
    emit(
        body=instance.body,
        event=FINDING_RESPONDED,
        payload={
            "finding": {
                "id": _id(instance.pk),
                "number": instance.number,
                "kind": instance.kind,
                "engagement": _id(instance.engagement_id),
                "dueOn": instance.due_on.isoformat() if instance.due_on else None,
            },
            "status": target,
            "respondedAt": timezone.now().isoformat(),
        },
    )
