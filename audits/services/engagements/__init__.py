"""Engagements, their teams and their life cycle (issue 9 §1, §2): every write and every rule. The gates
themselves (eligibility, competence, conflicts, rotation and separation) are in `audits.services.gates`.

Every service is keyword-only, atomic and audited; every state change goes through `core.transitions` (a row
lock, the current status checked, an audit event with before/after) and tells the people concerned.

By concern: `create` (the reference, create and update with their dates, the audit time), `rules` (the
kind's rules), `team` (members, proposal, confirmation through the gates, reopening), `lifecycle` (plan,
start, draft report, independent review, cancel), `rotation` (rotation exemptions), and `common` (fields,
statuses, deadline kinds and the checks a date change runs again).
"""

from .common import (  # noqa: F401 (re-exported)
    DECLARATION_DUE,
    ENGAGEMENT_FIELDS,
    ENGAGEMENT_SNAPSHOT_FIELDS,
    ENGAGEMENT_UPDATE_FIELDS,
    REPORT_DUE,
    TEAM_HELD,
    TEAM_OPEN,
)
from .create import engagement_create, engagement_set_audit_time, engagement_update  # noqa: F401 (re-exported)
from .lifecycle import (  # noqa: F401 (re-exported)
    engagement_await_decision,
    engagement_cancel,
    engagement_close,
    engagement_decide,
    engagement_draft_report,
    engagement_plan,
    engagement_send_to_review,
    engagement_start,
)
from .rotation import rotation_exemption_record, rotation_exemption_update  # noqa: F401 (re-exported)
from .team import (  # noqa: F401 (re-exported)
    engagement_confirm_team,
    engagement_propose_team,
    engagement_reopen_team,
    gate_failures_for,
    team_member_add,
    team_member_remove,
)
