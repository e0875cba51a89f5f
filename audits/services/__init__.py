"""Engagement services: every write and every rule (the life cycle and its gates, teams, findings and responses).
Other capabilities import from here (`audits.services`)."""

from .engagements import (  # noqa: F401 (re-exported)
    DECLARATION_DUE,
    ENGAGEMENT_FIELDS,
    ENGAGEMENT_UPDATE_FIELDS,
    REPORT_DUE,
    engagement_cancel,
    engagement_confirm_team,
    engagement_create,
    engagement_draft_report,
    engagement_plan,
    engagement_propose_team,
    engagement_reopen_team,
    engagement_send_to_review,
    engagement_set_audit_time,
    engagement_start,
    engagement_update,
    rotation_exemption_record,
    rotation_exemption_update,
    team_member_add,
    team_member_remove,
)
from .findings import (  # noqa: F401 (re-exported)
    FINDING_EVIDENCE_UPLOAD,
    finding_close,
    finding_evidence_add,
    finding_kinds_for,
    finding_raise,
    finding_response_accept,
    finding_response_reject,
    finding_response_submit,
    finding_update,
    finding_verify,
    findings_carry_forward,
    response_due_on,
)
from .gates import (  # noqa: F401 (re-exported)
    Candidate,
    GateFailure,
    GateReport,
    eligibility_failures,
    same_body_validated,
    team_candidates,
    team_gates,
    verifications_in_a_row,
)
