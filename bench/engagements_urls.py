"""The project's URLs, the benchmarks' baselines (`bench.urls`) and the engagement list's own: the API list and
the portal page, each written by hand doing the same work.

- `/bench/hand/engagements/`: GET /api/v1/engagements/ in plain Django — the same session authentication, rate
  limit, tenancy rule (`visible_body_ids`, then the engagements' grants: `granted_to`), `body` filter, rows,
  order, fields, references (client, project, activity, standard, sector), sites, team, camelCase keys and
  envelope; the benchmark checks its JSON equals the endpoint's before timing either;
- `/bench/bare/engagements/`: the floor, one query of a few columns of the body's engagements;
- `/bench/hand/engagements-page/`: the portal's engagement list (`audits:engagement-list`) as a plain function:
  the active body's engagements the caller may read with their client, project, standard and team, 50 a page
  with the count, the same template and context, without the portal's mixins (`PortalMixin`,
  `FilteredListMixin`, the filter form's validation).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path

from audits.forms.engagements import EngagementFilterForm
from audits.models import Engagement, TeamMember
from audits.permissions import MANAGE_ENGAGEMENTS
from bench.urls import _date, _datetime, _not_found, _paginate, _refused, _respond, _uuid, _visible
from bench.urls import urlpatterns as bench_urlpatterns
from core.api.renderers import camelize
from core.permissions import has_body_perm

ORDERING = ("-planned_start", "reference", "id")
ENGAGEMENT_FIELDS = (
    "id",
    "body_id",
    "reference",
    "kind",
    "status",
    "status_reason",
    "status_changed_at",
    "client_id",
    "client__legal_name",
    "project_id",
    "project__registry_number",
    "project__name",
    "activity__code",
    "standard__code",
    "criteria",
    "sector__scheme",
    "sector__code",
    "sector__name",
    "sector__version",
    "scope",
    "previous_stage_id",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "mode",
    "audit_days",
    "audit_time",
    "audit_time_justification",
    "level_of_assurance",
    "materiality_percent",
    "monitoring_period_start",
    "monitoring_period_end",
    "reviewer_id",
    "same_body_validated",
    "internal_notes",
    "created_at",
    "updated_at",
)


def _number(value: Decimal | None) -> float | None:
    """A DecimalField with `coerce_to_string=False`, as DRF's JSON encoder writes it."""
    return float(value) if value is not None else None


def _bad_body() -> JsonResponse:
    return JsonResponse(
        {"code": "invalid", "message": "Invalid input.", "fieldErrors": {"body": ["Enter a valid UUID."]}},
        status=400,
    )


