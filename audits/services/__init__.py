"""Engagement services: every write and every rule (the life cycle and its gates, teams, findings and responses).
Other capabilities import from here (`audits.services`)."""

# --- engagements, teams and gates (H9) ---

# --- findings and corrective actions (H10) ---
# isort: split
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
