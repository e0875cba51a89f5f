"""Who may read and keep a body's clients, their sites and its projects.

- every active member of a body sees the body's clients, sites and projects (the body's own work list);
- the body's administrators (`manage_clients`) and registry staff keep them;
- a client user (`ClientUser`, invited by the body and accepted) reads, in the client view, only the client
  it was invited to: `client_ids_for_user` is the one access rule every capability showing things to clients
  (engagements, findings, certificates) reuses. A revoked access, an invitation not yet accepted or an
  inactive account sees nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from core.permissions import Principal, has_body_perm, is_signed_in, require_body_perm

from .models import ClientUser

if TYPE_CHECKING:
    from bodies.models.tenants import Body

    from .models import Client

MANAGE_CLIENTS = "manage_clients"


def can_manage_clients(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, MANAGE_CLIENTS)


def require_manage_clients(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_CLIENTS)


def client_ids_for_user(user: Principal) -> QuerySet[ClientUser, Any]:
    """The ids of the clients `user` reads as a client user (a subquery: `filter(client_id__in=...)`): only
    accepted, not revoked accesses of an active account. Anonymous people and bearer tokens: none."""
    if not is_signed_in(user) or not user.is_active:
        return ClientUser.objects.none().values("client_id")
    return ClientUser.objects.filter(user=user, status=ClientUser.Status.ACTIVE).values("client_id")


def can_view_as_client(user: Principal, client: Client) -> bool:
    """Whether `user` reads `client`'s records in the client view."""
    return client_ids_for_user(user).filter(client_id=client.pk).exists()


def is_client_user(user: Principal) -> bool:
    """Whether `user` reads at least one client in the client view."""
    return client_ids_for_user(user).exists()
