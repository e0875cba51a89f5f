"""Stable error codes of the certification capability, returned by the API in `code` and carried by its services'
errors."""

from __future__ import annotations

from core.error_codes import ErrorCode


class CertificationErrorCode(ErrorCode):
    # --- reviews and decisions (H6) ---
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
    # --- programme and proposals (H7) ---
    # --- numbering, public verification, CertSearch (H8) ---
    #: the numbering pattern is not usable
    NUMBERING_INVALID = "numbering_invalid"
