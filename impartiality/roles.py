"""This capability's permissions on a body and which roles hold them (declared with the kernel's `core.roles`)."""

from __future__ import annotations

from bodies.models.tenants import Role
from core.roles import declare_permission, grant

from .permissions import MANAGE_IMPARTIALITY, REVIEW_DECLARATIONS

declare_permission(REVIEW_DECLARATIONS, "Can review declarations of interest", app="impartiality")
declare_permission(
    MANAGE_IMPARTIALITY, "Can keep the impartiality register and committee", app="impartiality"
)
for role in (Role.BODY_ADMIN, Role.IMPARTIALITY_COMMITTEE):
    grant(role, REVIEW_DECLARATIONS)
    grant(role, MANAGE_IMPARTIALITY)
