"""How the certification capability's audit events read in the history (`core.audit`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.audit import declare_audit_actions, declare_audit_record

from .models import ProposalKind, ProposalStatus, ReviewStatus

# --- reviews and decisions (H6) ---
declare_audit_actions(
    {
        "certification.review.returned": _("returned the report to the team"),
        "certification.review.resubmitted": _("sent the report back to the reviewer"),
        "certification.review.completed": _("completed the independent review"),
        "certification.review.opened": _("opened the independent review"),
        "certification.review.comment_added": _("commented on the report"),
        "certification.review.comment_answered": _("answered a review comment"),
        "certification.review.comment_resolved": _("resolved a review comment"),
        "certification.decision.recorded": _("recorded a decision"),
        "certification.statement.issued": _("issued a statement"),
        "certification.numbering.changed": _("changed the numbering pattern"),
    }
)
# the record's page: the sections fill `url=` when the portal pages exist
declare_audit_record("certification.review", choices={"status": ReviewStatus.choices})
# --- programme and proposals (H7) ---
declare_audit_actions(
    {
        "certification.proposal.decided": _("decided the proposal"),
        "certification.proposal.dismissed": _("dismissed the proposal"),
    }
)
declare_audit_record(
    "certification.proposal", choices={"kind": ProposalKind.choices, "status": ProposalStatus.choices}
)
# --- numbering, public verification, CertSearch (H8) ---
