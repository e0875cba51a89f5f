"""The engagement list with 100,000 engagements over 50 bodies, filtered to one body: the API list and the portal
page, each against a hand-built view doing the same work (`bench.engagements_urls`) and the bare floor."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.test import override_settings

from bench.__main__ import compare, medians_interleaved

from .common import _analyze, _bodies, _get, _memberships, _same_json, _signed_in, _users

URLS = "bench.engagements_urls"
BODIES, PER_BODY = 50, 2000
#: each body's clients (the first two propose two projects each) and the auditors its teams are drawn from
CLIENTS, PROPONENTS, PROJECTS_EACH, AUDITORS = 5, 2, 2, 6
ROW = re.compile(rb'<a class="fw-semibold" href="/engagements/[0-9a-f-]+/">([^<]+)</a>')
#: kind → (activity, standard, (sector scheme, code))
KIND_REFS = {
    "stage_1": ("certification", "iso-9001", ("iaf", "17")),
    "stage_2": ("certification", "iso-9001", ("iaf", "17")),
    "surveillance": ("certification", "iso-14001", ("iaf", "28")),
    "recertification": ("certification", "iso-45001", ("iaf", "28")),
    "special": ("certification", "iso-9001", ("iaf", "19")),
    "transfer": ("certification", "iso-50001", ("iaf", "25")),
    "product_evaluation": ("certification", "iso-14067", ("ghg", "4")),
    "validation": ("validation", "iso-14064-3", ("ghg", "1")),
    "verification": ("verification", "iso-14064-3", ("ghg", "1")),
    "validation_verification": ("verification", "iso-14064-3", ("ghg", "13")),
    "methodology_assessment": ("methodology_assessment", "icr-programme", ("ghg", "14")),
}
PROJECT_KINDS = {"validation", "verification", "validation_verification"}
MANAGEMENT_SYSTEM_KINDS = {"stage_1", "stage_2", "surveillance", "recertification", "special", "transfer"}
STATUSES = [
    "draft",
    "planned",
    "team_proposed",
    "team_confirmed",
    "in_progress",
    "report_drafted",
    "under_review",
    "awaiting_decision",
    "decided",
    "closed",
    "cancelled",
]
WITH_TEAM = set(STATUSES[2:])
UNDER_WAY = set(STATUSES[4:10])
REVIEWED = set(STATUSES[6:10])


def _parties(bodies: list[Any]) -> tuple[dict[Any, list[Any]], dict[Any, list[Any]], dict[Any, list[Any]]]:
    """CLIENTS clients for each body with two sites each, the first PROPONENTS proposing PROJECTS_EACH projects:
    (clients by body, projects by body, sites by client)."""
    from clients.models import Client, Project, Site
    from reference.models import Sector

    clients = Client.objects.bulk_create(
        [
            Client(
                body=body,
                legal_name=f"Client {b:02d}-{i} hf.",
                short_name=f"C{b:02d}{i}",
                country="IS",
                registration_number=f"{b:02d}{i:04d}-0000",
                contact_name="Contact Person",
                contact_email=f"contact{b}-{i}@client.example",
                kind=Client.Kind.PROPONENT if i < PROPONENTS else Client.Kind.ORGANISATION,
                effective_personnel=25 + 40 * i,
            )
            for b, body in enumerate(bodies)
            for i in range(CLIENTS)
        ],
        batch_size=5000,
    )
    sites = Site.objects.bulk_create(
        [
            Site(
                body_id=c.body_id,
                client=c,
                name=f"Site {n}",
                country="IS",
                effective_personnel=10,
                is_central_function=n == 0,
            )
            for c in clients
            for n in range(2)
        ],
        batch_size=5000,
    )
    scope_1 = Sector.objects.get(scheme="ghg", code="1", is_current=True)
    projects = Project.objects.bulk_create(
        [
            Project(
                body_id=c.body_id,
                proponent=c,
                registry_number=f"ICR-{c.short_name}-{n}",
                name=f"Geothermal expansion {c.short_name} {n}",
                methodology="ICR-M-001",
                sector=scope_1,
                country="IS",
            )
            for c in clients
            if c.kind == Client.Kind.PROPONENT
            for n in range(PROJECTS_EACH)
        ],
        batch_size=5000,
    )
    clients_by_body: dict[Any, list[Any]] = {}
    for client in clients:
        clients_by_body.setdefault(client.body_id, []).append(client)
    projects_by_body: dict[Any, list[Any]] = {}
    for project in projects:
        projects_by_body.setdefault(project.body_id, []).append(project)
    sites_by_client: dict[Any, list[Any]] = {}
    for site in sites:
        sites_by_client.setdefault(site.client_id, []).append(site)
    return clients_by_body, projects_by_body, sites_by_client


def _engagement(body: Any, b: int, i: int, refs: dict[str, Any], parties: dict[str, Any]) -> Any:
    """The body's `i`th engagement: kinds in turn, statuses spread over them, planned from 2023 to 2027; those
    past the planning have their audit time, those under way their actual dates, those reviewed their reviewer,
    each stage 2 follows the stage 1 before it."""
    from audits.models import Engagement

    kinds = list(KIND_REFS)
    kind = kinds[i % len(kinds)]
    status = STATUSES[(i * 5 + i // len(kinds)) % len(STATUSES)]
    activity, standard, sector = KIND_REFS[kind]
    project = parties["projects"][i % len(parties["projects"])] if kind in PROJECT_KINDS else None
    if project is not None:
        client = parties["by_pk"][project.proponent_id]
    elif kind == "stage_2":
        client = parties["last"].client
    else:
        client = parties["clients"][i % CLIENTS]
    start = date(2023, 1, 2) + timedelta(days=(i * 37) % 1800)
    end = start + timedelta(days=i % 4)
    ghg = kind in PROJECT_KINDS or kind == "methodology_assessment"
    assurance = kind in ("verification", "validation_verification")
    planned = status in WITH_TEAM
    return Engagement(
        body=body,
        reference=f"ENG-{start.year}-{b:02d}{i:04d}",
        kind=kind,
        client=client,
        project=project,
        activity_id=refs["activities"][activity],
        standard_id=refs["standards"][standard],
        sector_id=refs["sectors"][sector],
        criteria="ICR Requirement Document v6.0" if ghg else "",
        scope=f"{kind.replace('_', ' ').capitalize()} of {client.legal_name}",
        previous_stage=parties["last"] if kind == "stage_2" else None,
        planned_start=start,
        planned_end=end,
        actual_start=start if status in UNDER_WAY else None,
        actual_end=end if status in UNDER_WAY and status != "in_progress" else None,
        mode=("on_site", "remote", "hybrid")[i % 3],
        audit_days=Decimal(3 + i % 8) / 2 if planned else None,
        audit_time=(
            {"effective_personnel": client.effective_personnel, "initial_days": 4.5, "reduction_percent": 10}
            if planned and kind in MANAGEMENT_SYSTEM_KINDS
            else {}
        ),
        audit_time_justification="IAF MD 5 table; a reduction for low complexity" if planned else "",
        level_of_assurance="reasonable" if assurance else "",
        materiality_percent=Decimal(5) if assurance else None,
        monitoring_period_start=date(start.year - 1, 1, 1) if ghg else None,
        monitoring_period_end=date(start.year - 1, 12, 31) if ghg else None,
        reviewer=parties["reviewer"] if status in REVIEWED else None,
        status=status,
        status_reason="The client withdrew." if status == "cancelled" else "",
        status_changed_at=datetime(2026, 1, 5, 9, 30, tzinfo=UTC) if status != "draft" else None,
        created_by=parties["creator"],
    )


def _engagements(bodies: list[Any], creator: Any) -> None:
    """PER_BODY engagements for each body (see `_engagement`); those past the planning with a lead auditor and
    an auditor, one management-system engagement in five sampling the client's two sites."""
    from audits.models import Engagement, TeamMember
    from bodies.models.tenants import Role
    from reference.models import Activity, Sector, Standard

    clients, projects, sites = _parties(bodies)
    people = _users("engagements-auditor", len(bodies) * (AUDITORS + 1))
    auditors = _memberships(
        [(people[b * (AUDITORS + 1) + n], body) for b, body in enumerate(bodies) for n in range(AUDITORS)],
        [Role.LEAD_AUDITOR, Role.AUDITOR],
    )
    reviewers = _memberships(
        [(people[b * (AUDITORS + 1) + AUDITORS], body) for b, body in enumerate(bodies)],
        [Role.INDEPENDENT_REVIEWER],
    )
    refs = {
        "activities": dict(Activity.objects.values_list("code", "pk")),
        "standards": dict(Standard.objects.values_list("code", "pk")),
        "sectors": {
            (scheme, code): pk
            for scheme, code, pk in Sector.objects.filter(is_current=True).values_list("scheme", "code", "pk")
        },
    }
    engagements: list[Any] = []
    team: list[Any] = []
    sampled: list[Any] = []
    for b, body in enumerate(bodies):
        people_of_body = auditors[b * AUDITORS : (b + 1) * AUDITORS]
        parties = {
            "clients": clients[body.pk],
            "by_pk": {c.pk: c for c in clients[body.pk]},
            "projects": projects[body.pk],
            "reviewer": reviewers[b],
            "creator": creator,
            "last": None,
        }
        for i in range(PER_BODY):
            engagement = _engagement(body, b, i, refs, parties)
            parties["last"] = engagement
            engagements.append(engagement)
            if engagement.status in WITH_TEAM:
                team += [
                    TeamMember(
                        body=body,
                        engagement=engagement,
                        membership=people_of_body[(i + n) % AUDITORS],
                        role=role,
                        added_by=creator,
                    )
                    for n, role in enumerate((Role.LEAD_AUDITOR, Role.AUDITOR))
                ]
            if engagement.kind in MANAGEMENT_SYSTEM_KINDS and i % 5 == 0:
                sampled += [
                    Engagement.sites.through(engagement_id=engagement.pk, site_id=site.pk)
                    for site in sites[engagement.client_id]
                ]
    Engagement.objects.bulk_create(engagements, batch_size=5000)
    TeamMember.objects.bulk_create(team, batch_size=5000)
    Engagement.sites.through.objects.bulk_create(sampled, batch_size=5000)


