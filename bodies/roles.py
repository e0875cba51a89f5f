"""This capability's permissions on a body and which roles hold them (declared with the kernel's `core.roles`).

The kernel's own (the body's profile, its people, API tokens, the audit trail) stay in
`bodies.models.tenants.ROLE_PERMISSIONS`.
"""

from __future__ import annotations

from core.roles import declare_permission, grant

from .models.tenants import Role
from .permissions import MANAGE_ACCREDITATIONS

declare_permission(MANAGE_ACCREDITATIONS, "Can keep the body's accreditations", app="bodies")
grant(Role.BODY_ADMIN, MANAGE_ACCREDITATIONS)
