"""Reads of decisions, engagements awaiting one, and statements, shaped for constant query counts."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef, QuerySet

from ..models import Decision, Statement


def _engagements() -> Any:
    return apps.get_model("audits", "Engagement").objects


def decisions_waiting(*, body: Any, user: Any) -> QuerySet[Any]:
    """The body's engagements awaiting a decision, oldest first, each marked `not_independent` when `user` was on
    its team or reviewed it (the decision page would refuse them) — one query."""
    team = apps.get_model("audits", "TeamMember").objects.filter(
        engagement=OuterRef("pk"), membership__user=user
    )
    return (
        _engagements()
        .filter(body=body, status="awaiting_decision")
        .annotate(on_team=Exists(team))
        .select_related("client", "reviewer__user", "review")
        .order_by("status_changed_at", "reference")
    )


def decision_list(*, body: Any) -> QuerySet[Decision]:
    return (
        Decision.objects.for_body(body)
        .select_related("engagement", "certificate", "statement", "decided_by__user")
        .order_by("-decided_on", "-created_at")
    )


def decision_detail() -> QuerySet[Decision]:
    return Decision.objects.select_related(
        "engagement__client", "certificate", "statement", "proposal", "decided_by__user"
    )


def statement_list(*, body: Any) -> QuerySet[Statement]:
    return (
        Statement.objects.for_body(body).select_related("engagement__client").order_by("-issued_on", "number")
    )


def statement_detail() -> QuerySet[Statement]:
    return Statement.objects.select_related("engagement__client", "engagement__project").prefetch_related(
        "quantities", "decisions__decided_by__user"
    )
