"""The demo's findings in every state, client responses, and a FAR carried over (H10).

On the engagements the engagements part made (it runs before this one), through the findings services, by the
engagement's lead auditor and the client's user:

- the GHG engagement in fieldwork of a client with a client user (Reykjanes Geothermal Power, whose client view
  Bryndís reads) gets findings in every state: an open CL; a CAR whose first response was rejected and whose
  second was accepted, verified and closed; a CL whose response waits for the team; a CAR accepted and waiting
  for verification; a CL verified; an open FAR, carried over by the body's planner to the next verification of
  the same project (the draft of the next period); a FAR closed; and, when the same project had an earlier
  verification in fieldwork, that verification's open FAR carried over;
- a management-system audit in fieldwork gets a major and a minor nonconformity and an observation.

Then the PDFs a demo user finds ready, asked for by the body's planner through the documents engine (rendered by
the `pdf` worker once the demo's transaction commits): the audit plan of the multi-site surveillance (its sample
and audit time) and the report of the management-system audit with its findings.

Without engagements in fieldwork (the engagements part not loaded) it adds nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User
from audits import services as audits
from audits.documents import AUDIT_PLAN_PDF, PLAN_STATUSES, REPORT_PDF, REPORT_STATUSES
from audits.models import GHG_KINDS, MANAGEMENT_SYSTEM_KINDS, Engagement, EngagementKind, TeamMember
from bodies.models import Membership, Role
from clients.models import ClientUser
from documents.services import document_request

from ..registry import Contributor, DemoContext, register

FIELDWORK = ("in_progress", "report_drafted")
VERIFICATIONS = (EngagementKind.VERIFICATION, EngagementKind.VALIDATION_VERIFICATION)


def _lead(engagement: Engagement) -> User | None:
    member = (
        TeamMember.objects.filter(engagement=engagement, role="lead_auditor", membership__status="active")
        .select_related("membership__user")
        .first()
    )
    return member.membership.user if member is not None else None


def _client_user(engagement: Engagement) -> User | None:
    access = ClientUser.objects.filter(client=engagement.client, status="active", user__isnull=False).first()
    return access.user if access is not None else None


def _raise(
    engagement: Engagement, lead: User, kind: str, clause: str, statement: str, evidence: str, **more: Any
):  # type: ignore[no-untyped-def]
    return audits.finding_raise(
        engagement=engagement,
        actor=lead,
        fields={"kind": kind, "clause": clause, "statement": statement, "evidence": evidence, **more},
    )


def _respond(finding: Any, user: User, root_cause: str, correction: str, corrective_action: str) -> None:
    audits.finding_response_submit(
        finding=finding,
        actor=user,
        fields={"root_cause": root_cause, "correction": correction, "corrective_action": corrective_action},
    )


def _ghg(engagement: Engagement, lead: User, client_user: User) -> None:
    # an earlier verification of the same project, in fieldwork: its open FAR carries into this one
    if engagement.project_id is not None and engagement.kind in VERIFICATIONS:
        earlier = (
            Engagement.objects.filter(
                project_id=engagement.project_id,
                kind__in=VERIFICATIONS,
                status__in=FIELDWORK,
                planned_start__lt=engagement.planned_start,
            )
            .order_by("-planned_start")
            .first()
        )
        earlier_lead = _lead(earlier) if earlier is not None else None
        if earlier is not None and earlier_lead is not None:
            _raise(
                earlier,
                earlier_lead,
                "far",
                "VCS Standard 3.19.1",
                "The flow meter at well RN-14 is due for recalibration before the next monitoring period.",
                "Calibration certificate FM-14 valid until the end of the monitoring period.",
            )
            audits.findings_carry_forward(engagement=engagement, actor=lead)

    _raise(
        engagement,
        lead,
        "cl",
        "ISO 14064-2 6.7",
        "The monitoring report does not state the source of the non-condensable gas emission factor.",
        "Monitoring report v2, section 4.3, table 7.",
        internal_note="Ask the plant chemist directly if the answer is vague.",
    )
    car = _raise(
        engagement,
        lead,
        "car",
        "ISO 14064-3 6.1.4",
        "Steam flow data for March are missing from the emission calculation spreadsheet.",
        "Emissions workbook 2025, sheet 'Steam', rows 60-91 empty; DCS export shows flow for the whole month.",
    )
    _respond(
        car, client_user, "The export job failed silently.", "March data added.", "Alerts on export failures."
    )
    audits.finding_response_reject(
        finding=car,
        actor=lead,
        comment="The root cause does not explain why the gap was not seen in the monthly review.",
    )
    _respond(
        car,
        client_user,
        "The monthly review compared totals only, not day-by-day completeness.",
        "March data added from the DCS export; totals reconciled.",
        "A completeness check per day in the monthly review procedure (QP-12 rev. 4) and alerts on export failures.",
    )
    audits.finding_response_accept(finding=car, actor=lead, comment="Thank you, the procedure covers it.")
    audits.finding_verify(finding=car, actor=lead, note="QP-12 rev. 4 applied in the April and May reviews.")
    audits.finding_close(finding=car, actor=lead)

    waiting = _raise(
        engagement,
        lead,
        "cl",
        "VCS Standard 3.12",
        "Clarify how the project boundary treats the reinjection pumps.",
        "Project description v3, figure 2.",
    )
    _respond(
        waiting,
        client_user,
        "The figure predates the 2024 pump upgrade.",
        "Figure 2 redrawn with the reinjection pumps inside the boundary.",
        "Project description updated (v4); change log kept.",
    )
    accepted = _raise(
        engagement,
        lead,
        "car",
        "ISO 14064-2 6.10",
        "Meter calibration records for two of five meters were not available.",
        "Calibration folder, meters FM-02 and FM-05.",
    )
    _respond(
        accepted, client_user, "Records kept by the contractor.", "Records obtained.", "Records kept on site."
    )
    audits.finding_response_accept(finding=accepted, actor=lead)
    verified = _raise(
        engagement,
        lead,
        "cl",
        "VCS Standard 3.16",
        "Explain the leakage assessment for the drilling rig's diesel.",
        "Leakage section of the project description.",
    )
    _respond(verified, client_user, "Not explained.", "Leakage calculation added.", "Template updated.")
    audits.finding_response_accept(finding=verified, actor=lead)
    audits.finding_verify(
        finding=verified, actor=lead, note="Leakage calculation checked against fuel invoices."
    )
    _raise(
        engagement,
        lead,
        "far",
        "VCS Standard 3.19.1",
        "Confirm at the next verification that the new gas-extraction unit is metered.",
        "Commissioning plan for the gas-extraction unit.",
    )
    closed_far = _raise(
        engagement,
        lead,
        "far",
        "VCS Standard 3.19.1",
        "Archive the raw DCS exports for the crediting period.",
        "Data management plan, section 2.",
    )
    audits.finding_close(finding=closed_far, actor=lead)
    _carry_to_next_verification(engagement)


def _planner(engagement: Engagement) -> User | None:
    admin = (
        Membership.objects.active()
        .with_role(Role.BODY_ADMIN)
        .filter(body_id=engagement.body_id)
        .select_related("user")
        .first()
    )
    return admin.user if admin is not None else None


def _carry_to_next_verification(engagement: Engagement) -> None:
    """The next verification of the same project (planned, not cancelled) takes the open FAR, carried by the
    body's planner who prepares it."""
    if engagement.project_id is None or engagement.kind not in VERIFICATIONS:
        return
    following = (
        Engagement.objects.filter(
            project_id=engagement.project_id,
            kind__in=VERIFICATIONS,
            planned_start__gt=engagement.planned_start,
        )
        .exclude(status__in=["cancelled", "under_review", "awaiting_decision", "decided", "closed"])
        .order_by("planned_start")
    )
    planner = _planner(engagement)
    later = following.first()
    if later is not None and planner is not None:
        audits.findings_carry_forward(engagement=later, actor=planner)


