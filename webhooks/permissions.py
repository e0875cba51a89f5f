"""Who keeps a body's webhooks: the people who keep its API tokens (`manage_api_tokens`, the body's
administrators) and registry staff. Both hand the body's data to its own systems; one rule for both, asked by
the portal, the API and the services alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.permissions import Principal, has_body_perm, require_body_perm

from .models import MANAGE_WEBHOOKS

if TYPE_CHECKING:
    from bodies.models.tenants import Body


def can_manage_webhooks(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, MANAGE_WEBHOOKS)


def require_manage_webhooks(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_WEBHOOKS)
