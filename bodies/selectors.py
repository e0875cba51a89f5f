"""Reads for bodies and accreditations, shaped for constant query counts."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from reference.models import Sector

from .models import Accreditation, Body, Membership


def body_list(*, user: Any, token: Any = None) -> QuerySet[Body]:
    return Body.objects.visible_to(user, token).prefetch_related("activities", "sectors")


def accreditation_list(*, user: Any, token: Any = None) -> QuerySet[Accreditation]:
    return (
        Accreditation.objects.visible_to(user, token)
        .select_related("body")
        .prefetch_related("scope_activities", "scope_standards", "scope_sectors")
    )


def directory_list() -> QuerySet[Body]:
    """The public directory: approved and suspended bodies (status shown), with their active scopes."""
    active = Accreditation.objects.filter(status=Accreditation.Status.ACTIVE).prefetch_related(
        "scope_activities",
        "scope_standards",
        Prefetch("scope_sectors", queryset=Sector.objects.order_by("sort_key")),
    )
    return (
        Body.objects.filter(status__in=[Body.Status.APPROVED, Body.Status.SUSPENDED])
        .prefetch_related(
            "activities", Prefetch("accreditations", queryset=active, to_attr="active_accreditations")
        )
        .order_by("legal_name")
    )


def membership_list_for_body(*, body: Body) -> QuerySet[Membership]:
    return Membership.objects.for_body(body).select_related("user").order_by("user__full_name")
