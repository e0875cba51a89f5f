"""The audits capability's reads, shaped for constant query counts: engagements, their teams and lead auditors,
findings and what a client user sees of them in the client view. Other capabilities import from here
(`audits.selectors`)."""

from .calendar import Clash, EngagementCalendar, engagement_calendar  # noqa: F401 (re-exported)
from .engagements import (  # noqa: F401 (re-exported)
    engagement_detail,
    engagement_filter,
    engagement_list,
    engagements_of_person,
    lead_auditor_of,
    team_list,
)
from .findings import (  # noqa: F401 (re-exported)
    client_view_engagements,
    client_view_findings,
    engagement_findings,
    findings_visible_to,
)
