"""Stable error codes of the impartiality app (returned by the API in `code`)."""

from __future__ import annotations

from core.error_codes import ErrorCode


class ImpartialityErrorCode(ErrorCode):
    # --- declarations, reviews and conflicts (H2) ---
    #: a declarant cannot review their own declaration
    SELF_REVIEW = "self_review"
    # declarations (H2a)
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

    # --- risk registers and committee (H3) ---
    #: a risk's next review is more than a year away (a setting)
    REVIEW_DATE_TOO_FAR = "review_date_too_far"
