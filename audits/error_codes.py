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

    # audit time and sampling (H8)
