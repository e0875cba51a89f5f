"""This capability's permissions on a body and which roles hold them (declared with the kernel's `core.roles`)."""

from __future__ import annotations

from bodies.models.tenants import Role
from core.roles import declare_permission, grant

from .permissions import MANAGE_CLIENTS

declare_permission(MANAGE_CLIENTS, "Can manage clients and projects", app="clients")
grant(Role.BODY_ADMIN, MANAGE_CLIENTS)
