"""The audits capability's audit_actions declarations (see docs/DEVELOPING.md)."""

from __future__ import annotations

# --- engagements, teams and gates (H9) ---
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _h9

from core.audit import declare_audit_actions as _declare_h9
from core.audit import declare_audit_record

from .models import AssuranceLevel, AuditMode, EngagementKind, EngagementStatus


def _engagement_url(engagement: object) -> str:
    try:
        return reverse("audits:engagement-detail", args=[engagement.pk])  # type: ignore[attr-defined]
    except NoReverseMatch:
        return "/"


_declare_h9(
    {
        "audits.engagement.created": _h9("recorded the engagement"),
        "audits.engagement.updated": _h9("changed the engagement"),
        "audits.engagement.audit_time_set": _h9("set the engagement's audit time"),
        "audits.engagement.planned": _h9("planned the engagement"),
        "audits.engagement.team_proposed": _h9("proposed the engagement's team"),
        "audits.engagement.team_confirmed": _h9("confirmed the engagement's team"),
        "audits.engagement.team_reopened": _h9("reopened the engagement's team"),
        "audits.engagement.started": _h9("started the engagement's fieldwork"),
        "audits.engagement.report_drafted": _h9("drafted the engagement's report"),
        "audits.engagement.sent_to_review": _h9("sent the engagement to independent review"),
        "audits.engagement.review_completed": _h9("completed the independent review"),
        "audits.engagement.decided": _h9("recorded the decision on the engagement"),
        "audits.engagement.closed": _h9("closed the engagement"),
        "audits.engagement.cancelled": _h9("cancelled the engagement"),
        "audits.team_member.added": _h9("put a person on the engagement's team"),
        "audits.team_member.removed": _h9("took a person off the engagement's team"),
        "audits.rotation_exemption.recorded": _h9("recorded a rotation exemption"),
        "audits.rotation_exemption.updated": _h9("changed a rotation exemption"),
    }
)
declare_audit_record(
    "audits.engagement",
    url=_engagement_url,
    choices={
        "kind": EngagementKind.choices,
        "status": EngagementStatus.choices,
        "mode": AuditMode.choices,
        "level_of_assurance": AssuranceLevel.choices,
    },
)


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
