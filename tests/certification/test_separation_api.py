"""The API faces of reviews, decisions, statements and numbering: separation of duties answered 4xx with its
code, the review's steps, 404 across bodies, 400 with field messages, constant list queries."""

from __future__ import annotations

import pytest

from bodies.models.tenants import Role
from certification.models import Decision, Numbering, Review
from certification.services.reviews import review_open
from core.grants import object_grant
from tests.factories import MembershipFactory, StatementFactory, TeamMemberFactory, review_setup
from tests.helpers import assert_flat_queries, listed_ids, signed_in, url

pytestmark = pytest.mark.django_db
QUANTITIES = [{"vintage": 2025, "reductions": "10.5", "removals": "0"}]


def decision_payload(engagement, **extra):
    return {
        "kind": "positive_opinion",
        "rationale": "Supported",
        "engagement": str(engagement.pk),
        "quantities": QUANTITIES,
        **extra,
    }


def _grant_team(s):
    for user in (s.lead, s.auditor):
        object_grant(obj=s.engagement, user=user, actor=s.planner)


# --- reviews ---


def test_the_review_cycle_through_the_api():
    s = review_setup()
    _grant_team(s)
    reviewer = signed_in(s.reviewer)
    # a team member cannot open it
    response = signed_in(s.lead).post(url("review-list"), {"engagement": str(s.engagement.pk)}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "reviewer_not_independent"
    assert not Review.objects.exists()
    # the reviewer opens it and comments
    response = reviewer.post(url("review-list"), {"engagement": str(s.engagement.pk)}, format="json")
    assert response.status_code == 201, response.content
    review_id = response.json()["id"]
    response = reviewer.post(url("review-comment", review_id), {"text": "Explain table 4"}, format="json")
    assert response.status_code == 200 and response.json()["comments"][0]["round"] == 1
    comment_id = response.json()["comments"][0]["id"]
    # the lead cannot comment, return or complete
    lead = signed_in(s.lead)
    for name, data in (
        ("review-comment", {"text": "x"}),
        ("review-return", {}),
        ("review-complete", {"conclusion": "x"}),
    ):
        response = lead.post(url(name, review_id), data, format="json")
        assert response.status_code == 403, name
        assert response.json()["code"] == "reviewer_not_independent"
    response = reviewer.post(url("review-return", review_id), {"reason": "see comments"}, format="json")
    assert response.json()["status"] == "returned"
    # the reviewer does not answer their own comment
    response = reviewer.post(
        url("review-answer", review_id), {"comment": comment_id, "answer": "x"}, format="json"
    )
    assert response.status_code == 403
    response = lead.post(
        url("review-answer", review_id), {"comment": comment_id, "answer": "Cited"}, format="json"
    )
    assert response.status_code == 200 and response.json()["comments"][0]["answer"] == "Cited"
    response = lead.post(url("review-resubmit", review_id), format="json")
    assert (response.json()["status"], response.json()["round"]) == ("in_review", 2)
    # complete refused while the comment is unresolved (400 with its field), then resolved and completed
    response = reviewer.post(url("review-complete", review_id), {"conclusion": "ok"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "review_state"
    assert (
        reviewer.post(url("review-resolve", review_id), {"comment": comment_id}, format="json").status_code
        == 200
    )
    response = reviewer.post(url("review-complete", review_id), {"conclusion": "Supported"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "completed"
    # a second completion conflicts
    response = reviewer.post(url("review-complete", review_id), {"conclusion": "again"}, format="json")
    assert response.status_code == 409
    s.engagement.refresh_from_db()
    assert s.engagement.status == "awaiting_decision"


def test_the_reviewer_added_to_the_team_is_refused_at_completion_through_the_api():
    s = review_setup()
    review = review_open(engagement=s.engagement, actor=s.reviewer)
    TeamMemberFactory(engagement=s.engagement, membership=s.engagement.reviewer, role=Role.AUDITOR)
    response = signed_in(s.reviewer).post(
        url("review-complete", review.pk), {"conclusion": "ok"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "reviewer_not_independent"
    assert str(s.reviewer) in response.json()["message"]
    review.refresh_from_db()
    assert review.status == "in_review"


def test_reviews_are_hidden_across_bodies(world):
    s = review_setup(body=world.a.body)
    review = review_open(engagement=s.engagement, actor=s.reviewer)
    other = signed_in(world.b.admin)
    assert other.get(url("review-detail", review.pk)).status_code == 404
    assert (
        other.post(url("review-complete", review.pk), {"conclusion": "x"}, format="json").status_code == 404
    )
    assert listed_ids(other.get(url("review-list")), "reviews") == set()
    assert listed_ids(signed_in(world.a.admin).get(url("review-list")), "reviews") == {str(review.pk)}


def test_review_list_queries_are_constant(world):
    def grow(n):
        for _ in range(n):
            s = review_setup(body=world.a.body)
            r = review_open(engagement=s.engagement, actor=s.reviewer)
            from certification.services.reviews import review_comment_add

            review_comment_add(review=r, actor=s.reviewer, text="c")

    assert_flat_queries(signed_in(world.a.admin), url("review-list"), grow, few=1, many=4)


# --- decisions ---


@pytest.mark.parametrize("who", ["lead", "reviewer"])
def test_a_decision_by_a_team_member_or_the_reviewer_is_403_with_its_code(who):
    s = review_setup(status="awaiting_decision")
    user = getattr(s, who)
    membership = user.memberships.get()
    membership.roles = [*membership.roles, Role.DECISION_MAKER]
    membership.save(update_fields=["roles"])
    from bodies.services import _sync_grants

    _sync_grants(membership)
    response = signed_in(user).post(url("decision-list"), decision_payload(s.engagement), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "decider_not_independent"
    assert not Decision.objects.exists()


def test_a_decision_by_someone_without_the_role_is_403():
    s = review_setup(status="awaiting_decision")
    response = signed_in(s.planner).post(url("decision-list"), decision_payload(s.engagement), format="json")
    assert response.status_code == 403 and response.json()["code"] == "decider_not_allowed"
    assert not Decision.objects.exists()


def test_a_decision_before_the_review_is_complete_is_409():
    s = review_setup(status="under_review")
    response = signed_in(s.decider).post(url("decision-list"), decision_payload(s.engagement), format="json")
    assert response.status_code == 409 and response.json()["code"] == "review_not_complete"


def test_bad_input_is_400_with_field_messages():
    s = review_setup(status="awaiting_decision")
    client = signed_in(s.decider)
    response = client.post(url("decision-list"), {"kind": "nope", "rationale": ""}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()["fieldErrors"]
    response = client.post(
        url("decision-list"), decision_payload(s.engagement, quantities=[{"vintage": 2030}]), format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "statement_quantities_invalid"
    response = client.post(
        url("decision-list"),
        decision_payload(s.engagement, quantities=[{"vintage": 2025, "reductions": "-1"}]),
        format="json",
    )
    assert response.status_code == 400
    assert not Decision.objects.exists()


def test_an_opinion_through_the_api_issues_the_statement(world):
    s = review_setup(status="awaiting_decision", body=world.a.body)
    response = signed_in(s.decider).post(url("decision-list"), decision_payload(s.engagement), format="json")
    assert response.status_code == 201, response.content
    decision = Decision.objects.get()
    assert response.json()["statement"] == str(decision.statement_id)
    detail = signed_in(s.decider).get(url("statement-detail", decision.statement_id)).json()
    assert detail["quantities"] == [
        {
            "vintage": 2025,
            "periodStart": "2025-01-01",
            "periodEnd": "2025-12-31",
            "reductions": "10.500",
            "removals": "0.000",
        }
    ]
    # another body sees neither
    other = signed_in(world.b.admin)
    assert other.get(url("decision-detail", decision.pk)).status_code == 404
    assert other.get(url("statement-detail", decision.statement_id)).status_code == 404


def test_an_engagement_of_another_body_is_not_found(world):
    s = review_setup(status="awaiting_decision", body=world.a.body)
    decider_b = MembershipFactory(body=world.b.body, roles=[Role.DECISION_MAKER]).user
    response = signed_in(decider_b).post(url("decision-list"), decision_payload(s.engagement), format="json")
    assert response.status_code == 400
    assert "engagement" in response.json()["fieldErrors"]
    assert not Decision.objects.exists()


def test_statement_list_queries_are_constant(world):
    def grow(n):
        for _ in range(n):
            StatementFactory(engagement__body=world.a.body)

    assert_flat_queries(signed_in(world.a.admin), url("statement-list"), grow, few=1, many=4)


def test_decision_list_queries_are_constant(world):
    decider = MembershipFactory(body=world.a.body, roles=[Role.DECISION_MAKER]).user
    from certification.services.decisions import decision_record

    def grow(n):
        for _ in range(n):
            s = review_setup(status="awaiting_decision", body=world.a.body)
            decision_record(
                kind="positive_opinion",
                actor=decider,
                rationale="r",
                engagement=s.engagement,
                quantities=QUANTITIES,
            )

    assert_flat_queries(signed_in(world.a.admin), url("decision-list"), grow, few=1, many=3)


# --- numbering ---


def test_numbering_through_the_api(world):
    body = world.a.body
    response = signed_in(world.a.member).post(
        url("numbering-list"),
        {"body": str(body.pk), "kind": "certificate", "pattern": "{seq}"},
        format="json",
    )
    assert response.status_code == 403
    response = signed_in(world.a.admin).post(
        url("numbering-list"),
        {"body": str(body.pk), "kind": "certificate", "pattern": "{year}"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "numbering_invalid"
    response = signed_in(world.a.admin).post(
        url("numbering-list"),
        {"body": str(body.pk), "kind": "certificate", "pattern": "A-{seq:04d}"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["pattern"] == "A-{seq:04d}"
    response = signed_in(world.b.admin).post(
        url("numbering-list"),
        {"body": str(body.pk), "kind": "certificate", "pattern": "B-{seq}"},
        format="json",
    )
    assert response.status_code == 400 and "body" in response.json()["fieldErrors"]
    assert Numbering.objects.get(body=body).pattern == "A-{seq:04d}"
    assert listed_ids(signed_in(world.b.admin).get(url("numbering-list")), "numberings") == set()


def test_a_certificate_decision_through_the_api_separates_from_its_engagement():
    from tests.factories import CertificateFactory

    certificate = CertificateFactory()
    on_team = MembershipFactory(body=certificate.body, roles=[Role.DECISION_MAKER, Role.AUDITOR])
    TeamMemberFactory(engagement=certificate.engagement, membership=on_team)
    payload = {"kind": "suspend", "rationale": "r", "certificate": str(certificate.pk)}
    response = signed_in(on_team.user).post(url("decision-list"), payload, format="json")
    assert response.status_code == 403 and response.json()["code"] == "decider_not_independent"
    independent = MembershipFactory(body=certificate.body, roles=[Role.DECISION_MAKER]).user
    response = signed_in(independent).post(url("decision-list"), payload, format="json")
    assert response.status_code == 201
    certificate.refresh_from_db()
    assert certificate.status == "suspended"
    # a second suspension is refused by the certificate's state, never a 500
    response = signed_in(independent).post(url("decision-list"), payload, format="json")
    assert response.status_code in (400, 409)
    assert Decision.objects.count() == 1
