"""Reads for bodies and accreditations, shaped for constant query counts."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from reference.models import Sector

from .eligibility import EligibilityReason, EligibilityResult, body_check_eligibility  # noqa: F401 (public)
from .models import Accreditation, Body, Membership


def directory_list() -> QuerySet[Body]:
    """The public directory: approved and suspended bodies (status shown), with the accreditations that count
    (verified by the registry and active) and their scopes."""
    active = (
        Accreditation.objects.counting()
        .select_related("accreditation_body")
        .prefetch_related(
            "accreditation_body__mla_signatures",
            "scope_activities",
            "scope_standards",
            Prefetch("scope_sectors", queryset=Sector.objects.order_by("sort_key")),
        )
        .order_by("standard", "-valid_to")
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


def accreditation_verification_queue() -> QuerySet[Accreditation]:
    """Accreditations waiting for the registry's verification, longest waiting first."""
    return (
        Accreditation.objects.awaiting_verification()
        .select_related("body", "accreditation_body")
        .order_by("updated_at")
    )