def _teams(keys: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    """Each engagement's team as the endpoint lists it: by role (lead auditor first), then name."""
    teams: dict[Any, list[dict[str, Any]]] = {}
    for engagement_id, pk, membership_id, user_id, full_name, role, declaration_id, created_at in (
        TeamMember.objects.filter(engagement_id__in=keys)
        .order_by("engagement_id", "role", "membership__user__full_name", "id")
        .values_list(
            "engagement_id",
            "id",
            "membership_id",
            "membership__user_id",
            "membership__user__full_name",
            "role",
            "declaration_id",
            "created_at",
        )
    ):
        teams.setdefault(engagement_id, []).append(
            {
                "id": str(pk),
                "membership": str(membership_id),
                "person": {"id": str(user_id), "fullName": full_name},
                "role": role,
                "declaration": _uuid(declaration_id),
                "createdAt": _datetime(created_at),
            }
        )
    return teams


def _sites(keys: list[Any]) -> dict[Any, list[str]]:
    """Each engagement's sampled sites in the sites' order (central function first, then by name)."""
    sites: dict[Any, list[str]] = {}
    for engagement_id, site_id in (
        Engagement.sites.through.objects.filter(engagement_id__in=keys)
        .order_by("engagement_id", "-site__is_central_function", "site__name", "site_id")
        .values_list("engagement_id", "site_id")
    ):
        sites.setdefault(engagement_id, []).append(str(site_id))
    return sites


def hand_engagements(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/engagements/?body=… written by hand."""
    queryset = _visible(request, Engagement.objects.order_by(*ORDERING), "body_id")
    if queryset is None:
        return _refused(request)
    queryset = queryset.granted_to(request.user)  # type: ignore[attr-defined]
    if "body" in request.GET:
        try:
            queryset = queryset.filter(body_id=uuid.UUID(request.GET["body"]))
        except ValueError:
            return _bad_body()
    page = _paginate(request, queryset.values_list(*ENGAGEMENT_FIELDS))
    if page is None:
        return _not_found()
    rows, pagination = page
    keys = [row[0] for row in rows]
    teams, sites = _teams(keys), _sites(keys)
    out = []
    for (
        pk,
        body_id,
        reference,
        kind,
        status,
        status_reason,
        status_changed_at,
        client_id,
        client_name,
        project_id,
        project_number,
        project_name,
        activity,
        standard,
        criteria,
        sector_scheme,
        sector_code,
        sector_name,
        sector_version,
        scope,
        previous_stage_id,
        planned_start,
        planned_end,
        actual_start,
        actual_end,
        mode,
        audit_days,
        audit_time,
        audit_time_justification,
        level_of_assurance,
        materiality_percent,
        monitoring_period_start,
        monitoring_period_end,
        reviewer_id,
        same_body_validated,
        internal_notes,
        created_at,
        updated_at,
    ) in rows:
        out.append(
            {
                "id": str(pk),
                "body": str(body_id),
                "reference": reference,
                "kind": kind,
                "status": status,
                "statusReason": status_reason,
                "statusChangedAt": _datetime(status_changed_at),
                "client": {"id": str(client_id), "legalName": client_name},
                "project": (
                    {"id": str(project_id), "registryNumber": project_number, "name": project_name}
                    if project_id is not None
                    else None
                ),
                "activity": activity,
                "standard": standard,
                "criteria": criteria,
                "sector": {
                    "scheme": sector_scheme,
                    "code": sector_code,
                    "name": sector_name,
                    "version": sector_version,
                },
                "scope": scope,
                "sites": sites.get(pk, []),
                "previousStage": _uuid(previous_stage_id),
                "plannedStart": _date(planned_start),
                "plannedEnd": _date(planned_end),
                "actualStart": _date(actual_start),
                "actualEnd": _date(actual_end),
                "mode": mode,
                "auditDays": _number(audit_days),
                "auditTime": camelize(audit_time),
                "auditTimeJustification": audit_time_justification,
                "levelOfAssurance": level_of_assurance,
                "materialityPercent": _number(materiality_percent),
                "monitoringPeriodStart": _date(monitoring_period_start),
                "monitoringPeriodEnd": _date(monitoring_period_end),
                "reviewer": _uuid(reviewer_id),
                "sameBodyValidated": same_body_validated,
                "internalNotes": internal_notes,
                "team": teams.get(pk, []),
                "createdAt": _datetime(created_at),
                "updatedAt": _datetime(updated_at),
            }
        )
    return _respond("engagements", out, pagination)


def bare_engagements(request: HttpRequest) -> JsonResponse:
    rows = list(
        Engagement.objects.filter(body_id=request.GET["body"])
        .order_by(*ORDERING)
        .values("id", "reference", "kind", "status")[:50]
    )
    return JsonResponse({"engagements": rows}, json_dumps_params={"default": str})


def hand_engagements_page(request: HttpRequest) -> HttpResponse:
    """The portal's engagement list of the active body, first page, written as one plain function."""
    body = request.active.body  # type: ignore[attr-defined]
    team = TeamMember.objects.select_related("membership__user").order_by(
        "engagement_id", "role", "membership__user__full_name", "id"
    )
    queryset = (
        Engagement.objects.filter(body=body)
        .granted_to(request.user)
        .select_related("client", "project", "standard")
        .prefetch_related(Prefetch("team", queryset=team, to_attr="team_members"))
        .order_by(*ORDERING)
    )
    paginator = Paginator(queryset, 50)
    page = paginator.page(1)
    context = {
        "engagements": page.object_list,
        "page_obj": page,
        "paginator": paginator,
        "is_paginated": page.has_other_pages(),
        "filter_form": EngagementFilterForm(body=body),
        "filter_invalid": False,
        "filter_query": "",
        "can_manage": has_body_perm(request.user, body, MANAGE_ENGAGEMENTS),
        "body": body,
        "membership": request.active.membership,  # type: ignore[attr-defined]
    }
    return render(request, "audits/engagements/list.html", context)


urlpatterns = [
    path("bench/hand/engagements/", hand_engagements),
    path("bench/bare/engagements/", bare_engagements),
    path("bench/hand/engagements-page/", hand_engagements_page),
    *bench_urlpatterns,
]
