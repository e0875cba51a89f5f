"""Document kinds of this capability (declared with the documents mechanism)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Prefetch, Value, When, prefetch_related_objects
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from documents.registry import DocumentKind, register
from reference.models import Sector

from .models import Accreditation, Body, BodyStatusChange
from .permissions import can_manage_body

APPROVAL_LETTER = "bodies.approval_letter"


def approval_letter_context(document: Document) -> dict[str, Any]:
    """The body with its approved scope, the registry decision the letter records, and the accreditations that
    count (verified by the registry and active).

    The decision is the latest approval made no later than the request (else the latest), so a re-render tells
    the same story. Seven queries however much the body holds: the body comes with the document, then its
    activities, sectors, counting accreditations with their accreditation bodies, those bodies' IAF MLA
    signatures, their scope activities and sectors, and the decision.
    """
    active = (
        Accreditation.objects.counting()
        .select_related("accreditation_body")
        .prefetch_related(
            "accreditation_body__mla_signatures",
            "scope_activities",
            Prefetch("scope_sectors", queryset=Sector.objects.order_by("scheme", "sort_key")),
        )
    )
    body = document.body if str(document.body_id) == document.subject_id else None
    if body is None:
        body = Body.objects.get(pk=document.subject_id)
    prefetch_related_objects(
        [body],
        "activities",
        Prefetch("sectors", queryset=Sector.objects.order_by("scheme", "sort_key")),
        Prefetch("accreditations", queryset=active.order_by("standard"), to_attr="active_accreditations"),
    )
    decision = (
        BodyStatusChange.objects.filter(body=body, to_status=Body.Status.APPROVED)
        .select_related("decided_by")
        .order_by(
            # approvals up to the request first, then the latest
            Case(When(decided_at__lte=document.requested_at, then=Value(0)), default=Value(1)),
            "-decided_at",
        )
        .first()
    )
    signatory = decision.decided_by if decision is not None else document.requested_by
    return {
        "body": body,
        "activities": list(body.activities.all()),
        "sectors": list(body.sectors.all()),
        "accreditations": body.active_accreditations,  # type: ignore[attr-defined]
        "agreement_reference": body.agreement_reference,
        "agreement_signed_on": body.agreement_signed_on,
        "decision": decision,
        "signatory": signatory,
    }


def approval_letter_is_current(document: Document) -> bool:
    """A suspended or withdrawn body's letter stays genuine but no longer says anything true about today."""
    return Body.objects.filter(pk=document.subject_id, status=Body.Status.APPROVED).exists()


def approval_letter_can_request(user: Any, subject: Any) -> bool:
    """Registry staff or the body's administrators, and only while the body is approved."""
    return subject.status == Body.Status.APPROVED and can_manage_body(user, subject)


def approval_letter_filename(document: Document) -> str:
    body = document.body
    name = slugify(body.short_name or body.legal_name) if body is not None else "body"
    return f"ICR-approval-letter-{name}-{document.number}.pdf"


register(
    DocumentKind(
        code=APPROVAL_LETTER,
        label=_("ICR approval letter"),
        template_name="pdf/bodies/approval_letter.html",
        subject_model="bodies.Body",
        body_of=lambda body: body,
        context=approval_letter_context,
        is_current=approval_letter_is_current,
        can_request=approval_letter_can_request,
        filename=approval_letter_filename,
        public=True,
        not_current_reason=_("This letter is genuine, but the body is no longer approved by ICR."),
    )
)
