"""The planner's calendar of engagements: month and week at their boundaries (weeks from Monday), actual dates
over planned ones, the clashes (a person on two non-cancelled engagements whose days overlap: one shared day is
a clash, back-to-back is not), what a member and another body see, constant queries, bad parameters at 400."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import Engagement, TeamMember
from audits.selectors import engagement_calendar
from audits.services import team_member_add
from bodies.models import Membership, Role
from tests.factories import EngagementFactory, MembershipFactory
from tests.helpers import assert_flat_queries

from .test_engagements_setup import english_fixture, setup_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

URL = reverse("audits:engagement-calendar")


def browser(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def booked(setup: Any, start: date, end: date, *, people: tuple[Any, ...] = (), **kw: Any) -> Any:
    engagement: Any = EngagementFactory(body=setup.body, planned_start=start, planned_end=end, **kw)
    for membership in people:
        TeamMember.objects.create(
            body=setup.body,
            engagement=engagement,
            membership=membership,
            role=Role.AUDITOR,
            added_by=setup.admin,
        )
    return engagement


def calendar(setup: Any, start: date, end: date, **kw: Any) -> Any:
    return engagement_calendar(body=setup.body, user=setup.admin, start=start, end=end, **kw)


def refs(items: list[Engagement]) -> set[str]:
    return {e.reference for e in items}


# --- month and week contents at their boundaries ---------------------------------------------------------------


def test_the_month_holds_an_engagement_ending_on_its_first_day_and_not_one_ending_the_day_before(setup):
    ends_on_first = booked(setup, date(2026, 11, 28), date(2026, 12, 1))
    ends_before = booked(setup, date(2026, 11, 27), date(2026, 11, 30))
    starts_on_last = booked(setup, date(2026, 12, 31), date(2027, 1, 2))
    starts_after = booked(setup, date(2027, 1, 1), date(2027, 1, 2))
    response = browser(setup.admin).get(URL, {"month": "2026-12"})
    page = response.content.decode()
    assert response.status_code == 200
    # December 2026: the grid runs from Monday 30 November to Sunday 3 January
    assert 'data-day="2026-11-30"' in page and 'data-day="2027-01-03"' in page
    assert 'data-day="2026-11-29"' not in page and 'data-day="2027-01-04"' not in page
    assert ends_on_first.reference in page and starts_on_last.reference in page
    assert ends_before.reference in page  # on Monday 30 November, the grid's first (greyed) day
    assert starts_after.reference in page  # on the grid's last days
    month = calendar(setup, date(2026, 12, 1), date(2026, 12, 31))
    assert refs(month.engagements) == {ends_on_first.reference, starts_on_last.reference}
    assert refs(month.on(date(2026, 12, 1))) == {ends_on_first.reference}
    assert month.on(date(2026, 12, 2)) == []


def test_the_week_runs_monday_to_sunday_and_leaves_out_an_engagement_starting_the_day_after(setup):
    # Thursday 3 December 2026 → the week of Monday 30 November to Sunday 6 December
    on_sunday = booked(setup, date(2026, 12, 6), date(2026, 12, 6))
    on_monday_after = booked(setup, date(2026, 12, 7), date(2026, 12, 8))
    ended_sunday_before = booked(setup, date(2026, 11, 27), date(2026, 11, 29))
    on_monday = booked(setup, date(2026, 11, 29), date(2026, 11, 30))
    response = browser(setup.admin).get(URL, {"view": "week", "day": "2026-12-03"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("data-day=") == 7
    assert 'data-day="2026-11-30"' in page and 'data-day="2026-12-06"' in page
    assert on_sunday.reference in page and on_monday.reference in page
    assert on_monday_after.reference not in page and ended_sunday_before.reference not in page
    assert "?view=week&amp;day=2026-11-23" in page and "?view=week&amp;day=2026-12-07" in page


def test_the_month_links_to_the_previous_and_next_months_across_a_year(setup):
    page = browser(setup.admin).get(URL, {"month": "2026-12"}).content.decode()
    assert "?view=month&amp;month=2026-11" in page and "?view=month&amp;month=2027-01" in page
    page = browser(setup.admin).get(URL, {"month": "2027-01"}).content.decode()
    assert "?view=month&amp;month=2026-12" in page


def test_actual_dates_replace_the_planned_ones(setup):
    moved = booked(
        setup,
        date(2026, 12, 1),
        date(2026, 12, 2),
        actual_start=date(2026, 12, 10),
        actual_end=date(2026, 12, 11),
    )
    month = calendar(setup, date(2026, 12, 1), date(2026, 12, 31))
    assert month.on(date(2026, 12, 1)) == []
    assert refs(month.on(date(2026, 12, 10))) == refs(month.on(date(2026, 12, 11))) == {moved.reference}


def test_the_engagements_link_to_their_page_and_today_is_marked(setup):
    page = browser(setup.admin).get(URL).content.decode()
    assert "icr-calendar-today" in page
    engagement = setup.engagement  # planned 30–32 days from today
    page = (
        browser(setup.admin)
        .get(URL, {"view": "week", "day": engagement.planned_start.isoformat()})
        .content.decode()
    )
    assert reverse("audits:engagement-detail", args=[engagement.pk]) in page


# --- clashes ------------------------------------------------------------------------------------------------


def test_one_shared_day_is_a_clash_named_above_the_grid_and_marked_on_its_day(setup):
    first = booked(setup, date(2026, 12, 1), date(2026, 12, 4), people=(setup.auditor,))
    second = booked(setup, date(2026, 12, 4), date(2026, 12, 5), people=(setup.auditor, setup.lead))
    month = calendar(setup, date(2026, 12, 1), date(2026, 12, 31))
    assert [(c.person, c.first, c.second, c.start, c.end, c.days) for c in month.clashes] == [
        (setup.auditor, first, second, date(2026, 12, 4), date(2026, 12, 4), 1)
    ]
    assert month.clashing_on(date(2026, 12, 4)) == {first.pk, second.pk}
    assert month.clashing_on(date(2026, 12, 3)) == set()
    assert month.clashing_on(date(2026, 12, 5)) == set()
    page = browser(setup.admin).get(URL, {"month": "2026-12"}).content.decode()
    assert f"Arni Auditor is booked on {first.reference} and {second.reference} on" in page
    assert page.count("icr-calendar-day icr-calendar-clash") == 1


def test_a_longer_overlap_names_its_days(setup):
    first = booked(setup, date(2026, 12, 1), date(2026, 12, 5), people=(setup.lead,))
    second = booked(setup, date(2026, 12, 4), date(2026, 12, 8), people=(setup.lead,))
    (clash,) = calendar(setup, date(2026, 12, 1), date(2026, 12, 31)).clashes
    assert (clash.start, clash.end, clash.days) == (date(2026, 12, 4), date(2026, 12, 5), 2)
    page = browser(setup.admin).get(URL, {"month": "2026-12"}).content.decode()
    assert f"Lena Lead is booked on {first.reference} and {second.reference} from" in page


def test_back_to_back_is_no_clash(setup):
    booked(setup, date(2026, 12, 1), date(2026, 12, 3), people=(setup.auditor,))
    booked(setup, date(2026, 12, 4), date(2026, 12, 5), people=(setup.auditor,))
    assert calendar(setup, date(2026, 12, 1), date(2026, 12, 31)).clashes == []
    page = browser(setup.admin).get(URL, {"month": "2026-12"}).content.decode()
    assert 'id="clashes"' not in page and "icr-calendar-clash" not in page


def test_two_people_on_different_engagements_do_not_clash(setup):
    booked(setup, date(2026, 12, 1), date(2026, 12, 3), people=(setup.auditor,))
    booked(setup, date(2026, 12, 1), date(2026, 12, 3), people=(setup.lead,))
    assert calendar(setup, date(2026, 12, 1), date(2026, 12, 31)).clashes == []


def test_a_cancelled_engagement_never_clashes(setup):
    booked(setup, date(2026, 12, 1), date(2026, 12, 3), people=(setup.auditor,))
    cancelled = booked(
        setup, date(2026, 12, 2), date(2026, 12, 3), people=(setup.auditor,), status="cancelled"
    )
    month = calendar(setup, date(2026, 12, 1), date(2026, 12, 31))
    assert month.clashes == []
    assert cancelled.reference in refs(month.engagements)  # still shown, struck through


def test_the_person_filter_shows_their_engagements_and_their_clashes_only(setup):
    mine = booked(setup, date(2026, 12, 1), date(2026, 12, 3), people=(setup.auditor, setup.lead))
    also_mine = booked(setup, date(2026, 12, 2), date(2026, 12, 3), people=(setup.auditor, setup.lead))
    theirs = booked(setup, date(2026, 12, 1), date(2026, 12, 3), people=(setup.lead,))
    month = calendar(setup, date(2026, 12, 1), date(2026, 12, 31), person=setup.auditor)
    assert refs(month.engagements) == {mine.reference, also_mine.reference}
    assert [(c.person, c.first, c.second) for c in month.clashes] == [(setup.auditor, mine, also_mine)]
    page = browser(setup.admin).get(URL, {"month": "2026-12", "person": setup.auditor.pk}).content.decode()
    assert mine.reference in page and theirs.reference not in page
    assert "Lena Lead is booked" not in page and "Arni Auditor is booked" in page
    assert f"person={setup.auditor.pk}" in page  # the navigation keeps the person


# --- who sees what ------------------------------------------------------------------------------------------


def test_a_member_sees_only_their_engagements_and_nobody_another_bodys(setup, world):
    start = setup.engagement.planned_start
    other = booked(setup, start, start + timedelta(days=1))
    elsewhere = EngagementFactory(body=world.b.body, reference="ENG-B-1", planned_start=start)
    team_member_add(
        engagement=setup.engagement, actor=setup.admin, membership=setup.auditor, role=Role.AUDITOR
    )
    query = {"view": "week", "day": start.isoformat()}
    everything = browser(setup.admin).get(URL, query).content.decode()
    assert setup.engagement.reference in everything and other.reference in everything
    assert elsewhere.reference not in everything
    mine = browser(setup.auditor.user).get(URL, query).content.decode()
    assert setup.engagement.reference in mine and other.reference not in mine and "ENG-B-1" not in mine
    assert refs(
        engagement_calendar(body=setup.body, user=setup.auditor.user, start=start, end=start).engagements
    ) == {setup.engagement.reference}


def test_a_person_of_another_body_is_a_bad_filter(setup, world):
    theirs = Membership.objects.get(body=world.b.body, user=world.b.member)
    response = browser(setup.admin).get(URL, {"person": theirs.pk})
    assert response.status_code == 400
    assert 'id="filter-errors"' in response.content.decode()


# --- bad parameters and query counts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"month": "2026-13"},
        {"month": "2026-00"},
        {"month": "26-1"},
        {"month": "9999-12"},
        {"view": "year"},
        {"view": "week", "day": "2026-02-30"},
        {"view": "week", "day": "9999-12-31"},
        {"person": "not-a-person"},
        {"person": "00000000-0000-0000-0000-000000000000"},
    ],
)
def test_a_bad_parameter_answers_400_with_its_message_and_nothing_shown(setup, query):
    booked(setup, date.today(), date.today())
    response = browser(setup.admin).get(URL, query)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="filter-errors"' in page
    assert "ENG-" not in page.split('id="calendar-grid"')[-1]


def test_the_calendar_costs_the_same_queries_for_many_engagements_and_people(setup):
    start = date(2026, 12, 7)

    def grow(n: int) -> None:
        for i in range(n):
            booked(
                setup,
                start + timedelta(days=i % 5),
                start + timedelta(days=i % 5 + 1),
                people=(setup.auditor, MembershipFactory(body=setup.body)),
            )

    assert_flat_queries(browser(setup.admin), f"{URL}?month=2026-12", grow)


def test_the_list_links_to_the_calendar_and_back(setup):
    listing = browser(setup.admin).get(reverse("audits:engagement-list")).content.decode()
    assert f'href="{URL}"' in listing
    page = browser(setup.admin).get(URL).content.decode()
    assert f'href="{reverse("audits:engagement-list")}"' in page


def test_an_htmx_navigation_gets_the_grid_alone(setup):
    booked(setup, date(2026, 11, 3), date(2026, 11, 4))
    response = browser(setup.admin).get(URL, {"view": "month", "month": "2026-11"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'id="calendar-grid"' in page and 'value="2026-11"' in page
    assert "HX-Request" in response["Vary"]


def test_a_week_view_with_only_a_month_shows_the_week_of_its_first_day(setup):
    page = browser(setup.admin).get(URL, {"view": "week", "month": "2026-12"}).content.decode()
    assert page.count("data-day=") == 7
    assert 'data-day="2026-11-30"' in page and 'data-day="2026-12-06"' in page


def test_the_calendar_renders_in_icelandic(setup):
    first = booked(setup, date(2026, 12, 1), date(2026, 12, 4), people=(setup.auditor,))
    booked(setup, date(2026, 12, 4), date(2026, 12, 5), people=(setup.auditor,))
    client = Client(HTTP_ACCEPT_LANGUAGE="is")
    client.force_login(setup.admin)
    response = client.get(URL, {"month": "2026-12"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("data-day=") == 35 and first.reference in page and 'id="clashes"' in page
