"""The impartiality register API: risks (create, change, review, close through the services), committee meetings
(record with attendees, risks reviewed and actions), actions (mark done); strict filters, tenancy (another body's
records are 404 on every method, nothing changes), token scopes, constant query counts, the OpenAPI schema."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bodies.models import Membership, Role
from core.dates import today_in
from core.models import AuditEvent
from impartiality.models import CommitteeAction, CommitteeMeeting, Risk
from impartiality.services import review_date_limit
from tests.factories import CommitteeActionFactory, CommitteeMeetingFactory, MembershipFactory, RiskFactory
from tests.helpers import assert_flat_queries, assert_hidden, bearer, listed_ids, make_token, signed_in, url

pytestmark = pytest.mark.django_db


def member_a(world) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(body=world.a.body, user=world.a.member)


def today(world):  # type: ignore[no-untyped-def]
    return today_in(world.a.body.time_zone)


def risk_body(world, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "body": str(world.a.body.pk),
        "title": "A shareholder is also a client",
        "sourceKind": "relationship",
        "source": "A 10% shareholder operates a geothermal plant the body verifies",
        "threat": "self_interest",
        "likelihood": 3,
        "impact": 5,
        "mitigation": "Shareholders take no part in decisions on their own plant",
        "owner": str(member_a(world).pk),
        "nextReviewOn": review_date_limit(today(world)).isoformat(),
        **overrides,
    }


def test_a_body_admin_adds_a_risk_and_every_member_reads_it(world):
    response = signed_in(world.a.admin).post(url("risk-list"), risk_body(world), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["rating"], data["level"], data["overdue"], data["status"]) == (15, "high", False, "open")
    assert data["owner"] == {"id": str(member_a(world).pk), "name": "Member A"}
    detail = signed_in(world.a.member).get(url("risk-detail", data["id"]))
    assert detail.status_code == 200 and detail.json()["title"] == "A shareholder is also a client"


def test_the_next_review_the_day_after_the_limit_is_400_with_its_code(world):
    too_far = (review_date_limit(today(world)) + timedelta(days=1)).isoformat()
    response = signed_in(world.a.admin).post(
        url("risk-list"), risk_body(world, nextReviewOn=too_far), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "review_date_too_far"
    assert list(response.json()["fieldErrors"]) == ["nextReviewOn"]
    assert not Risk.objects.exists()


def test_a_member_cannot_add_and_another_body_s_owner_is_not_found(world):
    assert (
        signed_in(world.a.member).post(url("risk-list"), risk_body(world), format="json").status_code == 403
    )
    other = Membership.objects.get(body=world.b.body, user=world.b.member)
    response = signed_in(world.a.admin).post(
        url("risk-list"), risk_body(world, owner=str(other.pk)), format="json"
    )
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"owner": ["Not found."]}
    assert not Risk.objects.exists()


def test_change_review_close_and_a_closed_risk_is_409(world):
    risk = RiskFactory(owner=member_a(world), likelihood=2)
    api = signed_in(world.a.admin)

    changed = api.patch(url("risk-detail", risk.pk), {"likelihood": 4}, format="json")
    assert changed.status_code == 200 and changed.json()["rating"] == 16
    reviewed = api.post(
        url("risk-review", risk.pk),
        {"nextReviewOn": (today(world) + timedelta(days=100)).isoformat()},
        format="json",
    )
    assert reviewed.status_code == 200 and reviewed.json()["lastReviewedOn"] == today(world).isoformat()
    closed = api.post(url("risk-close", risk.pk), {"reason": "The client left"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"

    refused = api.patch(url("risk-detail", risk.pk), {"likelihood": 1}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "risk_closed"
    risk.refresh_from_db()
    assert risk.likelihood == 4


def test_filters_are_strict_and_overdue_is_the_day_after(world):
    RiskFactory(owner=member_a(world), title="due today", next_review_on=today(world))
    late = RiskFactory(
        owner=member_a(world), title="late", threat="familiarity", next_review_on=today(world) - timedelta(1)
    )
    api = signed_in(world.a.member)
    assert listed_ids(api.get(url("risk-list"), {"overdue": "true"}), "risks") == {str(late.pk)}
    assert listed_ids(api.get(url("risk-list"), {"threat": "familiarity"}), "risks") == {str(late.pk)}
    assert len(listed_ids(api.get(url("risk-list"), {"overdue": "false"}), "risks")) == 1
    unknown = api.get(url("risk-list"), {"rating": "3"})
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_filter"
    assert api.get(url("risk-list"), {"threat": "greed"}).status_code == 400


def test_another_body_s_records_are_404_on_every_method_and_nothing_changes(world):
    risk = RiskFactory(owner=member_a(world))
    action = CommitteeActionFactory(meeting__body=world.a.body, owner=member_a(world))

    def state() -> object:
        return (
            list(Risk.objects.values_list("status", "likelihood", "last_reviewed_on")),
            list(CommitteeAction.objects.values_list("status")),
            AuditEvent.objects.count(),
        )

    paths = [
        url("risk-detail", risk.pk),
        url("risk-review", risk.pk),
        url("risk-close", risk.pk),
        url("risk-reopen", risk.pk),
        url("committee-meeting-detail", action.meeting_id),
        url("committee-action-detail", action.pk),
        url("committee-action-complete", action.pk),
    ]
    assert_hidden(signed_in(world.b.admin), paths, state)


@pytest.fixture
def committee(world):  # type: ignore[no-untyped-def]
    return MembershipFactory(
        body=world.a.body, user__full_name="Anna Chair", roles=[Role.IMPARTIALITY_COMMITTEE]
    )


def meeting_body(world, committee, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "body": str(world.a.body.pk),
        "heldOn": today(world).isoformat(),
        "attendees": [str(committee.pk)],
        "conclusions": "The register is complete.",
        **overrides,
    }


def test_a_meeting_is_recorded_with_actions_and_the_owner_marks_one_done(world, committee):
    risk = RiskFactory(owner=member_a(world))
    response = signed_in(committee.user).post(
        url("committee-meeting-list"),
        meeting_body(
            world,
            committee,
            risksReviewed=[str(risk.pk)],
            actions=[
                {"description": "Rotate", "owner": str(member_a(world).pk), "dueOn": today(world).isoformat()}
            ],
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert [a["name"] for a in data["attendees"]] == ["Anna Chair"]
    assert [r["id"] for r in data["risksReviewed"]] == [str(risk.pk)]
    [action] = data["actions"]
    assert (action["description"], action["status"]) == ("Rotate", "open")

    done = signed_in(world.a.member).post(
        url("committee-action-complete", action["id"]), {"note": "Done"}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = signed_in(world.a.admin).post(url("committee-action-complete", action["id"]), {}, format="json")
    assert again.status_code == 409


def test_an_attendee_outside_the_committee_is_a_field_error_naming_them(world, committee):
    response = signed_in(world.a.admin).post(
        url("committee-meeting-list"),
        meeting_body(world, committee, attendees=[str(committee.pk), str(member_a(world).pk)]),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "not_committee_member"
    assert "Member A" in response.json()["fieldErrors"]["attendees"][0]
    assert not CommitteeMeeting.objects.exists()


def test_another_member_cannot_mark_an_action_done(world):
    action = CommitteeActionFactory(meeting__body=world.a.body)
    response = signed_in(world.a.member).post(url("committee-action-complete", action.pk), {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_action_owner"
    action.refresh_from_db()
    assert action.status == "open"


def test_token_scopes(world):
    RiskFactory(owner=member_a(world))
    _, read = make_token(body=world.a.body, creator=world.a.admin, scopes={"impartiality_register": "read"})
    _, write = make_token(body=world.a.body, creator=world.a.admin, scopes={"impartiality_register": "write"})
    _, other = make_token(body=world.a.body, creator=world.a.admin, scopes={"clients": "read"})
    assert bearer(read).get(url("risk-list")).status_code == 200
    assert bearer(other).get(url("risk-list")).status_code == 403
    body = risk_body(world)
    del body["body"]
    assert bearer(read).post(url("risk-list"), body, format="json").status_code == 403
    created = bearer(write).post(url("risk-list"), body, format="json")
    assert created.status_code == 201, created.content
    assert Risk.objects.get(pk=created.json()["id"]).body == world.a.body


def test_the_lists_keep_a_constant_number_of_queries(world, committee):
    api = signed_in(world.a.admin)

    def risks(n: int) -> None:
        for _ in range(n):
            RiskFactory(owner=MembershipFactory(body=world.a.body))

    def meetings(n: int) -> None:
        for _ in range(n):
            meeting = CommitteeMeetingFactory(body=world.a.body, attendees=[committee])
            meeting.risks_reviewed.add(RiskFactory(owner=committee))
            CommitteeActionFactory(meeting=meeting)

    assert_flat_queries(api, url("risk-list"), risks)
    assert_flat_queries(api, url("committee-meeting-list"), meetings)
    assert_flat_queries(api, url("committee-action-list"), meetings)


def test_a_client_user_sees_nothing(world):
    from tests.factories import ClientUserFactory

    RiskFactory(owner=member_a(world))
    client_user = ClientUserFactory(client__body=world.a.body).user
    response = signed_in(client_user).get(url("risk-list"))
    assert response.status_code == 200 and listed_ids(response, "risks") == set()


def test_the_endpoints_are_in_the_schema(world):
    from django.urls import reverse

    schema = signed_in(world.a.admin).get(reverse("api-v1:schema"), {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/impartiality-risks/",
        "/api/v1/impartiality-risks/{id}/",
        "/api/v1/impartiality-risks/{id}/review/",
        "/api/v1/committee-meetings/",
        "/api/v1/committee-actions/{id}/complete/",
    ):
        assert path in paths, path
