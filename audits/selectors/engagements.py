"""Engagement reads, shaped for constant query counts: the list (with the client, the kind's references and the
lead auditor in a fixed number of queries), one engagement with its team, the team list."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from bodies.models.tenants import Role

from ..models import Engagement, TeamMember


def team_list() -> QuerySet[TeamMember]:
    """Team members with their person and declaration, by role (lead auditor first) then name."""
    return TeamMember.objects.select_related("membership__user", "declaration").order_by(
        "engagement_id", "role", "membership__user__full_name", "id"
    )


def engagement_list() -> QuerySet[Engagement]:
    """Engagements with what a list row shows (client, project, standard, sector, activity) and their team
    (one prefetch query), most recent planned start first."""
    return (
        Engagement.objects.select_related("body", "client", "project", "standard", "sector", "activity")
        .prefetch_related(Prefetch("team", queryset=team_list(), to_attr="team_members"))
        .order_by("-planned_start", "reference", "id")
    )


def engagement_detail() -> QuerySet[Engagement]:
    """One engagement with everything its page shows."""
    return (
        engagement_list()
        .select_related("previous_stage", "reviewer__user", "created_by")
        .prefetch_related("sites")
    )


def engagement_filter(
    queryset: QuerySet[Engagement],
    *,
    kind: str = "",
    status: str = "",
    client: Any = None,
    person: Any = None,
    starts_after: date | None = None,
    starts_before: date | None = None,
) -> QuerySet[Engagement]:
    """The list's filters: kind, status, client, a person on the team (a user id), planned start between two
    days (inclusive)."""
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if client:
        queryset = queryset.filter(client_id=getattr(client, "pk", client))
    if person:
        queryset = queryset.filter(
            pk__in=TeamMember.objects.filter(membership__user_id=getattr(person, "pk", person)).values(
                "engagement_id"
            )
        )
    if starts_after:
        queryset = queryset.filter(planned_start__gte=starts_after)
    if starts_before:
        queryset = queryset.filter(planned_start__lte=starts_before)
    return queryset


def lead_auditor_of(engagement: Engagement) -> TeamMember | None:
    """The lead auditor from the prefetched team (no query when the engagement came from `engagement_list`)."""
    members = getattr(engagement, "team_members", None)
    if members is None:
        members = list(team_list().filter(engagement=engagement))
    return next((m for m in members if m.role == Role.LEAD_AUDITOR), None)


def engagements_of_person(user: Any) -> Q:
    """Engagements the person is on (as a filter)."""
    return Q(pk__in=TeamMember.objects.filter(membership__user=user).values("engagement_id"))
