"""The portal faces of reviews, decisions, statements and numbering: each page for the people it is for, the
review's buttons in place (htmx), separation of duties refused (403) or shown as a form error, 404 across bodies,
constant list queries, the engagement page's panel."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bodies.models.tenants import Role
from certification.models import Decision, Numbering, Review, Statement
from certification.services.decisions import decision_record
from certification.services.reviews import review_comment_add, review_open
from core.grants import object_grant
from tests.factories import (
    FindingFactory,
    MembershipFactory,
    StatementFactory,
    TeamMemberFactory,
    review_setup,
)
from tests.helpers import assert_flat_queries

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def browser(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def u(name, *args):
    return reverse(f"certification:{name}", args=args)


def grant_team(s):
    for user in (s.lead, s.auditor):
        object_grant(obj=s.engagement, user=user, actor=s.planner)


# --- the review page ---


def test_the_review_cycle_in_place():
    s = review_setup()
    grant_team(s)
    pk = s.engagement.pk
    reviewer = browser(s.reviewer)
    page = reviewer.get(u("review-detail", pk))
    assert page.status_code == 200 and b'data-action="open"' in page.content
    # the lead sees no open button and cannot open it
    lead = browser(s.lead)
    assert b'data-action="open"' not in lead.get(u("review-detail", pk)).content
    assert lead.post(u("review-open", pk), **HTMX).status_code == 403
    assert not Review.objects.exists()
    # the reviewer opens and comments in place
    response = reviewer.post(u("review-open", pk), **HTMX)
    assert response.status_code == 200 and b'id="review-section"' in response.content
    assert b"<html" not in response.content
    response = reviewer.post(u("review-comment", pk), {"text": "Explain table 4"}, **HTMX)
    assert b"Explain table 4" in response.content
    # an empty comment is shown on the section, at 400
    response = reviewer.post(u("review-comment", pk), {"text": ""}, **HTMX)
    assert response.status_code == 400 and b'id="review-errors"' in response.content
    comment = Review.objects.get().comments.get()
    # the team may not comment, return or complete: 403
    for name, data in (
        ("review-comment", {"text": "x"}),
        ("review-return", {}),
        ("review-complete", {"conclusion": "x"}),
    ):
        assert lead.post(u(name, pk), data, **HTMX).status_code == 403, name
    reviewer.post(u("review-return", pk), {"reason": "See comments"}, **HTMX)
    assert Review.objects.get().status == "returned"
    # answering: the reviewer may not (403); the lead answers and resubmits
    assert reviewer.post(u("review-answer", pk, comment.pk), {"answer": "x"}, **HTMX).status_code == 403
    response = lead.post(u("review-answer", pk, comment.pk), {"answer": "Cited in v3"}, **HTMX)
    assert b"Cited in v3" in response.content
    response = lead.post(u("review-resubmit", pk), **HTMX)
    assert Review.objects.get().round == 2
    # completion refused while unresolved, then resolved and completed (not htmx: a redirect with a message)
    response = reviewer.post(u("review-complete", pk), {"conclusion": "ok"}, **HTMX)
    assert response.status_code == 400 and b"Resolve every comment first" in response.content
    reviewer.post(u("review-resolve", pk, comment.pk), **HTMX)
    response = reviewer.post(u("review-complete", pk), {"conclusion": "Supported"})
    assert response.status_code == 302 and response["Location"] == u("review-detail", pk)
    s.engagement.refresh_from_db()
    assert s.engagement.status == "awaiting_decision"


def test_a_reviewer_added_to_the_team_is_refused_at_completion():
    s = review_setup()
    review_open(engagement=s.engagement, actor=s.reviewer)
    TeamMemberFactory(engagement=s.engagement, membership=s.engagement.reviewer, role=Role.AUDITOR)
    response = browser(s.reviewer).post(u("review-complete", s.engagement.pk), {"conclusion": "ok"}, **HTMX)
    assert response.status_code == 403
    assert Review.objects.get().status == "in_review"


def test_review_pages_are_hidden_across_bodies_and_from_people_not_reading_the_engagement(world):
    s = review_setup(body=world.a.body)
    review_open(engagement=s.engagement, actor=s.reviewer)
    other = browser(world.b.admin)
    assert other.get(u("review-detail", s.engagement.pk)).status_code == 404
    assert other.post(u("review-complete", s.engagement.pk), {"conclusion": "x"}).status_code == 404
    outsider = MembershipFactory(body=world.a.body, roles=[Role.AUDITOR]).user
    assert browser(outsider).get(u("review-detail", s.engagement.pk)).status_code == 404


def test_reviews_waiting_for_me(world):
    s = review_setup(body=world.a.body)
    review_open(engagement=s.engagement, actor=s.reviewer)
    response = browser(s.reviewer).get(u("review-waiting"))
    assert response.status_code == 200 and s.engagement.reference.encode() in response.content
    other_reviewer = MembershipFactory(body=world.a.body, roles=[Role.INDEPENDENT_REVIEWER]).user
    assert s.engagement.reference.encode() not in browser(other_reviewer).get(u("review-waiting")).content


def test_reviews_waiting_queries_are_constant(world):
    reviewer = MembershipFactory(body=world.a.body, roles=[Role.INDEPENDENT_REVIEWER])

    def grow(n):
        for _ in range(n):
            s = review_setup(body=world.a.body)
            s.engagement.reviewer = reviewer
            s.engagement.save(update_fields=["reviewer"])
            review_comment_add(
                review=review_open(engagement=s.engagement, actor=reviewer.user),
                actor=reviewer.user,
                text="c",
            )

    assert_flat_queries(browser(reviewer.user), u("review-waiting"), grow, few=1, many=4)


# --- the decision page ---


def test_an_opinion_with_quantities_through_the_decision_page():
    s = review_setup(status="awaiting_decision")
    client = browser(s.decider)
    page = client.get(u("decision-create") + f"?engagement={s.engagement.pk}")
    assert page.status_code == 200
    assert b'value="positive_opinion"' in page.content and b'value="grant"' not in page.content
    data = {
        "kind": "positive_opinion",
        "rationale": "Supported",
        "decided_on": "",
        "scope": "",
        "quantities-TOTAL_FORMS": "1",
        "quantities-INITIAL_FORMS": "1",
        "quantities-MIN_NUM_FORMS": "0",
        "quantities-MAX_NUM_FORMS": "50",
        "quantities-0-vintage": "2025",
        "quantities-0-reductions": "100.25",
        "quantities-0-removals": "",
    }
    # a missing date is a form error (400), nothing written
    assert client.post(u("decision-create") + f"?engagement={s.engagement.pk}", data).status_code == 400
    data["decided_on"] = "2026-01-05"
    response = client.post(u("decision-create") + f"?engagement={s.engagement.pk}", data)
    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == u("decision-detail", decision.pk)
    statement = decision.statement
    assert [(q.vintage, str(q.reductions)) for q in statement.quantities.all()] == [(2025, "100.250")]
    assert browser(s.auditor).get(u("decision-detail", decision.pk)).status_code == 200
    page = browser(s.planner).get(u("statement-detail", statement.pk))
    assert page.status_code == 200 and b"100.250" in page.content


def test_a_decision_maker_on_the_team_is_refused_with_403():
    s = review_setup(status="awaiting_decision")
    membership = s.lead.memberships.get()
    membership.roles = [Role.LEAD_AUDITOR, Role.DECISION_MAKER]
    membership.save(update_fields=["roles"])
    from bodies.services import _sync_grants

    _sync_grants(membership)
    object_grant(obj=s.engagement, user=s.lead, actor=s.planner)
    client = browser(s.lead)
    page = client.get(u("decision-create") + f"?engagement={s.engagement.pk}")
    assert page.status_code == 200 and b'id="separation-warning"' in page.content
    data = {
        "kind": "positive_opinion",
        "rationale": "r",
        "decided_on": "2026-01-05",
        "scope": "",
        "quantities-TOTAL_FORMS": "1",
        "quantities-INITIAL_FORMS": "1",
        "quantities-MIN_NUM_FORMS": "0",
        "quantities-MAX_NUM_FORMS": "50",
        "quantities-0-vintage": "2025",
        "quantities-0-reductions": "1",
    }
    assert client.post(u("decision-create") + f"?engagement={s.engagement.pk}", data).status_code == 403
    assert not Decision.objects.exists()


def test_someone_without_the_role_gets_403_on_the_decision_pages():
    s = review_setup(status="awaiting_decision")
    client = browser(s.planner)
    assert client.get(u("decision-create") + f"?engagement={s.engagement.pk}").status_code == 403
    assert client.get(u("decision-waiting")).status_code == 403


def test_a_precondition_is_a_form_error():
    s = review_setup(status="awaiting_decision")
    FindingFactory(engagement=s.engagement, kind="car", status="open")
    data = {
        "kind": "adverse_opinion",
        "rationale": "r",
        "decided_on": "2026-01-05",
        "scope": "",
        "quantities-TOTAL_FORMS": "0",
        "quantities-INITIAL_FORMS": "0",
        "quantities-MIN_NUM_FORMS": "0",
        "quantities-MAX_NUM_FORMS": "50",
    }
    response = browser(s.decider).post(u("decision-create") + f"?engagement={s.engagement.pk}", data)
    assert response.status_code == 400 and b"No final opinion while CAR or CL" in response.content
    assert not Decision.objects.exists()


def test_an_engagement_not_awaiting_a_decision_offers_none():
    s = review_setup(status="under_review")
    page = browser(s.decider).get(u("decision-create") + f"?engagement={s.engagement.pk}")
    assert page.status_code == 200 and b'id="no-decision"' in page.content


def test_decision_pages_are_hidden_across_bodies(world):
    s = review_setup(status="awaiting_decision", body=world.a.body)
    decision = decision_record(
        kind="adverse_opinion", actor=s.decider, rationale="r", engagement=s.engagement
    )
    decider_b = MembershipFactory(body=world.b.body, roles=[Role.DECISION_MAKER]).user
    client = browser(decider_b)
    assert client.get(u("decision-create") + f"?engagement={s.engagement.pk}").status_code == 404
    assert client.get(u("decision-detail", decision.pk)).status_code == 404
    assert client.get(u("statement-detail", decision.statement_id)).status_code == 404
    assert client.get(u("decision-create") + "?engagement=not-a-uuid").status_code == 404


def test_decisions_waiting_marks_the_ones_the_person_may_not_decide(world):
    s = review_setup(status="awaiting_decision", body=world.a.body)
    mine = review_setup(status="awaiting_decision", body=world.a.body)
    TeamMemberFactory(engagement=mine.engagement, membership=s.decider.memberships.get(), role=Role.AUDITOR)
    page = browser(s.decider).get(u("decision-waiting"))
    assert page.status_code == 200
    assert f"?engagement={s.engagement.pk}".encode() in page.content
    assert f"?engagement={mine.engagement.pk}".encode() not in page.content
    assert b"You may not decide it" in page.content


def test_lists_queries_are_constant(world):
    decider = MembershipFactory(body=world.a.body, roles=[Role.DECISION_MAKER]).user

    def grow_waiting(n):
        for _ in range(n):
            review_setup(status="awaiting_decision", body=world.a.body)

    assert_flat_queries(browser(decider), u("decision-waiting"), grow_waiting, few=1, many=4)

    def grow_decisions(n):
        for _ in range(n):
            s = review_setup(status="awaiting_decision", body=world.a.body)
            decision_record(kind="adverse_opinion", actor=decider, rationale="r", engagement=s.engagement)

    assert_flat_queries(browser(world.a.member), u("decision-list"), grow_decisions, few=1, many=3)

    def grow_statements(n):
        for _ in range(n):
            StatementFactory(engagement__body=world.a.body)

    assert_flat_queries(browser(world.a.member), u("statement-list"), grow_statements, few=1, many=4)
    assert Statement.objects.count() > 0


# --- numbering ---


def test_numbering_page_for_administrators(world):
    assert browser(world.a.member).get(u("numbering")).status_code == 403
    client = browser(world.a.admin)
    page = client.get(u("numbering"))
    assert page.status_code == 200 and b"BODY-A-C-" in page.content
    bad = client.post(
        u("numbering"),
        {"kind_prefix": "statement", "statement-kind": "statement", "statement-pattern": "{year}"},
    )
    assert bad.status_code == 400 and b"exactly once" in bad.content
    assert not Numbering.objects.exists()
    ok = client.post(
        u("numbering"),
        {"kind_prefix": "statement", "statement-kind": "statement", "statement-pattern": "ST-{seq:04d}"},
    )
    assert ok.status_code == 302
    assert Numbering.objects.get(body=world.a.body, kind="statement").pattern == "ST-{seq:04d}"


# --- the engagement page's panel ---


def test_the_engagement_page_shows_the_review_and_the_decide_link():
    s = review_setup(status="awaiting_decision")
    page = browser(s.decider).get(reverse("audits:engagement-detail", args=[s.engagement.pk]))
    assert page.status_code == 200
    assert b'id="engagement-certification-panel"' in page.content
    assert f"?engagement={s.engagement.pk}".encode() in page.content
    # the planner (no decision role) sees the panel without the link
    page = browser(s.planner).get(reverse("audits:engagement-detail", args=[s.engagement.pk]))
    assert b'id="engagement-certification-panel"' in page.content
    assert f"?engagement={s.engagement.pk}".encode() not in page.content


def test_the_navbar_lists_reviews_and_decisions_for_the_roles():
    s = review_setup(status="awaiting_decision")
    decider_page = browser(s.decider).get(u("review-waiting")).content
    assert u("decision-waiting").encode() in decider_page
    assert u("review-waiting").encode() in decider_page
    auditor_page = browser(s.auditor).get(u("review-waiting")).content
    assert u("decision-waiting").encode() not in auditor_page
    assert u("numbering").encode() not in auditor_page
    assert u("numbering").encode() in browser(s.planner).get(u("review-waiting")).content


def test_a_certificate_decision_through_the_page_with_its_proposal():
    from tests.factories import ProposalFactory

    proposal = ProposalFactory()
    certificate = proposal.certificate
    decider = MembershipFactory(body=certificate.body, roles=[Role.DECISION_MAKER]).user
    path = u("decision-create") + f"?certificate={certificate.pk}&kind=suspend&proposal={proposal.pk}"
    page = browser(decider).get(path)
    assert page.status_code == 200
    assert b'value="suspend"' in page.content and b'value="withdraw"' not in page.content
    response = browser(decider).post(
        path, {"kind": "suspend", "rationale": "Surveillance missed", "decided_on": "2026-12-01", "scope": ""}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    proposal.refresh_from_db()
    assert (certificate.status, proposal.status) == ("suspended", "decided")


def test_a_certificate_decision_by_someone_on_its_engagements_team_is_403():
    from tests.factories import CertificateFactory

    certificate = CertificateFactory()
    decider = MembershipFactory(body=certificate.body, roles=[Role.DECISION_MAKER, Role.AUDITOR])
    TeamMemberFactory(engagement=certificate.engagement, membership=decider)
    path = u("decision-create") + f"?certificate={certificate.pk}&kind=suspend"
    response = browser(decider.user).post(
        path, {"kind": "suspend", "rationale": "r", "decided_on": "2026-12-01", "scope": ""}
    )
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == "valid" and not Decision.objects.exists()
