"""Reads of clients, sites and projects shaped for constant query counts (lists prefetch what they show)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.permissions import Principal

from .models import Client, ClientUser, Project, Site
from .permissions import client_ids_for_user


def client_list() -> QuerySet[Client]:
    """Clients with their sectors, in name order (the `client_body_name` index)."""
    return Client.objects.prefetch_related("sectors").order_by("legal_name", "id")


def client_search(queryset: QuerySet[Client], q: str) -> QuerySet[Client]:
    """Clients whose legal name, short name or registration number contains `q` (any case)."""
    q = q.strip()
    if not q:
        return queryset
    return queryset.filter(
        Q(legal_name__icontains=q) | Q(short_name__icontains=q) | Q(registration_number__icontains=q)
    )


def site_list() -> QuerySet[Site]:
    """Sites with their client; the central function first, then by name."""
    return Site.objects.select_related("client").order_by("client_id", "-is_central_function", "name", "id")


def project_list() -> QuerySet[Project]:
    """Projects with their sector, proponent and consultant, in name order."""
    return Project.objects.select_related("sector", "proponent", "consultant_client").order_by("name", "id")


def project_search(queryset: QuerySet[Project], q: str) -> QuerySet[Project]:
    """Projects whose name, registry number or registry project id contains `q` (any case)."""
    q = q.strip()
    if not q:
        return queryset
    return queryset.filter(
        Q(name__icontains=q) | Q(registry_number__icontains=q) | Q(registry_project_id__icontains=q)
    )


def client_user_list() -> QuerySet[ClientUser]:
    """A body's client users (every status) with their account and who invited them, by name."""
    return ClientUser.objects.select_related("user", "invited_by", "client").order_by("full_name", "id")


# --- the client view: what a client user reads (always through `client_ids_for_user`) ----------------------


def client_view_clients(user: Principal) -> QuerySet[Client]:
    """The clients `user` reads as a client user (usually one), with their sectors, by name; nothing for a
    revoked or not yet accepted access."""
    return (
        Client.objects.filter(pk__in=client_ids_for_user(user))
        .select_related("body")
        .prefetch_related("sectors")
        .order_by("legal_name", "id")
    )


def client_view_sites(user: Principal, client: Client) -> QuerySet[Site]:
    """The sites of `client` as its client user reads them (none unless `user` reads that client)."""
    return site_list().filter(client=client, client_id__in=client_ids_for_user(user))


def client_view_projects(user: Principal, client: Client | None = None) -> QuerySet[Project]:
    """The projects whose proponent is a client `user` reads (of `client` only, when given)."""
    projects = project_list().filter(proponent_id__in=client_ids_for_user(user))
    return projects.filter(proponent=client) if client is not None else projects
