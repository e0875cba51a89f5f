"""How the audits capability's audit events read in the history (`core.audit`): the sentence of each action on
engagements, their teams, rotation exemptions, findings and responses (shown after the person's name), and the
portal page and the choice labels of each kind of record."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.audit import declare_audit_actions, declare_audit_record

from .models import AssuranceLevel, AuditMode, EngagementKind, EngagementStatus


# engagements and teams
def _engagement_url(engagement: object) -> str:
    try:
        return reverse("audits:engagement-detail", args=[engagement.pk])  # type: ignore[attr-defined]
    except NoReverseMatch:
        return "/"


declare_audit_actions(
    {
        "audits.engagement.created": _("recorded the engagement"),
        "audits.engagement.updated": _("changed the engagement"),
        "audits.engagement.audit_time_set": _("set the engagement's audit time"),
        "audits.engagement.planned": _("planned the engagement"),
        "audits.engagement.team_proposed": _("proposed the engagement's team"),
        "audits.engagement.team_confirmed": _("confirmed the engagement's team"),
        "audits.engagement.team_reopened": _("reopened the engagement's team"),
        "audits.engagement.started": _("started the engagement's fieldwork"),
        "audits.engagement.report_drafted": _("drafted the engagement's report"),
        "audits.engagement.sent_to_review": _("sent the engagement to independent review"),
        "audits.engagement.review_completed": _("completed the independent review"),
        "audits.engagement.decided": _("recorded the decision on the engagement"),
        "audits.engagement.closed": _("closed the engagement"),
        "audits.engagement.cancelled": _("cancelled the engagement"),
        "audits.team_member.added": _("put a person on the engagement's team"),
        "audits.team_member.removed": _("took a person off the engagement's team"),
        "audits.rotation_exemption.recorded": _("recorded a rotation exemption"),
        "audits.rotation_exemption.updated": _("changed a rotation exemption"),
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


# findings
def _finding_page(finding_id: object) -> str:
    try:
        return reverse("audits:finding-detail", args=[finding_id])
    except NoReverseMatch:
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
declare_audit_record("audits.finding", url=lambda finding: _finding_page(finding.pk))
declare_audit_record("audits.findingresponse", url=lambda response: _finding_page(response.finding_id))
declare_audit_record("audits.findingevidence", url=lambda evidence: _finding_page(evidence.finding_id))
