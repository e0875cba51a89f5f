"""Stable error codes of the accounts app (returned by the API in `code`).

These are codes, not secrets: bandit's "hardcoded password" check (S105) misreads TOKEN/PASSWORD names.
"""

from __future__ import annotations

from core.error_codes import ErrorCode


class AccountsErrorCode(ErrorCode):
    #: a value longer than its field allows
    TOO_LONG = "too_long"
    #: a token needs at least one scope
    SCOPES_REQUIRED = "scopes_required"
    #: a scope whose resource or level does not exist
    UNKNOWN_SCOPE = "unknown_scope"
    #: a token's expiry must lie in the future
    EXPIRY_IN_PAST = "expiry_in_past"
    #: a token may live at most API_TOKEN_MAX_DAYS
    TOKEN_LIFETIME_TOO_LONG = "token_lifetime_too_long"  # noqa: S105
    #: the token is already revoked
    TOKEN_REVOKED = "token_revoked"  # noqa: S105
    #: a body's token whose creator no longer holds `manage_api_tokens` on the body (it lapsed; re-issue it)
    TOKEN_CREATOR_LOST_AUTHORITY = "token_creator_lost_authority"  # noqa: S105
    #: the password fails the password validators
    PASSWORD_TOO_WEAK = "password_too_weak"  # noqa: S105
    #: an account with this email address already exists
    EMAIL_TAKEN = "email_taken"
    #: the email confirmation link is older than EMAIL_CONFIRMATION_MAX_AGE
    CONFIRMATION_EXPIRED = "confirmation_expired"
    #: the email confirmation link is not one the platform made (or the address changed since)
    CONFIRMATION_INVALID = "confirmation_invalid"
    #: the email address is already confirmed (a link works once)
    CONFIRMATION_USED = "confirmation_used"
    #: the account's email address is not confirmed yet
    EMAIL_UNCONFIRMED = "email_unconfirmed"
    #: two-step login: the code (authenticator or recovery code) is not right
    MFA_CODE_INVALID = "mfa_code_invalid"
    #: two-step login: too many wrong codes; wait until the lock ends
    MFA_LOCKED = "mfa_locked"
    #: two-step login must be set up (or this session's second step passed) first
    MFA_REQUIRED = "mfa_required"
    #: two-step login is already set up
    MFA_ALREADY_ENABLED = "mfa_already_enabled"
    #: two-step login is not set up
    MFA_NOT_ENABLED = "mfa_not_enabled"
    #: the password (or the code) must be given again before this action
    REAUTHENTICATION_REQUIRED = "reauthentication_required"
