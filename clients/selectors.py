"""Reads of clients, sites and projects shaped for constant query counts (lists prefetch what they show)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Client, Project, Site


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
