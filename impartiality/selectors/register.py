"""Reads of the impartiality risk registers and the committee, shaped for constant query counts: every list is
one statement for its rows plus a fixed number of prefetches, whatever its length."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, CharField, Count, F, Prefetch, Q, QuerySet, Value, When

from bodies.models.tenants import Body, Membership, Role

from ..models.register import CommitteeAction, CommitteeMeeting, RegistryRisk, Risk, RiskStatus
from ..services.register import LOW_MAX, MEDIUM_MAX, RiskLevel


def _rated(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """`rating_value` (likelihood × impact) and `level` (the thresholds of `services.register`) in SQL."""
    return queryset.annotate(
        rating_value=F("likelihood") * F("impact"),
    ).annotate(
        level=Case(
            When(rating_value__lte=LOW_MAX, then=Value(RiskLevel.LOW.value)),
            When(rating_value__lte=MEDIUM_MAX, then=Value(RiskLevel.MEDIUM.value)),
            default=Value(RiskLevel.HIGH.value),
            output_field=CharField(),
        )
    )


def overdue_condition(today: date) -> Q:
    """Open risks whose next review has passed (today after it)."""
    return Q(status=RiskStatus.OPEN, next_review_on__lt=today)


def risk_list() -> QuerySet[Risk]:
    """Risks of the bodies' registers with their owner, rating and level, soonest review first."""
    return _rated(Risk.objects.select_related("owner__user", "body")).order_by(  # type: ignore[no-any-return]
        "next_review_on", "title", "id"
    )


def registry_risk_list() -> QuerySet[RegistryRisk]:
    """The registry's own risks with their owner, rating and level, soonest review first."""
    return _rated(RegistryRisk.objects.select_related("owner")).order_by(  # type: ignore[no-any-return]
        "next_review_on", "title", "id"
    )


def risk_filter(
    queryset: QuerySet[Any],
    *,
    threat: str = "",
    status: str = "",
    overdue: bool | None = None,
    today: date,
) -> QuerySet[Any]:
    """Narrows a register by threat, status and whether the review is overdue (as of `today`)."""
    if threat:
        queryset = queryset.filter(threat=threat)
    if status:
        queryset = queryset.filter(status=status)
    if overdue is True:
        queryset = queryset.filter(overdue_condition(today))
    elif overdue is False:
        queryset = queryset.exclude(overdue_condition(today))
    return queryset


def committee_members(body: Body) -> QuerySet[Membership]:
    """The body's impartiality committee: its active people holding the committee role, by name."""
    return (
        Membership.objects.active()
        .with_role(Role.IMPARTIALITY_COMMITTEE)
        .filter(body_id=body.pk, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def meeting_list() -> QuerySet[CommitteeMeeting]:
    """Committee meetings, latest first, with how many attended, risks reviewed and actions (and open ones)."""
    return CommitteeMeeting.objects.annotate(
        attendee_count=Count("attendees", distinct=True),
        risk_count=Count("risks_reviewed", distinct=True),
        action_count=Count("actions", distinct=True),
        open_action_count=Count(
            "actions", filter=Q(actions__status=CommitteeAction.Status.OPEN), distinct=True
        ),
    ).order_by("-held_on", "id")


def meeting_detail() -> QuerySet[CommitteeMeeting]:
    """Meetings with everything their page (and the API's detail) shows, in a fixed number of queries."""
    return CommitteeMeeting.objects.select_related("recorded_by", "body").prefetch_related(
        Prefetch("attendees", queryset=Membership.objects.select_related("user").order_by("user__full_name")),
        Prefetch("risks_reviewed", queryset=Risk.objects.order_by("title")),
        Prefetch(
            "actions", queryset=CommitteeAction.objects.select_related("owner__user").order_by("due_on", "id")
        ),
    )


def action_list() -> QuerySet[CommitteeAction]:
    """Committee actions with their owner and meeting, soonest due first."""
    return CommitteeAction.objects.select_related("owner__user", "meeting").order_by("due_on", "id")
