"""This capability's permissions on a body and which roles hold them (declared with the kernel's `core.roles`)."""

from __future__ import annotations

from bodies.models.tenants import Role
from core.roles import declare_permission, grant

from .permissions import MANAGE_COMPETENCE

declare_permission(
    MANAGE_COMPETENCE, "Can keep the body's people, competence records and evaluations", app="competence"
)
grant(Role.BODY_ADMIN, MANAGE_COMPETENCE)
