"""Stable error codes of the bodies app (returned by the API in `code`)."""

from __future__ import annotations

from core.error_codes import ErrorCode


class BodiesErrorCode(ErrorCode):
    #: applying needs a logged-in person
    LOGIN_REQUIRED = "login_required"
    #: a withdrawn body's profile is closed
    BODY_WITHDRAWN = "body_withdrawn"
    #: approving needs the signed ICR agreement on record
    AGREEMENT_MISSING = "agreement_missing"
    #: the agreement needs its reference
    AGREEMENT_REFERENCE_REQUIRED = "agreement_reference_required"
    #: the person already belongs to the body
    ALREADY_MEMBER = "already_member"
    #: a role that does not exist
    UNKNOWN_ROLE = "unknown_role"
    #: a body never loses its last active body administrator
    LAST_BODY_ADMIN = "last_body_admin"
    #: an accreditation's validity ends before it starts
    VALIDITY_REVERSED = "validity_reversed"
    #: an accreditation cycle longer than ACCREDITATION_MAX_CYCLE_YEARS (ISO/IEC 17011)
    CYCLE_TOO_LONG = "cycle_too_long"
    #: an accreditation for an approved GHG programme names the programme
    PROGRAMME_NAME_REQUIRED = "programme_name_required"
    #: an accreditation's scope is never empty
    SCOPE_EMPTY = "scope_empty"
    #: the body already has this accreditation certificate
    DUPLICATE_CERTIFICATE = "duplicate_certificate"
    #: a withdrawn or expired accreditation is closed
    ACCREDITATION_CLOSED = "accreditation_closed"
    #: the accreditation's validity has ended, so it cannot be reinstated
    VALIDITY_ENDED = "validity_ended"
    #: a new accreditation needs its certificate (a PDF)
    CERTIFICATE_REQUIRED = "certificate_required"
    #: only an accreditation waiting for verification can be verified or refused
    VERIFICATION_NOT_PENDING = "verification_not_pending"
    #: approving needs a verified, active accreditation whose standard fits the body's kind and activities
    VERIFIED_ACCREDITATION_MISSING = "verified_accreditation_missing"
