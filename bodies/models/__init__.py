"""Bodies' models: the kernel's tenant half (`tenants`) and the capability's records (`approval`)."""

from .approval import (
    VERIFICATION_TRANSITIONS,
    Accreditation,
    AccreditationQuerySet,
    AccreditationVerification,
    BodyApplication,
    BodyStatusChange,
)
from .tenants import (
    MEMBER_PERMISSIONS,
    ROLE_PERMISSIONS,
    TIME_ZONE_CHOICES,
    Body,
    BodyGroupObjectPermission,
    BodyQuerySet,
    BodyUserObjectPermission,
    Membership,
    MembershipQuerySet,
    Role,
)

__all__ = [
    "MEMBER_PERMISSIONS",
    "ROLE_PERMISSIONS",
    "TIME_ZONE_CHOICES",
    "VERIFICATION_TRANSITIONS",
    "Accreditation",
    "AccreditationQuerySet",
    "AccreditationVerification",
    "Body",
    "BodyApplication",
    "BodyGroupObjectPermission",
    "BodyQuerySet",
    "BodyStatusChange",
    "BodyUserObjectPermission",
    "Membership",
    "MembershipQuerySet",
    "Role",
]
