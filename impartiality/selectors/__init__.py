"""Impartiality reads, shaped for constant query counts. Other capabilities import from here."""

# --- declarations, reviews and conflicts (H2) ---
# declarations (H2a)
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

# conflicts (H2b)
# isort: split
from .conflicts import conflict_override_list, conflict_overrides_readable  # noqa: F401 (re-exported)

# --- risk registers and committee (H3) ---
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
