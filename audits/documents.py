"""Document kinds of the audits capability (`documents.registry`): an engagement's **audit plan** and its
**report** (audit, validation or verification report), rendered by the documents engine from the engagement's
data in a constant few queries. Both are read by the engagement's readers (`Engagement.objects.granted_to`: the
body's `view_all_engagements` holders and the people granted the engagement); the plan may be asked for from
`planned` on, the report from `report_drafted` on, by a planner (`manage_engagements`) or the lead auditor."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Prefetch, Q
from django.db.models.functions import Cast
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Role
from core.permissions import is_signed_in
from documents.models import Document
from documents.registry import DocumentKind, register

from .audit_time import from_dict
from .models import Engagement, Finding, FindingResponse, TeamMember
from .permissions import can_manage_engagements, team_roles_of
from .sampling import Sample

AUDIT_PLAN_PDF = "audits.plan"
REPORT_PDF = "audits.report"

S = Engagement.Status
#: the statuses from which each document may be asked for (a cancelled engagement prints nothing new)
PLAN_STATUSES = frozenset(
    {
        S.PLANNED,
        S.TEAM_PROPOSED,
        S.TEAM_CONFIRMED,
        S.IN_PROGRESS,
        S.REPORT_DRAFTED,
        S.UNDER_REVIEW,
        S.AWAITING_DECISION,
        S.DECIDED,
        S.CLOSED,
    }
)
REPORT_STATUSES = frozenset({S.REPORT_DRAFTED, S.UNDER_REVIEW, S.AWAITING_DECISION, S.DECIDED, S.CLOSED})
#: the client's users read the report once it is final: after the decision (a drafted report may still change
#: in the independent review)
CLIENT_REPORT_STATUSES = frozenset({S.DECIDED, S.CLOSED})


def _engagement(document: Document) -> Engagement:
    """The engagement with its client, project, criteria, sector, sites and team: three queries."""
    team = TeamMember.objects.select_related("membership__user").order_by(
        "role", "membership__user__full_name", "id"
    )
    return (
        Engagement.objects.select_related(
            "body", "client", "project", "standard", "sector", "activity", "previous_stage", "reviewer__user"
        )
        .prefetch_related("sites", Prefetch("team", queryset=team, to_attr="team_members"))
        .get(pk=document.subject_id)
    )


def _time_calculation(engagement: Engagement) -> tuple[str, str]:
    """The stored calculation's and sample's steps in words, in English (a PDF is a document of record): the
    engagement keeps `{"time": <calculation>, "sample": <multi-site sample>}` (either may be absent)."""
    stored = engagement.audit_time or {}
    calculation = sample = ""
    with translation.override("en"):
        if stored.get("time"):
            try:
                calculation = from_dict(stored["time"]).justification_text()
            except (KeyError, TypeError, ValueError):
                calculation = ""
        if stored.get("sample"):
            try:
                sample = Sample.from_dict(stored["sample"]).justification_text()
            except (KeyError, TypeError, ValueError):
                sample = ""
    return calculation, sample


def _team(engagement: Engagement) -> list[TeamMember]:
    order = {Role.LEAD_AUDITOR.value: 0, Role.AUDITOR.value: 1, Role.TECHNICAL_EXPERT.value: 2}
    return sorted(engagement.team_members, key=lambda member: order.get(member.role, 9))  # type: ignore[attr-defined]


def plan_pdf_context(document: Document) -> dict[str, Any]:
    """The audit plan: the engagement's facts, its sites, team with roles and audit time. Three queries."""
    engagement = _engagement(document)
    calculation, sample = _time_calculation(engagement)
    return {
        "engagement": engagement,
        "sites": list(engagement.sites.all()),
        "team": _team(engagement),
        "time_calculation": calculation,
        "sample_rule": sample,
        "is_verification": engagement.kind
        in (Engagement.Kind.VERIFICATION, Engagement.Kind.VALIDATION_VERIFICATION),
    }


def report_pdf_context(document: Document) -> dict[str, Any]:
    """The report: the plan's facts, the findings table (each with its latest response's summary), the
    conclusions, for a verification its assurance, materiality and disclosure, and the reviewer. Five queries."""
    context = plan_pdf_context(document)
    engagement = context["engagement"]
    responses = FindingResponse.objects.order_by("finding_id", "-version")
    findings = list(
        Finding.objects.filter(engagement=engagement)
        .prefetch_related(Prefetch("responses", queryset=responses, to_attr="latest_responses"))
        .order_by("number", "id")
    )
    for finding in findings:
        finding.latest_response = finding.latest_responses[0] if finding.latest_responses else None  # type: ignore[attr-defined]
    context["findings"] = findings
    return context


def engagement_pdf_readable_by(user: Any) -> Q:
    """The engagement's readers (the body's `view_all_engagements` holders, the people granted it), as a filter
    on documents."""
    if not is_signed_in(user):
        return Q(pk__in=[])
    readable = Engagement.objects.granted_to(user).annotate(subject=Cast("id", CharField())).values("subject")
    return Q(subject_id__in=readable)


def can_request_plan(actor: Any, engagement: Engagement) -> bool:
    return engagement.status in PLAN_STATUSES and _planner_or_lead(actor, engagement)


def can_request_report(actor: Any, engagement: Engagement) -> bool:
    return engagement.status in REPORT_STATUSES and _planner_or_lead(actor, engagement)


def _planner_or_lead(actor: Any, engagement: Engagement) -> bool:
    if not is_signed_in(actor):
        return False
    return can_manage_engagements(actor, engagement.body) or Role.LEAD_AUDITOR.value in team_roles_of(
        actor, engagement
    )


def _filename(prefix: str) -> Any:
    def filename(document: Document) -> str:
        reference = (
            Engagement.objects.filter(pk=document.subject_id).values_list("reference", flat=True).first()
        )
        return f"{prefix}-{slugify(reference or '')}-{document.number}.pdf"

    return filename


register(
    DocumentKind(
        code=AUDIT_PLAN_PDF,
        label=_("Audit plan"),
        template_name="pdf/audits/plan.html",
        subject_model="audits.Engagement",
        body_of=lambda engagement: engagement.body,
        context=plan_pdf_context,
        can_request=can_request_plan,
        readable_by=engagement_pdf_readable_by,
        filename=_filename("audit-plan"),
        public=False,
    )
)

register(
    DocumentKind(
        code=REPORT_PDF,
        label=_("Engagement report"),
        template_name="pdf/audits/report.html",
        subject_model="audits.Engagement",
        body_of=lambda engagement: engagement.body,
        context=report_pdf_context,
        can_request=can_request_report,
        readable_by=engagement_pdf_readable_by,
        filename=_filename("report"),
        public=False,
    )
)


def client_final_report(engagement: Engagement) -> Document | None:
    """The engagement's final report for its client's users: the latest ready report once the engagement is
    decided or closed (None before). The caller has checked that the person reads the engagement's client
    (`audits.selectors.findings.client_view_engagements`)."""
    if engagement.status not in CLIENT_REPORT_STATUSES:
        return None
    return (
        Document.objects.for_subject(engagement)
        .ready()
        .filter(kind=REPORT_PDF)
        .order_by("-rendered_at")
        .first()
    )
