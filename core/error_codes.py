"""Stable error codes of the platform kernel, returned by the API in `code` so an integrator can branch on them.

Each app keeps its own `error_codes.py` (a `StrEnum`); a code never changes once published.
"""

from __future__ import annotations

from enum import StrEnum


class CoreErrorCode(StrEnum):
    #: nothing more specific is known about an invalid input
    INVALID = "invalid"
    #: the record's status does not allow this action (someone may have acted first)
    INVALID_TRANSITION = "invalid_transition"
    #: the action needs a reason and none was given
    REASON_REQUIRED = "reason_required"
    #: the actor may not do this
    PERMISSION_DENIED = "permission_denied"
    #: the actor must be registry staff
    REGISTRY_STAFF_ONLY = "registry_staff_only"
