"""The audits capability's audit_actions declarations (see docs/DEVELOPING.md)."""

from __future__ import annotations

# --- engagements, teams and gates (H9) ---

# --- findings and corrective actions (H10) ---
from django.urls import NoReverseMatch as _FindingNoReverseMatch  # noqa: E402
from django.urls import reverse as _finding_reverse  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from core.audit import declare_audit_actions  # noqa: E402
from core.audit import declare_audit_record as _declare_finding_record  # noqa: E402


def _finding_page(finding_id: object) -> str:
    try:
        return _finding_reverse("audits:finding-detail", args=[finding_id])
    except _FindingNoReverseMatch:
        return ""


declare_audit_actions(
    {
        "audits.finding.raised": _("raised the finding"),
        "audits.finding.updated": _("changed the finding"),
        "audits.finding.evidence_added": _("added objective evidence to the finding"),
        "audits.finding.carried_forward": _("carried the finding forward from the previous engagement"),
        "audits.finding.responded": _("answered the finding"),
        "audits.finding.accepted": _("accepted the response to the finding"),
        "audits.finding.rejected": _("rejected the response to the finding"),
        "audits.finding.verified": _("verified the effectiveness of the corrective action"),
        "audits.finding.closed": _("closed the finding"),
        "audits.finding_response.submitted": _("submitted a response to the finding"),
        "audits.finding_response.accepted": _("accepted the response"),
        "audits.finding_response.rejected": _("rejected the response"),
    }
)
_declare_finding_record("audits.finding", url=lambda finding: _finding_page(finding.pk))
_declare_finding_record("audits.findingresponse", url=lambda response: _finding_page(response.finding_id))
_declare_finding_record("audits.findingevidence", url=lambda evidence: _finding_page(evidence.finding_id))
