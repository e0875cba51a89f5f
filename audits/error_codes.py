"""Stable error codes of the audits app (returned by the API in `code`)."""

from __future__ import annotations

from core.error_codes import ErrorCode


class AuditsErrorCode(ErrorCode):
    # --- engagements, teams and gates (H9) ---
    #: the body is not eligible for the engagement (approval, agreement, accreditation)
    BODY_NOT_ELIGIBLE = "body_not_eligible"

    # --- findings and corrective actions (H10) ---
    #: a finding's kind is not in the vocabulary of the engagement's family
    FINDING_KIND_NOT_FOR_ENGAGEMENT = "finding_kind_not_for_engagement"

    # audit time and sampling (H8)
