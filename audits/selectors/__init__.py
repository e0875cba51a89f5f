"""Engagement reads, shaped for constant query counts. Other capabilities import from here."""

# --- engagements, teams and gates (H9) ---
from .engagements import (  # noqa: F401 (re-exported)
    engagement_detail,
    engagement_filter,
    engagement_list,
    engagements_of_person,
    lead_auditor_of,
    team_list,
)

# --- findings and corrective actions (H10) ---
# isort: split
from .findings import (  # noqa: F401 (re-exported)
    client_view_engagements,
    client_view_findings,
    engagement_findings,
    findings_visible_to,
)
