"""Stable error codes of the audits capability, returned by the API in `code` and carried by its services' errors:
engagements and their teams (eligibility, the team gates, the life cycle), findings and the client's responses, and
audit time and multi-site sampling (the IAF MD 5, MD 11 and MD 1 rules)."""

from __future__ import annotations

from core.error_codes import ErrorCode


class AuditsErrorCode(ErrorCode):
    # engagements and teams
    #: the body is not eligible for the engagement (approval, agreement, accreditation)
    BODY_NOT_ELIGIBLE = "body_not_eligible"
    #: a validation or verification needs a project (its proponent is the client)
    PROJECT_REQUIRED = "project_required"
    #: the project is not of the engagement's body, or its proponent is not the client
    PROJECT_INVALID = "project_invalid"
    #: the client is not a client of the engagement's body
    CLIENT_INVALID = "client_invalid"
    #: a field that does not apply to the engagement's kind was given
    FIELD_NOT_FOR_KIND = "field_not_for_kind"
    #: a verification needs its level of assurance
    ASSURANCE_REQUIRED = "assurance_required"
    #: a verification needs its monitoring period, inside the project's
    MONITORING_PERIOD_INVALID = "monitoring_period_invalid"
    #: a stage 2 follows a stage 1 of the same client
    PREVIOUS_STAGE_INVALID = "previous_stage_invalid"
    #: a site that is not the client's
    SITE_NOT_OF_CLIENT = "site_not_of_client"
    #: the planned end is before the planned start
    PLANNED_ORDER = "planned_order"
    #: the team can change only before it is confirmed
    TEAM_LOCKED = "team_locked"
    #: the person is not an active member of the engagement's body
    NOT_A_MEMBER = "not_a_member"
    #: the person is already on the team
    ALREADY_ON_TEAM = "already_on_team"
    #: the team already has a lead auditor
    SECOND_LEAD_AUDITOR = "second_lead_auditor"
    #: proposing a team needs a lead auditor on it
    NO_LEAD_AUDITOR = "no_lead_auditor"
    #: a team member fails a gate (competence, conflict, declaration, rotation or separation)
    TEAM_GATE_FAILED = "team_gate_failed"
    #: only the engagement's lead auditor may do this
    NOT_LEAD_AUDITOR = "not_lead_auditor"
    #: the independent reviewer must hold the reviewer role and not be on the team
    REVIEWER_INVALID = "reviewer_invalid"
    #: the decision maker must hold the role and be neither on the team nor its reviewer
    DECIDER_INVALID = "decider_invalid"
    #: audit time needs days (in half days) and a written justification
    AUDIT_TIME_INVALID = "audit_time_invalid"
    #: a rotation exemption's validity ends in the past, or its project is not the body's
    EXEMPTION_INVALID = "exemption_invalid"

    # findings
    #: a finding's kind is not in the vocabulary of the engagement's family
    FINDING_KIND_NOT_FOR_ENGAGEMENT = "finding_kind_not_for_engagement"
    #: only a member of the engagement's team may do this with its findings
    NOT_ON_TEAM = "not_on_team"
    #: findings are raised and changed only while the engagement is in progress or its report drafted
    ENGAGEMENT_NOT_IN_FIELDWORK = "engagement_not_in_fieldwork"
    #: the auditor's text of a finding changes only while the finding is open
    FINDING_NOT_OPEN = "finding_not_open"
    #: only the client's users (or a planner recording a response received otherwise) answer a finding
    NOT_CLIENT_OF_ENGAGEMENT = "not_client_of_engagement"
    #: this kind of finding needs no response from the client
    FINDING_NEEDS_NO_RESPONSE = "finding_needs_no_response"
    #: a rejected response needs a comment for the client
    COMMENT_REQUIRED = "comment_required"
    #: a finding needing a response closes only once verified
    FINDING_NOT_VERIFIED = "finding_not_verified"
    #: the verification of effectiveness needs a note
    VERIFICATION_NOTE_REQUIRED = "verification_note_required"

    # audit time and sampling
    #: IAF MD 5 publishes no audit-time table for GHG validation or verification: the time is entered by hand
    GHG_NO_TIME_TABLE = "ghg_no_time_table"
    #: no audit-time table for this scheme (or none valid on the day): the time is entered by hand
    NO_TIME_TABLE = "no_time_table"
    #: the complexity is not one of the table's columns
    COMPLEXITY_INVALID = "complexity_invalid"
    #: an EMS of special complexity has no column: the time is entered by hand with a justification
    TIME_ENTERED_BY_HAND = "time_entered_by_hand"
    #: time entered by hand needs a written justification
    TIME_JUSTIFICATION_REQUIRED = "time_justification_required"
    #: time may be entered by hand only where no table applies (GHG, special complexity, no table)
    ENTERED_TIME_NOT_ALLOWED = "entered_time_not_allowed"
    #: audit time is counted in half days
    DAYS_NOT_HALF_DAYS = "days_not_half_days"
    #: the effective personnel is not a whole number of at least 1
    EFFECTIVE_PERSONNEL_INVALID = "effective_personnel_invalid"
    #: every reduction or increase of audit time needs a written reason
    ADJUSTMENT_REASON_REQUIRED = "adjustment_reason_required"
    #: an adjustment's percentage is not above 0 (and, for a reduction, below 100)
    ADJUSTMENT_PERCENT_INVALID = "adjustment_percent_invalid"
    #: the reductions together exceed 30 % of the table's time (IAF MD 5)
    REDUCTION_TOO_LARGE = "reduction_too_large"
    #: less than 80 % of the audit time on site
    ON_SITE_TOO_LOW = "on_site_too_low"
    #: the reduction for an integrated system exceeds 20 % (IAF MD 11)
    INTEGRATION_REDUCTION_TOO_LARGE = "integration_reduction_too_large"
    #: an integrated calculation needs two or more standards' times of the same stage, each standard once
    INTEGRATED_PARTS_INVALID = "integrated_parts_invalid"
    #: the number of sites is not a whole number of at least 0
    SITE_COUNT_INVALID = "site_count_invalid"
    #: the time of a sampled site is reduced by more than 50 % (IAF MD 1)
    SITE_REDUCTION_TOO_LARGE = "site_reduction_too_large"
