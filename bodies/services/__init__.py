"""Writes for bodies, memberships and accreditations. Each service is one atomic, audited action.

One module per entity; every public name is re-exported here, so `from bodies.services import X` works.
"""

from .accreditations import (
    ACCREDITATION_DECISIONS,
    ACCREDITATION_EXPIRY,
    ACCREDITATION_FIELDS,
    accreditation_create,
    accreditation_expiry_date,
    accreditation_reinstate,
    accreditation_suspend,
    accreditation_update,
    accreditation_withdraw,
    accreditations_expire,
)
from .bodies import (
    APPROVAL_LETTER,
    BODY_DECISIONS,
    BODY_PROFILE_FIELDS,
    BODY_SNAPSHOT_FIELDS,
    body_apply,
    body_approve,
    body_record_agreement,
    body_reinstate,
    body_start_review,
    body_suspend,
    body_update_profile,
    body_withdraw,
)
from .memberships import (
    UNDERTAKING_UNSIGNED,
    _sync_grants,
    membership_add,
    membership_set_roles,
    membership_set_status,
    membership_update_details,
    membership_watch_undertaking,
)
from .uploads import LOGO_FORMATS, check_logo

__all__ = [
    "ACCREDITATION_DECISIONS",
    "ACCREDITATION_EXPIRY",
    "ACCREDITATION_FIELDS",
    "APPROVAL_LETTER",
    "BODY_DECISIONS",
    "BODY_PROFILE_FIELDS",
    "BODY_SNAPSHOT_FIELDS",
    "LOGO_FORMATS",
    "UNDERTAKING_UNSIGNED",
    "_sync_grants",
    "accreditation_create",
    "accreditation_expiry_date",
    "accreditation_reinstate",
    "accreditation_suspend",
    "accreditation_update",
    "accreditation_withdraw",
    "accreditations_expire",
    "body_apply",
    "body_approve",
    "body_record_agreement",
    "body_reinstate",
    "body_start_review",
    "body_suspend",
    "body_update_profile",
    "body_withdraw",
    "check_logo",
    "membership_add",
    "membership_set_roles",
    "membership_set_status",
    "membership_update_details",
    "membership_watch_undertaking",
]
