"""Reads of findings and their responses, for the team (the portal and the API) and for the client (the client
view), each shaped for a constant few queries.

The client's reads go through `clients.permissions.client_ids_for_user` only (never `visible_to`: a client user
has no membership), and never carry the team's `internal_note`, the engagement's internal notes or the team's
declarations: the client view's querysets defer them so a template cannot print them by mistake.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from bodies.models.tenants import Membership
from clients.permissions import client_ids_for_user
from core.dates import today_in

from ..models import Engagement, EngagementStatus, Finding, FindingEvidence, FindingResponse, TeamMember

#: what a client never reads of an engagement
ENGAGEMENT_INTERNAL = ("internal_notes", "audit_time", "status_reason")
#: what a client never reads of a finding
FINDING_INTERNAL = ("internal_note", "status_reason")
#: an engagement the client does not see yet (the body is still preparing it)
NOT_SHOWN_TO_CLIENTS = (EngagementStatus.DRAFT,)


def team_engagement_ids(user: Any) -> QuerySet[TeamMember, Any]:
    """The engagements `user` is on the team of (a subquery)."""
    return TeamMember.objects.filter(
        membership__user_id=getattr(user, "pk", None), membership__status=Membership.Status.ACTIVE
    ).values("engagement_id")


def findings_visible_to(user: Any, token: Any = None) -> QuerySet[Finding]:
    """The findings of the engagements `user` (or the token) reads: the body's readers of every engagement, the
    people granted one, and the engagement's team."""
    visible = Engagement.objects.visible_to(user, token).values("pk")
    rows = Finding.objects.visible_to(user, token)
    if token is None:
        return rows.filter(Q(engagement_id__in=visible) | Q(engagement_id__in=team_engagement_ids(user)))
    return rows.filter(engagement_id__in=visible)


def finding_list(queryset: QuerySet[Finding]) -> QuerySet[Finding]:
    """A findings list's rows with what a row shows (engagement, raised by, responses counted): one query."""
    return queryset.select_related("engagement", "raised_by").annotate(response_count=Count("responses"))


def engagement_findings(engagement: Engagement) -> list[Finding]:
    """The findings table of an engagement's page, in number order: one query."""
    return list(finding_list(engagement.findings.all()).order_by("number"))


def finding_detail(queryset: QuerySet[Finding]) -> QuerySet[Finding]:
    """One finding with its engagement, files and responses (each with its files): a constant few queries."""
    return queryset.select_related(
        "engagement", "engagement__client", "raised_by", "verified_by", "carried_from__engagement"
    ).prefetch_related(
        Prefetch(
            "responses",
            queryset=FindingResponse.objects.select_related("submitted_by", "judged_by")
            .prefetch_related("files")
            .order_by("-version"),
        ),
        Prefetch(
            "files",
            queryset=FindingEvidence.objects.filter(response__isnull=True).select_related("uploaded_by"),
            to_attr="team_files",
        ),
    )


def findings_overdue(queryset: QuerySet[Finding], zone_name: str | None = None) -> QuerySet[Finding]:
    """Open findings past their response date (in the body's day)."""
    return queryset.filter(status="open", due_on__lt=today_in(zone_name))


def client_user_ids(finding: Finding) -> set[Any]:
    """The accounts reading the finding's client in the client view (a response by anyone else was recorded
    on the client's behalf): one query."""
    from django.apps import apps

    client_user = apps.get_model("clients", "ClientUser")
    return set(
        client_user.objects.filter(client_id=finding.engagement.client_id, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )


# --- the client view ----------------------------------------------------------------------------------------


def client_view_engagements(user: Any) -> QuerySet[Engagement]:
    """The engagements of the clients `user` reads as a client user (none for anyone else), without the body's
    internal fields, newest first; the count of findings addressed to the client in the same query."""
    return (
        Engagement.objects.filter(client_id__in=client_ids_for_user(user))
        .exclude(status__in=NOT_SHOWN_TO_CLIENTS)
        .defer(*ENGAGEMENT_INTERNAL)
        .select_related("client", "body", "standard", "project")
        .annotate(finding_count=Count("findings"))
        .order_by("-planned_start", "reference", "id")
    )


def client_view_plan(engagement: Engagement) -> dict[str, Any]:
    """The plan a client reads: the team (names and roles, never their declarations) and the sites."""
    team = list(
        TeamMember.objects.filter(engagement=engagement)
        .select_related("membership__user")
        .only("role", "membership__user__full_name", "membership__user__email")
        .order_by("role", "membership__user__full_name")
    )
    sites = list(engagement.sites.order_by("name").only("name", "country", "is_central_function"))
    return {
        "team": [{"name": m.membership.user.get_full_name(), "role": m.role} for m in team],
        "sites": sites,
    }


def client_view_findings(user: Any) -> QuerySet[Finding]:
    """The findings addressed to `user`'s clients, without the team's internal note."""
    return (
        Finding.objects.filter(engagement__client_id__in=client_ids_for_user(user))
        .exclude(engagement__status__in=NOT_SHOWN_TO_CLIENTS)
        .defer(*FINDING_INTERNAL)
        .select_related("engagement")
        .order_by("engagement", "number")
    )


def client_view_finding(user: Any, pk: Any) -> Finding | None:
    """One finding as the client reads it (its responses with the team's comments and its files), or None."""
    return (
        client_view_findings(user)
        .select_related("engagement__client")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=FindingResponse.objects.select_related("submitted_by")
                .prefetch_related("files")
                .order_by("-version"),
            ),
            Prefetch(
                "files", queryset=FindingEvidence.objects.filter(response__isnull=True), to_attr="team_files"
            ),
        )
        .filter(pk=pk)
        .first()
    )


def client_view_evidence(user: Any, finding_pk: Any, pk: Any) -> FindingEvidence | None:
    """A file of a finding addressed to `user`'s client (the team's evidence or the client's own), or None."""
    return (
        FindingEvidence.objects.filter(
            finding_id=finding_pk,
            finding__engagement__client_id__in=client_ids_for_user(user),
        )
        .exclude(finding__engagement__status__in=NOT_SHOWN_TO_CLIENTS)
        .filter(pk=pk)
        .first()
    )
