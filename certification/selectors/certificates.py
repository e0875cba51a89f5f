"""Reads of certificates, their programme and the platform's proposals, shaped for constant query counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet

from ..models import (
    Certificate,
    CertificateVersion,
    Decision,
    DueStatus,
    ProgrammeDue,
    Proposal,
    ProposalStatus,
)


def certificate_list() -> QuerySet[Certificate]:
    """Certificates with what a list shows (client, standard): one query for a page."""
    return Certificate.objects.select_related("client", "standard", "body").order_by("number")


def certificate_filter(
    queryset: QuerySet[Certificate],
    *,
    status: str = "",
    standard: Any = None,
    expiring_within: int | None = None,
    today: date,
) -> QuerySet[Certificate]:
    """Narrows a certificate list: by status, by standard, and to those still valid or suspended whose last
    valid day comes within `expiring_within` days of `today`."""
    if status:
        queryset = queryset.filter(status=status)
    if standard is not None:
        queryset = queryset.filter(standard=standard)
    if expiring_within is not None:
        queryset = queryset.filter(
            status__in=["valid", "scope_reduced", "suspended"],
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=expiring_within),
        )
    return queryset


def certificate_detail() -> QuerySet[Certificate]:
    """One certificate with its sites, versions (with their decisions), decisions, programme and proposals: a
    constant few queries."""
    return Certificate.objects.select_related(
        "client", "standard", "sector", "engagement", "body"
    ).prefetch_related(
        "sites",
        Prefetch(
            "versions",
            queryset=CertificateVersion.objects.select_related("decision").order_by("-version"),
        ),
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related("decided_by__user", "engagement").order_by(
                "-decided_on", "-created_at"
            ),
        ),
        Prefetch(
            "programme",
            queryset=ProgrammeDue.objects.select_related("engagement").order_by("cycle", "due_on"),
        ),
        Prefetch("proposals", queryset=Proposal.objects.order_by("-created_at")),
    )


def programme_due_list() -> QuerySet[ProgrammeDue]:
    """Programme dates with their certificate, client, standard and engagement: one query for a page."""
    return ProgrammeDue.objects.select_related(
        "certificate__client", "certificate__standard", "engagement", "body"
    ).order_by("due_on", "kind", "sequence")


def programme_due_filter(
    queryset: QuerySet[ProgrammeDue],
    *,
    kind: str = "",
    status: str = "",
    overdue: bool = False,
    due_within: int | None = None,
    today: date,
) -> QuerySet[ProgrammeDue]:
    """Narrows programme dates: by kind and status; `overdue` — still open after the due date; `due_within` —
    open and due within that many days of `today`."""
    open_statuses = [DueStatus.DUE, DueStatus.PLANNED]
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if overdue:
        queryset = queryset.filter(status__in=open_statuses, due_on__lt=today)
    if due_within is not None:
        queryset = queryset.filter(
            status__in=open_statuses, due_on__gte=today, due_on__lte=today + timedelta(days=due_within)
        )
    return queryset


def proposal_list(*, status: str = ProposalStatus.OPEN) -> QuerySet[Proposal]:
    """Proposals with their certificate and client (and the missed date): one query for a page."""
    queryset = Proposal.objects.select_related("certificate__client", "due", "closed_by", "body")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at")
