"""The engagements API: the list (grants, strict filters, constant queries), create, PATCH, the team nested
under an engagement, the candidates with their reasons, one POST per transition, 404 across bodies and for
engagements a member is not on, and the schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audits.models import Engagement, TeamMember
from audits.services import team_member_add
from bodies.models import Role
from tests.factories import EngagementFactory, MembershipFactory
from tests.helpers import assert_flat_queries, assert_hidden, listed_ids, signed_in, url

from .test_engagements_setup import english_fixture, setup_fixture, staffed  # noqa: F401

pytestmark = pytest.mark.django_db


def test_planners_list_every_engagement_of_their_body_and_filter(setup, world):
    EngagementFactory(body=world.b.body)
    stage = EngagementFactory(body=setup.body, kind="stage_1", project=None)
    client = signed_in(setup.admin)
    assert listed_ids(client.get(url("engagement-list")), "engagements") == {
        str(setup.engagement.pk),
        str(stage.pk),
    }
    assert listed_ids(client.get(url("engagement-list"), {"kind": "stage_1"}), "engagements") == {
        str(stage.pk)
    }
    assert client.get(url("engagement-list"), {"colour": "red"}).status_code == 400


def test_a_member_sees_only_the_engagements_they_are_on(setup, world):
    other = EngagementFactory(body=setup.body)
    team_member_add(
        engagement=setup.engagement, actor=setup.admin, membership=setup.auditor, role=Role.AUDITOR
    )
    client = signed_in(setup.auditor.user)
    assert listed_ids(client.get(url("engagement-list")), "engagements") == {str(setup.engagement.pk)}
    assert client.get(url("engagement-detail", setup.engagement.pk)).status_code == 200
    assert client.get(url("engagement-detail", other.pk)).status_code == 404


def test_an_external_auditor_of_two_bodies_sees_only_their_engagements(setup, world):
    MembershipFactory(body=world.b.body, user=setup.auditor.user, roles=[Role.AUDITOR])
    in_b = EngagementFactory(body=world.b.body)
    team_member_add(
        engagement=setup.engagement, actor=setup.admin, membership=setup.auditor, role=Role.AUDITOR
    )
    client = signed_in(setup.auditor.user)
    assert listed_ids(client.get(url("engagement-list")), "engagements") == {str(setup.engagement.pk)}
    assert client.get(url("engagement-detail", in_b.pk)).status_code == 404


def test_another_bodys_engagement_is_hidden_on_every_route(setup, world):
    theirs = EngagementFactory(body=world.b.body)
    client = signed_in(setup.admin)
    paths = [
        url("engagement-detail", theirs.pk),
        url("engagement-plan", theirs.pk),
        url("engagement-confirm-team", theirs.pk),
        url("engagement-cancel", theirs.pk),
        url("engagement-team", theirs.pk),
        url("engagement-candidates", theirs.pk),
    ]
    assert_hidden(
        client, paths, lambda: Engagement.objects.values_list("status", "updated_at").get(pk=theirs.pk)
    )


def test_the_list_costs_the_same_queries_for_many_rows(setup):
    def grow(n: int) -> None:
        for _ in range(n):
            engagement = EngagementFactory(body=setup.body)
            TeamMember.objects.create(
                body=setup.body,
                engagement=engagement,
                membership=MembershipFactory(body=setup.body),
                role=Role.AUDITOR,
                added_by=setup.admin,
            )

    assert_flat_queries(signed_in(setup.admin), url("engagement-list"), grow)


def test_create_and_patch(setup):
    client = signed_in(setup.admin)
    start = timezone.localdate() + timedelta(days=40)
    payload = {
        "body": str(setup.body.pk),
        "kind": "verification",
        "client": str(setup.project.proponent_id),
        "project": str(setup.project.pk),
        "activity": "verification",
        "standard": "iso-14064-3",
        "sector": {"scheme": "ghg", "code": "1"},
        "scope": "Emission reductions 2025",
        "plannedStart": start.isoformat(),
        "plannedEnd": (start + timedelta(days=1)).isoformat(),
        "levelOfAssurance": "limited",
        "monitoringPeriodStart": "2025-01-01",
        "monitoringPeriodEnd": "2025-12-31",
    }
    response = client.post(url("engagement-list"), payload, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["reference"].startswith(f"ENG-{start.year}-")
    assert created["materialityPercent"] == 5
    assert created["status"] == "draft"
    changed = client.patch(url("engagement-detail", created["id"]), {"scope": "All of 2025"}, format="json")
    assert changed.status_code == 200 and changed.json()["scope"] == "All of 2025"
    refused = client.post(url("engagement-list"), {**payload, "levelOfAssurance": ""}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "assurance_required"


def test_team_candidates_and_the_confirmation(setup, world):
    client = signed_in(setup.admin)
    engagement = setup.engagement
    added = client.post(
        url("engagement-team", engagement.pk), {"membership": str(setup.lead.pk), "role": "lead_auditor"}
    )
    assert added.status_code == 201, added.content
    candidates = client.get(url("engagement-candidates", engagement.pk), {"role": "auditor"})
    assert candidates.status_code == 200
    by_name = {c["person"]["fullName"]: c for c in candidates.json()["candidates"]}
    assert by_name["Arni Auditor"]["blocked"] is False
    assert by_name["Member A"]["blocked"] is True and by_name["Member A"]["reasons"]
    assert client.get(url("engagement-candidates", engagement.pk), {"role": "boss"}).status_code == 400
    client.post(
        url("engagement-team", engagement.pk), {"membership": str(setup.auditor.pk), "role": "auditor"}
    )
    assert client.post(url("engagement-plan", engagement.pk)).status_code == 200
    assert client.post(url("engagement-propose-team", engagement.pk)).status_code == 200
    confirmed = client.post(url("engagement-confirm-team", engagement.pk))
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "team_confirmed"
    assert client.post(url("engagement-confirm-team", engagement.pk)).status_code == 409


def test_a_refused_confirmation_names_every_person(setup):
    engagement = staffed(setup)
    setup.auditor.declarations.filter(kind="engagement").delete()
    response = signed_in(setup.admin).post(url("engagement-confirm-team", engagement.pk))
    assert response.status_code == 400
    assert response.json()["code"] == "team_gate_failed"
    assert "Arni Auditor" in str(response.json())
    assert Engagement.objects.get(pk=engagement.pk).status == "team_proposed"


def test_a_member_cannot_plan(setup, world):
    team_member_add(
        engagement=setup.engagement, actor=setup.admin, membership=setup.auditor, role=Role.AUDITOR
    )
    response = signed_in(setup.auditor.user).post(url("engagement-plan", setup.engagement.pk))
    assert response.status_code == 403
    assert Engagement.objects.get(pk=setup.engagement.pk).status == "draft"


def test_the_schema_describes_the_engagement_endpoints(anon):
    schema = anon.get(url("schema"), {"format": "json"}).json()
    paths = {
        "/api/v1/engagements/": {"get", "post"},
        "/api/v1/engagements/{id}/": {"get", "patch"},
        "/api/v1/engagements/{engagement_id}/team/": {"get", "post"},
        "/api/v1/engagements/{engagement_id}/team/{id}/": {"delete"},
        "/api/v1/engagements/{engagement_id}/candidates/": {"get"},
        "/api/v1/engagements/{id}/confirm-team/": {"post"},
        "/api/v1/engagements/{id}/send-to-review/": {"post"},
    }
    assert {path: set(schema["paths"].get(path, {})) - {"parameters"} for path in paths} == paths
    assert schema["components"]["schemas"]["PaginatedEngagementOutputList"]["required"] == [
        "engagements",
        "pagination",
    ]
