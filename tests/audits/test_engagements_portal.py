"""The engagement pages: the list (grants, filters, constant queries), create, the page with its actions and the
findings section, the team page with the candidates and their reasons (htmx), the action forms; 404 across
bodies and for engagements a member is not on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.models import Engagement, TeamMember
from audits.services import team_member_add
from bodies.models import Role
from tests.factories import EngagementFactory, MembershipFactory
from tests.helpers import assert_flat_queries

from .test_engagements_setup import english_fixture, setup_fixture, staffed  # noqa: F401

pytestmark = pytest.mark.django_db


def browser(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_list_shows_the_bodys_engagements_to_planners_and_theirs_to_a_member(setup, world):
    other = EngagementFactory(body=setup.body)
    EngagementFactory(body=world.b.body, reference="ENG-B-1")
    team_member_add(
        engagement=setup.engagement, actor=setup.admin, membership=setup.auditor, role=Role.AUDITOR
    )
    page = browser(setup.admin).get(reverse("audits:engagement-list")).content.decode()
    assert setup.engagement.reference in page and other.reference in page and "ENG-B-1" not in page
    mine = browser(setup.auditor.user).get(reverse("audits:engagement-list")).content.decode()
    assert setup.engagement.reference in mine and other.reference not in mine


def test_the_list_filters_and_refuses_a_bad_filter(setup):
    stage = EngagementFactory(body=setup.body, kind="stage_1", project=None)
    client = browser(setup.admin)
    page = client.get(reverse("audits:engagement-list"), {"kind": "stage_1"}).content.decode()
    assert stage.reference in page and setup.engagement.reference not in page
    assert client.get(reverse("audits:engagement-list"), {"kind": "nonsense"}).status_code == 400


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

    assert_flat_queries(browser(setup.admin), reverse("audits:engagement-list"), grow)


def test_a_planner_creates_an_engagement(setup):
    start = timezone.localdate() + timedelta(days=40)
    response = browser(setup.admin).post(
        reverse("audits:engagement-create"),
        {
            "kind": "verification",
            "client": setup.project.proponent_id,
            "project": setup.project.pk,
            "activity": "verification",
            "standard": "iso-14064-3",
            "sector": setup.engagement.sector_id,
            "scope": "Emission reductions 2025",
            "planned_start": start.isoformat(),
            "planned_end": (start + timedelta(days=1)).isoformat(),
            "mode": "on_site",
            "level_of_assurance": "reasonable",
            "monitoring_period_start": "2025-01-01",
            "monitoring_period_end": "2025-12-31",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Engagement.objects.exclude(pk=setup.engagement.pk).get(body=setup.body)
    assert response["Location"] == reverse("audits:engagement-detail", args=[created.pk])


def test_a_refused_creation_shows_the_kinds_rules_and_changes_nothing(setup):
    count = Engagement.objects.count()
    response = browser(setup.admin).post(
        reverse("audits:engagement-create"),
        {
            "kind": "verification",
            "client": setup.project.proponent_id,
            "activity": "verification",
            "standard": "iso-14064-3",
            "sector": setup.engagement.sector_id,
            "scope": "x",
            "planned_start": "2027-02-01",
            "planned_end": "2027-02-02",
            "mode": "on_site",
        },
    )
    assert response.status_code == 200
    assert "A validation or verification is about a project" in response.content.decode()
    assert Engagement.objects.count() == count


def test_the_engagement_page_offers_the_actions_of_the_person(setup):
    engagement = staffed(setup, status="team_proposed")
    page = (
        browser(setup.admin).get(reverse("audits:engagement-detail", args=[engagement.pk])).content.decode()
    )
    assert 'data-action="confirm_team"' in page
    assert 'id="engagement-findings"' in page
    lead_page = browser(setup.lead.user).get(reverse("audits:engagement-detail", args=[engagement.pk]))
    assert lead_page.status_code == 200
    assert 'data-action="confirm_team"' not in lead_page.content.decode()


def test_confirming_from_the_page(setup):
    engagement = staffed(setup, status="team_proposed")
    url = reverse("audits:engagement-transition", args=[engagement.pk, "confirm_team"])
    assert browser(setup.lead.user).post(url).status_code == 403
    response = browser(setup.admin).post(url)
    assert response.status_code == 302
    assert Engagement.objects.get(pk=engagement.pk).status == "team_confirmed"


def test_a_refused_confirmation_names_the_person_on_the_page(setup):
    engagement = staffed(setup, status="team_proposed")
    setup.auditor.declarations.filter(kind="engagement").delete()
    response = browser(setup.admin).post(
        reverse("audits:engagement-transition", args=[engagement.pk, "confirm_team"]), follow=True
    )
    assert "Arni Auditor" in response.content.decode()
    assert Engagement.objects.get(pk=engagement.pk).status == "team_proposed"


def test_the_team_page_shows_why_a_candidate_cannot_be_assigned(setup):
    team_member_add(
        engagement=setup.engagement, actor=setup.admin, membership=setup.lead, role=Role.LEAD_AUDITOR
    )
    client = browser(setup.admin)
    page = client.get(reverse("audits:engagement-team", args=[setup.engagement.pk])).content.decode()
    assert "Member A has no competence as Auditor" in page
    partial = client.get(
        reverse("audits:engagement-team", args=[setup.engagement.pk]),
        {"role": "technical_expert"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert partial.lstrip().startswith('<div id="candidates">')
    assert "Technical expert" in partial


def test_adding_and_removing_from_the_team_page(setup):
    client = browser(setup.admin)
    url = reverse("audits:engagement-team", args=[setup.engagement.pk])
    assert client.post(url, {"membership": setup.auditor.pk, "role": "auditor"}).status_code == 302
    member = TeamMember.objects.get(engagement=setup.engagement)
    response = client.post(reverse("audits:engagement-team-remove", args=[setup.engagement.pk, member.pk]))
    assert response.status_code == 302
    assert not TeamMember.objects.filter(engagement=setup.engagement).exists()


def test_cancel_form(setup):
    client = browser(setup.admin)
    url = reverse("audits:engagement-cancel", args=[setup.engagement.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200
    assert Engagement.objects.get(pk=setup.engagement.pk).status == "draft"
    assert client.post(url, {"reason": "Client withdrew"}).status_code == 302
    assert Engagement.objects.get(pk=setup.engagement.pk).status == "cancelled"


def test_another_bodys_engagement_and_one_not_on_are_404(setup, world):
    theirs = EngagementFactory(body=world.b.body)
    client = browser(setup.admin)
    for name in ("audits:engagement-detail", "audits:engagement-team", "audits:engagement-cancel"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    member = browser(setup.auditor.user)
    assert member.get(reverse("audits:engagement-detail", args=[setup.engagement.pk])).status_code == 404
    assert Engagement.objects.get(pk=theirs.pk).status == "draft"


def test_editing_the_dates_of_a_confirmed_team_names_who_fails(setup):
    from datetime import date

    from audits.services import engagement_confirm_team

    engagement = engagement_confirm_team(engagement=staffed(setup), actor=setup.admin)
    before = (engagement.planned_start, engagement.planned_end)
    response = browser(setup.admin).post(
        reverse("audits:engagement-edit", args=[engagement.pk]),
        {
            "scope": engagement.scope,
            "planned_start": date(2027, 12, 30).isoformat(),
            "planned_end": date(2028, 1, 2).isoformat(),
            "mode": engagement.mode,
            "level_of_assurance": engagement.level_of_assurance,
            "materiality_percent": engagement.materiality_percent,
            "monitoring_period_start": engagement.monitoring_period_start.isoformat(),
            "monitoring_period_end": engagement.monitoring_period_end.isoformat(),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lena Lead" in page and "Arni Auditor" in page
    engagement.refresh_from_db()
    assert (engagement.planned_start, engagement.planned_end) == before
