"""Stable error codes, returned by the API in `code` so an integrator can branch on them (Saleor style).

Each app declares its codes in its own `error_codes.py` as a subclass of `ErrorCode`; a published code never
changes. Only declared codes reach the API: a Django validator's own code ("blank", "max_length") stays an
"invalid" there, with its message in `fieldErrors`.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """The base of every app's error codes."""


class CoreErrorCode(ErrorCode):
    #: nothing more specific is known about an invalid input
    INVALID = "invalid"
    #: the record's status does not allow this action (someone may have acted first)
    INVALID_TRANSITION = "invalid_transition"
    #: the action needs a reason and none was given
    REASON_REQUIRED = "reason_required"
    #: the actor may not do this
    PERMISSION_DENIED = "permission_denied"
    #: a field that this action does not set (the registry's fields, or unknown ones)
    FIELD_NOT_EDITABLE = "field_not_editable"
    #: a value outside the allowed choices
    INVALID_CHOICE = "invalid_choice"
    #: a date that may not lie in the future
    DATE_IN_FUTURE = "date_in_future"
    #: a value that must be given
    REQUIRED = "required"
    #: a list's query parameter it does not know, or an ordering field it cannot sort by
    UNKNOWN_FILTER = "unknown_filter"


def declared_codes() -> set[str]:
    """Every code some loaded `ErrorCode` subclass declares."""
    codes: set[str] = set()
    pending: list[type[ErrorCode]] = [ErrorCode]
    while pending:
        enum = pending.pop()
        codes.update(member.value for member in enum)
        pending.extend(enum.__subclasses__())
    return codes