def bench_engagements(args: argparse.Namespace) -> Iterator[str]:
    """A body administrator of 10 of the 50 bodies (20,000 of the 100,000 engagements visible), signed in: the
    API list filtered to one body (`?body=`), and the portal list of that body (the active one)."""
    from audits.models import Engagement, TeamMember
    from bodies.models.tenants import Membership, Role
    from bodies.services import _sync_grants

    (user,) = _users("engagements-admin", 1)
    bodies = _bodies("Engagements", BODIES)
    for body in bodies[:10]:
        _sync_grants(Membership.objects.create(user=user, body=body, roles=[Role.BODY_ADMIN]))
    _engagements(bodies, user)
    _analyze()
    client = _signed_in(user)
    body = bodies[0]  # the first by name: the portal's active body
    yield (
        f"engagement list: {Engagement.objects.count():,} engagements ({TeamMember.objects.count():,} team "
        f"members) over {len(bodies)} bodies; the caller administers 10, the list is filtered to one"
    )
    with override_settings(ROOT_URLCONF=URLS):
        query = f"?body={body.pk}&limit=50"
        endpoint, hand, bare = (
            f"/api/v1/engagements/{query}",
            f"/bench/hand/engagements/{query}",
            f"/bench/bare/engagements/{query}",
        )
        rows = _same_json(client, endpoint, hand)
        times = medians_interleaved(
            {"endpoint": _get(client, endpoint), "hand": _get(client, hand), "bare": _get(client, bare)},
            args.repeat,
        )
        yield compare(
            f"engagements API list, {rows} rows of {PER_BODY} (same JSON)",
            times["endpoint"],
            times["hand"],
            times["bare"],
        )
        page, hand_page = "/engagements/", "/bench/hand/engagements-page/"
        ours, theirs = (
            ROW.findall(_get(client, page)().content),
            ROW.findall(_get(client, hand_page)().content),
        )
        if ours != theirs or len(ours) != 50:
            raise AssertionError(
                f"the hand-built page lists {len(theirs)} engagements, the portal {len(ours)}"
            )
        times = medians_interleaved(
            {"endpoint": _get(client, page), "hand": _get(client, hand_page), "bare": _get(client, bare)},
            args.repeat,
        )
        yield compare(
            f"engagements portal page, {len(ours)} rows of {PER_BODY} (same rows)",
            times["endpoint"],
            times["hand"],
            times["bare"],
        )
