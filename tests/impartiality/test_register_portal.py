"""The portal's register and committee pages: every member reads, the keepers (body administrators and committee
members) change; filters, the rating in words and number, the overdue badge, the meeting form with action rows
added in place, marking an action done, the register pack; constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from bodies.models import Membership, Role
from core.dates import today_in
from core.models import AuditEvent
from documents.models import Document
from impartiality.models import CommitteeAction, CommitteeMeeting, Risk
from impartiality.services import review_date_limit
from tests.factories import CommitteeActionFactory, CommitteeMeetingFactory, MembershipFactory, RiskFactory
from tests.helpers import assert_flat_queries

pytestmark = pytest.mark.django_db


def member_a(world) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(body=world.a.body, user=world.a.member)


def today(world):  # type: ignore[no-untyped-def]
    return today_in(world.a.body.time_zone)


def test_the_register_lists_rating_in_words_and_number_and_the_overdue_badge(world, client):
    RiskFactory(owner=member_a(world), title="Fee dependence", likelihood=4, impact=4)
    RiskFactory(
        owner=member_a(world),
        title="Old friend",
        likelihood=1,
        impact=2,
        next_review_on=today(world) - timedelta(1),
    )
    client.force_login(world.a.member)

    response = client.get(reverse("impartiality:risk-list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "High · 16" in page and "Low · 2" in page
    assert page.count("Overdue</span>") == 1
    assert "Add a risk" not in page and "Request the register pack" not in page


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("threat=familiarity", ["Old friend"]),
        ("overdue=yes", ["Old friend"]),
        ("overdue=no", ["Fee dependence", "Closed one"]),
        ("status=closed", ["Closed one"]),
    ],
)
def test_the_register_filters(world, client, query, titles):
    RiskFactory(owner=member_a(world), title="Fee dependence")
    RiskFactory(
        owner=member_a(world),
        title="Old friend",
        threat="familiarity",
        next_review_on=today(world) - timedelta(1),
    )
    RiskFactory(
        owner=member_a(world), title="Closed one", status="closed", next_review_on=today(world) - timedelta(9)
    )
    client.force_login(world.a.admin)

    response = client.get(reverse("impartiality:risk-list") + "?" + query)

    assert [risk.title for risk in response.context["risks"]] == titles


def test_an_invalid_filter_answers_400_with_no_rows(world, client):
    RiskFactory(owner=member_a(world))
    client.force_login(world.a.admin)
    response = client.get(reverse("impartiality:risk-list") + "?threat=greed")
    assert response.status_code == 400
    assert list(response.context["risks"]) == []


def test_a_body_admin_adds_a_risk_through_the_form(world, client):
    client.force_login(world.a.admin)
    response = client.post(
        reverse("impartiality:risk-create"),
        {
            "title": "Gifts from a client",
            "source_kind": "relationship",
            "source": "Hospitality offered at site visits",
            "threat": "self_interest",
            "likelihood": "2",
            "impact": "3",
            "mitigation": "Gifts policy; register of hospitality",
            "owner": str(member_a(world).pk),
            "next_review_on": review_date_limit(today(world)).isoformat(),
        },
    )
    risk = Risk.objects.get()
    assert response.status_code == 302 and response.url == reverse("impartiality:risk-detail", args=[risk.pk])
    assert (risk.rating, risk.owner) == (6, member_a(world))


def test_the_form_shows_the_service_refusal_on_the_field(world, client):
    client.force_login(world.a.admin)
    response = client.post(
        reverse("impartiality:risk-create"),
        {
            "title": "Too far",
            "source_kind": "person",
            "source": "x",
            "threat": "intimidation",
            "likelihood": "1",
            "impact": "1",
            "mitigation": "x",
            "owner": str(member_a(world).pk),
            "next_review_on": (review_date_limit(today(world)) + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "next_review_on" in response.context["form"].errors
    assert Risk.objects.count() == 0


def test_an_ordinary_member_reads_but_cannot_change(world, client):
    risk = RiskFactory(owner=member_a(world))
    client.force_login(world.a.member)
    assert client.get(reverse("impartiality:risk-detail", args=[risk.pk])).status_code == 200
    assert client.get(reverse("impartiality:committee")).status_code == 200
    for name in ("impartiality:risk-edit", "impartiality:risk-review"):
        assert client.post(reverse(name, args=[risk.pk]), {"likelihood": "5"}).status_code == 403
    assert client.post(reverse("impartiality:risk-close", args=[risk.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("impartiality:register-pack")).status_code == 403
    risk.refresh_from_db()
    assert (risk.status, risk.last_reviewed_on) == ("open", None)
    assert not AuditEvent.objects.filter(action__startswith="impartiality.").exists()


def test_review_and_close_from_the_pages(world, client):
    risk = RiskFactory(owner=member_a(world))
    client.force_login(world.a.admin)
    response = client.post(
        reverse("impartiality:risk-review", args=[risk.pk]),
        {"next_review_on": review_date_limit(today(world))},
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.last_reviewed_on == today(world)

    client.post(reverse("impartiality:risk-close", args=[risk.pk]), {"reason": "No longer a client"})
    risk.refresh_from_db()
    assert risk.status == "closed"


def test_another_body_s_risk_and_meeting_are_404(world, client):
    risk = RiskFactory(owner=member_a(world))
    meeting = CommitteeMeetingFactory(body=world.a.body)
    client.force_login(world.b.admin)
    for url in (
        reverse("impartiality:risk-detail", args=[risk.pk]),
        reverse("impartiality:risk-edit", args=[risk.pk]),
        reverse("impartiality:meeting-detail", args=[meeting.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("impartiality:risk-close", args=[risk.pk]), {"reason": "x"}).status_code == 404
    risk.refresh_from_db()
    assert risk.status == "open"


# --- the committee ------------------------------------------------------------------------------------------------


@pytest.fixture
def chair(world):  # type: ignore[no-untyped-def]
    return MembershipFactory(body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])


def test_a_committee_member_records_a_meeting_with_action_rows(world, client, chair):
    risk = RiskFactory(owner=member_a(world))
    client.force_login(chair.user)
    form = client.get(reverse("impartiality:meeting-create"))
    assert form.status_code == 200
    row = client.get(
        reverse("impartiality:meeting-action-row"), {"actions-TOTAL_FORMS": "1"}, HTTP_HX_REQUEST="true"
    )
    assert row.status_code == 200 and 'name="actions-1-description"' in row.content.decode()
    assert 'name="actions-TOTAL_FORMS" value="2"' in row.content.decode()

    response = client.post(
        reverse("impartiality:meeting-create"),
        {
            "held_on": today(world).isoformat(),
            "attendees": [str(chair.pk)],
            "risks_reviewed": [str(risk.pk)],
            "conclusions": "All well.",
            "actions-TOTAL_FORMS": "2",
            "actions-INITIAL_FORMS": "0",
            "actions-0-description": "Rotate the lead auditor",
            "actions-0-owner": str(member_a(world).pk),
            "actions-0-due_on": (today(world) + timedelta(days=30)).isoformat(),
            "actions-1-description": "",
            "actions-1-owner": "",
            "actions-1-due_on": "",
        },
    )

    meeting = CommitteeMeeting.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "impartiality:meeting-detail", args=[meeting.pk]
    )
    assert [a.description for a in meeting.actions.all()] == ["Rotate the lead auditor"]
    risk.refresh_from_db()
    assert risk.last_reviewed_on == today(world)
    detail = client.get(response.url)
    assert "Rotate the lead auditor" in detail.content.decode()


def test_a_half_filled_action_row_is_an_error_and_nothing_is_recorded(world, client, chair):
    client.force_login(chair.user)
    response = client.post(
        reverse("impartiality:meeting-create"),
        {
            "held_on": today(world).isoformat(),
            "attendees": [str(chair.pk)],
            "conclusions": "All well.",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-description": "Rotate",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].actions.forms[0].errors.keys() == {"owner", "due_on"}
    assert CommitteeMeeting.objects.count() == 0


def test_the_action_row_refuses_past_the_limit(world, client):
    client.force_login(world.a.admin)
    assert (
        client.get(reverse("impartiality:meeting-action-row"), {"actions-TOTAL_FORMS": "20"}).status_code
        == 400
    )
    assert client.get(reverse("impartiality:meeting-action-row")).status_code == 400


def test_the_owner_marks_their_action_done_from_the_meeting_page(world, client):
    action = CommitteeActionFactory(meeting__body=world.a.body, owner=member_a(world))
    client.force_login(world.a.member)
    page = client.get(reverse("impartiality:meeting-detail", args=[action.meeting_id]))
    assert "Mark done" in page.content.decode()

    client.post(reverse("impartiality:action-complete", args=[action.pk]), {"note": "Done at the audit"})

    action.refresh_from_db()
    assert (action.status, action.done_note) == ("done", "Done at the audit")


def test_another_member_cannot_mark_it_done(world, client):
    action = CommitteeActionFactory(meeting__body=world.a.body)
    client.force_login(world.a.member)
    assert (
        "Mark done"
        not in client.get(reverse("impartiality:meeting-detail", args=[action.meeting_id])).content.decode()
    )
    assert client.post(reverse("impartiality:action-complete", args=[action.pk])).status_code == 403
    action.refresh_from_db()
    assert action.status == CommitteeAction.Status.OPEN


def test_the_register_pack_is_requested_not_rendered_in_the_request(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.a.admin)
    response = client.post(reverse("impartiality:register-pack"))
    assert response.status_code == 302
    document = Document.objects.get(kind="impartiality.register_pack")
    assert (document.body, document.subject_id) == (world.a.body, str(world.a.body.pk))


# --- query counts ------------------------------------------------------------------------------------------------


def test_the_register_keeps_a_constant_number_of_queries(world, client):
    client.force_login(world.a.admin)

    def grow(n: int) -> None:
        for _ in range(n):
            RiskFactory(owner=MembershipFactory(body=world.a.body))

    assert_flat_queries(client, reverse("impartiality:risk-list"), grow)


def test_the_committee_page_keeps_a_constant_number_of_queries(world, client, chair):
    client.force_login(world.a.admin)

    def grow(n: int) -> None:
        for _ in range(n):
            meeting = CommitteeMeetingFactory(body=world.a.body, attendees=[chair])
            CommitteeActionFactory(meeting=meeting)
            MembershipFactory(body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])

    assert_flat_queries(client, reverse("impartiality:committee"), grow)


def test_a_meeting_page_keeps_a_constant_number_of_queries(world, client, chair):
    meeting = CommitteeMeetingFactory(body=world.a.body, attendees=[chair])
    client.force_login(world.a.admin)

    def grow(n: int) -> None:
        for _ in range(n):
            attendee = MembershipFactory(body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])
            meeting.attendees.add(attendee)
            meeting.risks_reviewed.add(RiskFactory(owner=attendee))
            CommitteeActionFactory(meeting=meeting, owner=attendee)

    assert_flat_queries(client, reverse("impartiality:meeting-detail", args=[meeting.pk]), grow)


# --- words, not codes --------------------------------------------------------------------------------------------

REGISTER_CODES = ("self_interest", "self_review", "relationship", "medium", "impartiality.risk")


def test_the_pages_show_labels_not_codes(world, client):
    from tests.core.test_labels_on_pages import visible_text

    risk = RiskFactory(owner=member_a(world), threat="self_review", source_kind="relationship")
    action = CommitteeActionFactory(meeting__body=world.a.body, owner=member_a(world), status="done")
    action.meeting.risks_reviewed.add(risk)
    client.force_login(world.a.admin)
    for url in (
        reverse("impartiality:risk-list"),
        reverse("impartiality:risk-detail", args=[risk.pk]),
        reverse("impartiality:committee"),
        reverse("impartiality:meeting-detail", args=[action.meeting_id]),
    ):
        text = visible_text(client.get(url).content.decode())
        found = [code for code in REGISTER_CODES if f" {code} " in f" {text} ".replace("\n", " ")]
        assert found == [], (url, found)
    assert "Self-review" in visible_text(client.get(reverse("impartiality:risk-list")).content.decode())
