"""Who may do what with a body's profile, accreditations, people and API tokens.

The portal (pages and the buttons on them), the API and the services ask these, never a codename of their
own; registry staff hold every body permission (`core.permissions.has_body_perm`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.permissions import Principal, has_body_perm, require_body_perm

if TYPE_CHECKING:
    from .models.tenants import Body

MANAGE_BODY = "manage_body"
MANAGE_ACCREDITATIONS = "manage_accreditations"
MANAGE_MEMBERS = "manage_members"
MANAGE_API_TOKENS = "manage_api_tokens"
VIEW_AUDIT_TRAIL = "view_audit_trail"


def can_manage_body(actor: Principal, body: Body) -> bool:
    """Keep the body's profile (and ask for its approval letter once it is approved)."""
    return has_body_perm(actor, body, MANAGE_BODY)


def can_manage_accreditations(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, MANAGE_ACCREDITATIONS)


def can_manage_members(actor: Principal, body: Body) -> bool:
    """Add people to the body, change their roles, employment and undertaking, suspend them."""
    return has_body_perm(actor, body, MANAGE_MEMBERS)


def can_manage_api_tokens(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, MANAGE_API_TOKENS)


def can_view_audit_trail(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, VIEW_AUDIT_TRAIL)


def require_manage_body(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_BODY)


def require_manage_accreditations(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_ACCREDITATIONS)


def require_manage_members(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_MEMBERS)


def require_manage_api_tokens(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_API_TOKENS)
