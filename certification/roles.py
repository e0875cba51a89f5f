"""This capability's permissions on a body and which roles hold them (declared with the kernel's `core.roles`)."""

from __future__ import annotations

from bodies.models.tenants import Role
from core.roles import declare_permission, grant

from .permissions import DECIDE_CERTIFICATION, MANAGE_CERTIFICATES, REVIEW_ENGAGEMENTS

declare_permission(REVIEW_ENGAGEMENTS, "Can review engagements' reports independently", app="certification")
declare_permission(DECIDE_CERTIFICATION, "Can decide certification and opinions", app="certification")
declare_permission(
    MANAGE_CERTIFICATES, "Can manage certificate numbering and the CertSearch export", app="certification"
)
grant(Role.INDEPENDENT_REVIEWER, REVIEW_ENGAGEMENTS)
grant(Role.DECISION_MAKER, DECIDE_CERTIFICATION)
grant(Role.BODY_ADMIN, MANAGE_CERTIFICATES)