def _management_system(engagement: Engagement, lead: User) -> None:
    """In the audited standard's own clauses (the demo's management-system audits are of ISO 14001)."""
    standard = engagement.standard.code.upper().replace("ISO-", "ISO ")
    _raise(
        engagement,
        lead,
        "major_nc",
        f"{standard}:2015 8.1",
        "Rinse water from the anodising line was discharged without the neutralisation the operating "
        "procedure requires.",
        "Discharge log, weeks 14 to 22; bypass valve of the neutralisation tank found open; procedure OP-ENV-04 "
        "rev. 2.",
    )
    _raise(
        engagement,
        lead,
        "minor_nc",
        f"{standard}:2015 7.5.3",
        "Two obsolete waste-transfer forms were in use at the dispatch desk.",
        "Forms F-12 rev. 2 and F-19 rev. 1 at dispatch; current revisions 3 and 2.",
    )
    _raise(
        engagement,
        lead,
        "observation",
        f"{standard}:2015 9.1.1",
        "Energy and water use could be monitored per extrusion press rather than for the plant as a whole.",
        "Monthly utilities report; meters at the plant's intake only.",
    )


def _documents() -> None:
    """The audit plan of a multi-site audit (its sample stored) and the report of a management-system audit with
    findings, each asked for once by the body's planner."""
    sampled = (
        Engagement.objects.filter(status__in=PLAN_STATUSES, audit_time__has_key="sample")
        .order_by("planned_start", "reference")
        .first()
    )
    reported = (
        Engagement.objects.filter(
            status__in=REPORT_STATUSES,
            kind__in=[k.value for k in MANAGEMENT_SYSTEM_KINDS],
            findings__isnull=False,
        )
        .distinct()
        .order_by("planned_start", "reference")
        .first()
    )
    for kind, engagement in ((AUDIT_PLAN_PDF, sampled), (REPORT_PDF, reported)):
        planner = _planner(engagement) if engagement is not None else None
        if engagement is not None and planner is not None:
            document_request(kind=kind, subject=engagement, body=engagement.body, actor=planner)


def load(context: DemoContext) -> None:
    in_fieldwork = Engagement.objects.filter(status__in=FIELDWORK).order_by("-planned_start", "reference")
    ghg = [
        e for e in in_fieldwork.filter(kind__in=[k.value for k in GHG_KINDS]) if _client_user(e) and _lead(e)
    ]
    if ghg:
        engagement = ghg[0]
        _ghg(engagement, _lead(engagement), _client_user(engagement))  # type: ignore[arg-type]
    ms = in_fieldwork.filter(
        Q(kind__in=[k.value for k in MANAGEMENT_SYSTEM_KINDS]), findings__isnull=True
    ).distinct()
    for engagement in ms:
        lead = _lead(engagement)
        if lead is not None:
            _management_system(engagement, lead)
            break
    _documents()


register(Contributor(key="audits_findings", order=70, load=load))
