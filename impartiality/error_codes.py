"""Stable error codes of the impartiality app (returned by the API in `code`): declarations and their reviews,
conflicts and their overrides, the risk registers and the impartiality committee."""

from __future__ import annotations

from core.error_codes import ErrorCode


class ImpartialityErrorCode(ErrorCode):
    # declarations and their reviews
    #: a declarant cannot review their own declaration
    SELF_REVIEW = "self_review"
    #: only the person themselves drafts, changes, submits and corrects their declaration
    NOT_DECLARANT = "not_declarant"
    #: the person already has an open draft of this kind (and counterparty)
    DRAFT_ALREADY_OPEN = "draft_already_open"
    #: a submitted declaration never changes (correct it instead)
    DECLARATION_NOT_DRAFT = "declaration_not_draft"
    #: submitting needs the declarant's attestation
    ATTESTATION_REQUIRED = "attestation_required"
    #: a per-engagement declaration names a client or a project
    COUNTERPARTY_REQUIRED = "counterparty_required"
    #: an annual declaration names no counterparty
    COUNTERPARTY_NOT_ALLOWED = "counterparty_not_allowed"
    #: the client or project is not the declaration's body's
    COUNTERPARTY_OTHER_BODY = "counterparty_other_body"
    #: a relationship ends before it starts
    RELATIONSHIP_ENDS_BEFORE_START = "relationship_ends_before_start"
    #: a mitigated conflict needs the measures taken
    MEASURES_REQUIRED = "measures_required"
    #: only the latest version of a declaration can be corrected
    NOT_LATEST_VERSION = "not_latest_version"
    #: the membership is not active
    MEMBERSHIP_NOT_ACTIVE = "membership_not_active"

    # conflicts and overrides
    #: a conflict check or override names a client or a project, not both
    TWO_COUNTERPARTIES = "two_counterparties"
    #: the planned period ends before it starts
    PLANNED_END_BEFORE_START = "planned_end_before_start"
    #: only a person holding the role the body's impartiality policy names may override a conflict
    OVERRIDE_NOT_ALLOWED = "override_not_allowed"
    #: nobody overrides a conflict of their own
    OVERRIDE_OWN_CONFLICT = "override_own_conflict"
    #: an absolute conflict (cooling-off, current employment) is never overridden
    CONFLICT_ABSOLUTE = "conflict_absolute"
    #: the conflict check finds no conflict of this rule to override
    CONFLICT_NOT_FOUND = "conflict_not_found"
    #: an override of this rule already covers this person, counterparty and period
    CONFLICT_ALREADY_OVERRIDDEN = "conflict_already_overridden"
    #: an override needs a written justification
    JUSTIFICATION_REQUIRED = "justification_required"

    # risk registers and the committee
    #: a risk's next review is more than a year away (a setting)
    REVIEW_DATE_TOO_FAR = "review_date_too_far"
    #: a risk's next review is dated before today (or before the day it was reviewed)
    REVIEW_DATE_IN_PAST = "review_date_in_past"
    #: likelihood and impact are rated 1 to 5
    RATING_OUT_OF_RANGE = "rating_out_of_range"
    #: a risk's (or a committee action's) owner must be an active member of the body; a registry risk's, staff
    OWNER_NOT_ELIGIBLE = "owner_not_eligible"
    #: a closed risk is not changed or reviewed (reopen it first); an open one is not closed twice
    RISK_CLOSED = "risk_closed"
    #: a risk reviewed at a meeting is one of the meeting's body's
    RISK_OF_ANOTHER_BODY = "risk_of_another_body"
    #: a meeting's attendee is not an active member of the body's impartiality committee
    NOT_COMMITTEE_MEMBER = "not_committee_member"
    #: a meeting has at least one attendee
    ATTENDEES_REQUIRED = "attendees_required"
    #: a committee action is due on or after the meeting that decided it
    ACTION_DUE_BEFORE_MEETING = "action_due_before_meeting"
    #: only the action's owner or a keeper of the register marks a committee action done
    NOT_ACTION_OWNER = "not_action_owner"
