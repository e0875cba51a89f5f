"""Impartiality reads, shaped for constant query counts (declarations and their reviews, conflict overrides, the
risk registers, the committee). Other capabilities import from here (`impartiality.selectors`)."""

# conflict overrides
from .conflicts import conflict_override_list, conflict_overrides_readable  # noqa: F401 (re-exported)

# declarations and their reviews
from .declarations import (  # noqa: F401 (re-exported)
    ANNUAL_STATE_CHOICES,
    EXPIRING_WITHIN_DAYS,
    AnnualDeclarationState,
    annual_declaration_state,
    annual_declaration_states,
    body_declarations,
    declaration_detail,
    declaration_versions,
    declarations_readable,
    person_declarations,
    person_latest_declarations,
    review_queue,
)

# risk registers and the committee
from .register import (  # noqa: F401 (re-exported)
    action_list,
    committee_members,
    meeting_detail,
    meeting_list,
    overdue_condition,
    registry_risk_list,
    risk_filter,
    risk_list,
)
