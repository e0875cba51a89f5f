"""Stable error codes of the clients app (returned by the API in `code`)."""

from __future__ import annotations

from core.error_codes import ErrorCode


class ClientsErrorCode(ErrorCode):
    #: the body already has a client with this registration number
    DUPLICATE_REGISTRATION_NUMBER = "duplicate_registration_number"
    #: the body already has a project with this registry number
    DUPLICATE_REGISTRY_NUMBER = "duplicate_registry_number"
    #: a client has at most one central function among its sites
    SECOND_CENTRAL_FUNCTION = "second_central_function"
    #: a period's end comes before its start
    PERIOD_ENDS_BEFORE_START = "period_ends_before_start"
    #: a project's sector is a GHG sectoral scope
    SECTOR_NOT_GHG = "sector_not_ghg"
    #: the proponent or the consultant is a client of another body
    CLIENT_OF_OTHER_BODY = "client_of_other_body"
    #: a project names its consultant as a client or as a name, not both
    TWO_CONSULTANTS = "two_consultants"
    #: the client already has an open invitation or an active user with this email address
    DUPLICATE_CLIENT_USER = "duplicate_client_user"
    #: the invitation link is not known (mistyped, or replaced by a newer invitation)
    INVITATION_UNKNOWN = "invitation_unknown"
    #: the invitation link is past its last valid moment
    INVITATION_EXPIRED = "invitation_expired"
    #: the invitation was already accepted (a link works once)
    INVITATION_USED = "invitation_used"
    #: the body revoked the access this invitation offered
    INVITATION_REVOKED = "invitation_revoked"
    #: the invitation is for another email address than the account accepting it
    INVITATION_OTHER_ACCOUNT = "invitation_other_account"
    #: an account with the invited email address exists: log in to accept
    INVITATION_ACCOUNT_EXISTS = "invitation_account_exists"
