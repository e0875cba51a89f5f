"""Impartiality services: every write and every rule (declarations, reviews, the conflict service, overrides,
the risk registers, the committee). Other capabilities import from here (`impartiality.services`)."""

# conflicts and overrides
from .conflicts import (  # noqa: F401 (re-exported)
    ABSOLUTE,
    SEVERITY,
    Conflict,
    ConflictReport,
    ConflictRule,
    ConflictSeverity,
    conflict_check,
    conflict_check_many,
    conflict_override,
    impartiality_policy_get,
    impartiality_policy_set,
)

# declarations and their reviews
from .declarations import (  # noqa: F401 (re-exported)
    DECLARATION_RENEWAL,
    DECLARATION_REVIEW,
    RELATIONSHIP_FIELDS,
    annual_valid_until,
    declaration_correct,
    declaration_review,
    declaration_start,
    declaration_start_in_body,
    declaration_submit,
    relationship_add,
    relationship_remove,
    relationship_update,
)

# risk registers and the committee
from .register import (  # noqa: F401 (re-exported)
    COMMITTEE_ACTION_DUE,
    RISK_FIELDS,
    RISK_REVIEW_DUE,
    RiskLevel,
    action_complete,
    can_complete_action,
    meeting_record,
    register_today,
    registry_risk_create,
    review_date_limit,
    risk_close,
    risk_create,
    risk_is_overdue,
    risk_level,
    risk_reopen,
    risk_review,
    risk_update,
    risk_validate,
)
