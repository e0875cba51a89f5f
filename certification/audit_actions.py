"""How the certification capability's audit events read in the history (`core.audit`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.audit import declare_audit_actions, declare_audit_record

from .models import (
    CertificateStatus,
    CertSearchUploadStatus,
    DecisionKind,
    DueKind,
    DueStatus,
    ProposalKind,
    ProposalStatus,
    ReviewStatus,
)


def _page(viewname: str, *args: object) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(viewname, args=list(args) or None)
    except NoReverseMatch:
        return "/"


# --- reviews and decisions ---
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
declare_audit_record(
    "certification.review",
    url=lambda review: _page("certification:review-detail", review.engagement_id),
    choices={"status": ReviewStatus.choices},
)
declare_audit_record(
    "certification.decision",
    url=lambda decision: _page("certification:decision-detail", decision.pk),
    choices={"kind": DecisionKind.choices},
)
declare_audit_record(
    "certification.statement", url=lambda statement: _page("certification:statement-detail", statement.pk)
)
declare_audit_record("certification.numbering", url=lambda numbering: _page("certification:numbering"))
# --- certificates, programme and proposals ---
declare_audit_actions(
    {
        "certification.proposal.created": _("proposed a decision on the certificate"),
        "certification.proposal.decided": _("decided the proposal"),
        "certification.proposal.dismissed": _("dismissed the proposal"),
        "certification.certificate.issued": _("issued the certificate"),
        "certification.certificate.maintained": _("maintained the certificate"),
        "certification.certificate.recertified": _("recertified the certificate"),
        "certification.certificate.scope_extended": _("extended the certificate's scope"),
        "certification.certificate.scope_reduced": _("reduced the certificate's scope"),
        "certification.certificate.suspended": _("suspended the certificate"),
        "certification.certificate.reinstated": _("reinstated the certificate"),
        "certification.certificate.withdrawn": _("withdrew the certificate"),
        "certification.certificate.restored": _("restored the certificate after its expiry"),
        "certification.certificate.expired": _("recorded the certificate's expiry"),
        "certification.certificate.confidentiality_changed": _("changed the certificate's confidentiality"),
        "certification.programme_due.planned": _("planned an engagement for the programme date"),
        "certification.programme_due.done": _("recorded the programme date as done"),
    }
)
declare_audit_record(
    "certification.proposal",
    url=lambda proposal: _page("certification:proposal-list"),
    choices={"kind": ProposalKind.choices, "status": ProposalStatus.choices},
)
declare_audit_record(
    "certification.certificate",
    url=lambda certificate: _page("certification:certificate-detail", certificate.pk),
    choices={"status": CertificateStatus.choices},
)
declare_audit_record(
    "certification.programmedue",
    url=lambda due: _page("certification:certificate-detail", due.certificate_id),
    choices={"status": DueStatus.choices, "kind": DueKind.choices},
)
# --- public verification and CertSearch ---
declare_audit_actions({"certification.certsearch.uploaded": _("uploaded the certificates to IAF CertSearch")})
declare_audit_record("certification.certsearchupload", choices={"status": CertSearchUploadStatus.choices})
