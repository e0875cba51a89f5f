"""This capability's permissions on a body and which roles hold them (declared with the kernel's `core.roles`)."""

from __future__ import annotations

from bodies.models.tenants import Role
from core.roles import declare_permission, grant

from .permissions import MANAGE_ENGAGEMENTS, VIEW_ALL_ENGAGEMENTS

declare_permission(MANAGE_ENGAGEMENTS, "Can plan engagements and confirm their teams", app="audits")
declare_permission(VIEW_ALL_ENGAGEMENTS, "Can read every engagement of the body", app="audits")
grant(Role.BODY_ADMIN, MANAGE_ENGAGEMENTS)
for role in (Role.BODY_ADMIN, Role.INDEPENDENT_REVIEWER, Role.DECISION_MAKER):
    grant(role, VIEW_ALL_ENGAGEMENTS)
