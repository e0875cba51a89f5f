"""The certification capability's webhook events (`webhooks.registry`) and their payloads: a certificate issued,
suspended, reinstated, withdrawn, expired or its scope changed, and a decision made. The services call
`certificate_event` / `decision_made` inside their transaction (the engine's outbox), so an event exists exactly
when the change committed. Payloads carry what the public verification shows plus identifiers, never a
rationale, internal notes or people."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from webhooks.registry import register_event
from webhooks.services import emit

from .models import Certificate, Decision, DecisionKind

CERTIFICATE_ISSUED = "certificate.issued"
CERTIFICATE_SUSPENDED = "certificate.suspended"
CERTIFICATE_REINSTATED = "certificate.reinstated"
CERTIFICATE_WITHDRAWN = "certificate.withdrawn"
CERTIFICATE_EXPIRED = "certificate.expired"
CERTIFICATE_SCOPE_CHANGED = "certificate.scope_changed"
DECISION_MADE = "decision.made"

register_event(CERTIFICATE_ISSUED, _("Certificate issued"))
register_event(CERTIFICATE_SUSPENDED, _("Certificate suspended"))
register_event(CERTIFICATE_REINSTATED, _("Certificate reinstated"))
register_event(CERTIFICATE_WITHDRAWN, _("Certificate withdrawn"))
register_event(CERTIFICATE_EXPIRED, _("Certificate expired"))
register_event(CERTIFICATE_SCOPE_CHANGED, _("Certificate scope changed"))
register_event(DECISION_MADE, _("Decision made"))

#: the certificate event each decision kind causes (a recertification or a restore issues a new version)
EVENT_OF_DECISION: dict[str, str] = {
    DecisionKind.GRANT: CERTIFICATE_ISSUED,
    DecisionKind.RECERTIFY: CERTIFICATE_ISSUED,
    DecisionKind.RESTORE: CERTIFICATE_ISSUED,
    DecisionKind.SUSPEND: CERTIFICATE_SUSPENDED,
    DecisionKind.REINSTATE: CERTIFICATE_REINSTATED,
    DecisionKind.WITHDRAW: CERTIFICATE_WITHDRAWN,
    DecisionKind.EXTEND_SCOPE: CERTIFICATE_SCOPE_CHANGED,
    DecisionKind.REDUCE_SCOPE: CERTIFICATE_SCOPE_CHANGED,
}


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def certificate_payload(certificate: Certificate) -> dict[str, Any]:
    return {
        "id": str(certificate.pk),
        "number": certificate.number,
        "status": certificate.status,
        "client": str(certificate.client_id),
        "standard": certificate.standard.code,
        "scope": certificate.scope,
        "initialCertificationOn": _day(certificate.initial_certification_on),
        "issuedOn": _day(certificate.issued_on),
        "expiresOn": _day(certificate.expires_on),
        "cycle": certificate.cycle,
        "version": certificate.version,
    }


def certificate_event(*, certificate: Certificate, event: str, decision: Decision | None = None) -> None:
    """Tells the body's subscribers what happened to `certificate` (its state after the change)."""
    emit(
        body=certificate.body,
        event=event,
        payload={
            "certificate": certificate_payload(certificate),
            "decision": str(decision.pk) if decision is not None else None,
        },
    )


def decision_made(*, decision: Decision) -> None:
    """Tells the body's subscribers a decision was recorded (its kind and subject, not its rationale), and the
    certificate event it caused, if any."""
    emit(
        body=decision.body,
        event=DECISION_MADE,
        payload={
            "decision": {
                "id": str(decision.pk),
                "kind": decision.kind,
                "decidedOn": _day(decision.decided_on),
                "engagement": str(decision.engagement_id) if decision.engagement_id else None,
                "certificate": str(decision.certificate_id) if decision.certificate_id else None,
                "statement": str(decision.statement_id) if decision.statement_id else None,
            }
        },
    )
    event = EVENT_OF_DECISION.get(decision.kind)
    if event is not None and decision.certificate_id is not None:
        certificate_event(certificate=decision.certificate, event=event, decision=decision)  # type: ignore[arg-type]
