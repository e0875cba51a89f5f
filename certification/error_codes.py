"""Stable error codes of the certification capability, returned by the API in `code` and carried by its services'
errors."""

from __future__ import annotations

from core.error_codes import ErrorCode


class CertificationErrorCode(ErrorCode):
    # --- reviews and decisions ---
    #: the reviewer is on the team, or not the engagement's reviewer
    REVIEWER_NOT_INDEPENDENT = "reviewer_not_independent"
    #: the review is not complete (no decision, opinion or statement before it)
    REVIEW_NOT_COMPLETE = "review_not_complete"
    #: the decision maker was on the team or reviewed the engagement
    DECIDER_NOT_INDEPENDENT = "decider_not_independent"
    #: the decision does not apply to this engagement or certificate
    DECISION_NOT_APPLICABLE = "decision_not_applicable"
    #: a major nonconformity is not verified
    MAJOR_NC_OPEN = "major_nc_open"
    #: more than six months after the last day of stage 2: a new stage 2 is required
    STAGE2_TOO_OLD = "stage2_too_old"
    #: a minor nonconformity has no accepted plan
    MINOR_NC_NO_PLAN = "minor_nc_no_plan"
    #: a CAR or CL is still open (no final opinion)
    CAR_CL_OPEN = "car_cl_open"
    #: after the restore window (six months after expiry): a new audit is needed
    RESTORE_TOO_LATE = "restore_too_late"
    #: the review is not in a state or round that allows this (comments unresolved or unanswered, ...)
    REVIEW_STATE = "review_state"
    #: the decision maker does not hold the role, or is not an active member of the body
    DECIDER_NOT_ALLOWED = "decider_not_allowed"
    #: the statement's quantities are missing or outside the monitoring period
    STATEMENT_QUANTITIES_INVALID = "statement_quantities_invalid"
    # --- certificates, programme and proposals ---
    #: the certificate's status does not allow this step (reinstate only a suspended one, ...)
    CERTIFICATE_STATE = "certificate_state"
    #: a recertification decided after the certificate expired (restore it instead, within the window)
    RECERTIFY_TOO_LATE = "recertify_too_late"
    #: a restore needs the outstanding recertification work done (its engagement awaiting its decision)
    RESTORE_WORK_OUTSTANDING = "restore_work_outstanding"
    #: the programme date is not due any more (planned, done or no longer due)
    DUE_NOT_OPEN = "due_not_open"
    #: the proposal is not open any more
    PROPOSAL_NOT_OPEN = "proposal_not_open"
    # --- numbering, public verification, CertSearch ---
    #: the numbering pattern is not usable
    NUMBERING_INVALID = "numbering_invalid"
    #: the IAF CertSearch upload is not configured (CERTSEARCH_URL, CERTSEARCH_API_KEY)
    CERTSEARCH_DISABLED = "certsearch_disabled"
