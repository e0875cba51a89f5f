"""Who may read and keep a body's clients, their sites and its projects.

- every active member of a body sees the body's clients, sites and projects (the body's own work list);
- the body's administrators (`manage_clients`) and registry staff keep them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.permissions import Principal, has_body_perm, require_body_perm

if TYPE_CHECKING:
    from bodies.models.tenants import Body

MANAGE_CLIENTS = "manage_clients"


def can_manage_clients(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, MANAGE_CLIENTS)


def require_manage_clients(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_CLIENTS)
