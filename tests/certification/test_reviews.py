"""The independent review: the reviewer (never on the team) comments in rounds, returns the report, the team
answers, the lead auditor or a planner resubmits, the reviewer resolves and completes; each step guarded, audited,
the next people told; the engagement awaits its decision only once the review is complete."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from bodies.models.tenants import Role
from certification.models import Review, ReviewComment
from certification.services.reviews import (
    review_comment_add,
    review_comment_answer,
    review_comment_resolve,
    review_complete,
    review_open,
    review_resubmit,
    review_return,
)
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError, error_code
from core.models import AuditEvent
from reminders.models import Notification
from tests.factories import MembershipFactory, TeamMemberFactory, review_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return review_setup()


def _returned(s):
    review = review_open(engagement=s.engagement, actor=s.reviewer)
    comment = review_comment_add(review=review, actor=s.reviewer, text="Explain the emission factor.")
    review = review_return(review=review, actor=s.reviewer, reason="See the comment")
    return review, comment


def test_the_reviewer_opens_the_review_once(s):
    # when
    review = review_open(engagement=s.engagement, actor=s.reviewer)
    again = review_open(engagement=s.engagement, actor=s.reviewer)
    # then
    assert review.pk == again.pk
    assert (review.status, review.round, review.reviewer.user) == ("in_review", 1, s.reviewer)
    assert AuditEvent.objects.filter(action="certification.review.opened").count() == 1


def test_readers_see_no_review_before_the_reviewer_opens_it_and_cannot_create_it(s):
    assert review_open(engagement=s.engagement, actor=s.lead) is None
    assert review_open(engagement=s.engagement, actor=s.planner) is None
    assert not Review.objects.exists()
    review_open(engagement=s.engagement, actor=s.reviewer)
    assert review_open(engagement=s.engagement, actor=s.lead) is not None


def test_someone_who_cannot_read_the_engagement_is_refused(s, world):
    with pytest.raises(PermissionDenied):
        review_open(engagement=s.engagement, actor=world.b.admin)
    outsider = MembershipFactory(body=s.engagement.body, roles=[Role.AUDITOR]).user  # not on this team
    with pytest.raises(PermissionDenied):
        review_open(engagement=s.engagement, actor=outsider)
    review_open(engagement=s.engagement, actor=s.reviewer)
    with pytest.raises(PermissionDenied):
        review_open(engagement=s.engagement, actor=outsider)


def test_another_reviewer_of_the_body_cannot_open_it(s):
    other = MembershipFactory(body=s.engagement.body, roles=[Role.INDEPENDENT_REVIEWER]).user
    # another reviewer reads the engagement (view_all_engagements) but does not create the review
    assert review_open(engagement=s.engagement, actor=other) is None
    assert not Review.objects.exists()


@pytest.mark.parametrize("status", ["report_drafted", "awaiting_decision"])
def test_the_review_opens_only_under_review(status):
    s = review_setup(status=status)
    with pytest.raises(TransitionNotAllowed):
        review_open(engagement=s.engagement, actor=s.reviewer)
    assert not Review.objects.exists()


def test_a_reviewer_put_on_the_team_cannot_open_it(s):
    TeamMemberFactory(engagement=s.engagement, membership=s.engagement.reviewer, role=Role.AUDITOR)
    with pytest.raises(PermissionDenied) as caught:
        review_open(engagement=s.engagement, actor=s.reviewer)
    assert caught.value.code == "reviewer_not_independent"
    assert str(s.reviewer) in str(caught.value)
    assert not Review.objects.exists()


def test_only_the_reviewer_comments_in_the_current_round(s):
    review = review_open(engagement=s.engagement, actor=s.reviewer)
    for actor in (s.lead, s.planner, s.decider):
        with pytest.raises(PermissionDenied):
            review_comment_add(review=review, actor=actor, text="x")
    with pytest.raises(ValidationError):
        review_comment_add(review=review, actor=s.reviewer, text="  ")
    assert not ReviewComment.objects.exists()
    comment = review_comment_add(review=review, actor=s.reviewer, text="Explain")
    assert (comment.round, comment.written_by, comment.resolved) == (1, s.reviewer, False)


def test_return_needs_an_unresolved_comment_and_tells_the_team(s):
    review = review_open(engagement=s.engagement, actor=s.reviewer)
    with pytest.raises(ValidationError) as caught:
        review_return(review=review, actor=s.reviewer)
    assert error_code(caught.value) == "review_state"
    review.refresh_from_db()
    assert review.status == "in_review"
    # someone else may not return it
    review_comment_add(review=review, actor=s.reviewer, text="Explain")
    with pytest.raises(PermissionDenied):
        review_return(review=review, actor=s.lead)
    mail.outbox.clear()
    # when
    review = review_return(review=review, actor=s.reviewer, reason="See the comment")
    # then
    assert (review.status, review.round, review.status_reason) == ("returned", 1, "See the comment")
    told = set(
        Notification.objects.filter(kind="certification.review.returned").values_list("user", flat=True)
    )
    assert told == {s.lead.pk, s.auditor.pk}


def test_comments_wait_while_returned(s):
    review, _comment = _returned(s)
    with pytest.raises(TransitionNotAllowed):
        review_comment_add(review=review, actor=s.reviewer, text="More")


def test_the_team_or_a_planner_answers_and_the_lead_or_planner_resubmits(s):
    review, comment = _returned(s)
    # a decision maker or the reviewer does not answer
    for actor in (s.decider, s.reviewer):
        with pytest.raises(PermissionDenied):
            review_comment_answer(comment=comment, actor=actor, answer="x")
    # resubmission needs every comment of the round answered
    with pytest.raises(ValidationError) as caught:
        review_resubmit(review=review, actor=s.lead)
    assert error_code(caught.value) == "review_state"
    answered = review_comment_answer(comment=comment, actor=s.auditor, answer="Table 4 now cites it.")
    assert (answered.answer, answered.answered_by) == ("Table 4 now cites it.", s.auditor)
    # an auditor on the team (not the lead) does not resubmit
    with pytest.raises(PermissionDenied):
        review_resubmit(review=review, actor=s.auditor)
    review.refresh_from_db()
    assert (review.status, review.round) == ("returned", 1)
    # when
    review = review_resubmit(review=review, actor=s.lead)
    # then
    assert (review.status, review.round) == ("in_review", 2)
    told = set(
        Notification.objects.filter(kind="certification.review.resubmitted").values_list("user", flat=True)
    )
    assert told == {s.reviewer.pk}
    event = AuditEvent.objects.get(action="certification.review.resubmitted")
    assert (event.before["round"], event.after["round"]) == (1, 2)


def test_a_planner_resubmits(s):
    review, comment = _returned(s)
    review_comment_answer(comment=comment, actor=s.planner, answer="Done")
    assert review_resubmit(review=review, actor=s.planner).round == 2


def test_answers_only_while_returned(s):
    review = review_open(engagement=s.engagement, actor=s.reviewer)
    comment = review_comment_add(review=review, actor=s.reviewer, text="Explain")
    with pytest.raises(TransitionNotAllowed):
        review_comment_answer(comment=comment, actor=s.lead, answer="x")
    comment.refresh_from_db()
    assert comment.answer == ""


def test_complete_needs_every_comment_resolved(s):
    review, comment = _returned(s)
    review_comment_answer(comment=comment, actor=s.lead, answer="Fixed")
    review = review_resubmit(review=review, actor=s.lead)
    with pytest.raises(ValidationError) as caught:
        review_complete(review=review, actor=s.reviewer, conclusion="Fine")
    assert error_code(caught.value) == "review_state"
    with pytest.raises(PermissionDenied):
        review_comment_resolve(comment=comment, actor=s.lead)
    review_comment_resolve(comment=comment, actor=s.reviewer)
    with pytest.raises(TransitionNotAllowed):
        review_comment_resolve(comment=comment, actor=s.reviewer)
    with pytest.raises(ValidationError):
        review_complete(review=review, actor=s.reviewer, conclusion="  ")
    with pytest.raises(PermissionDenied):
        review_complete(review=review, actor=s.decider, conclusion="Fine")
    # when
    review = review_complete(review=review, actor=s.reviewer, conclusion="The report supports the opinion.")
    # then
    s.engagement.refresh_from_db()
    assert s.engagement.status == "awaiting_decision"
    assert review.status == "completed" and review.completed_at is not None
    assert review.conclusion == "The report supports the opinion."
    told = set(
        Notification.objects.filter(kind="certification.review.completed").values_list("user", flat=True)
    )
    assert told == {s.decider.pk}


def test_completion_refused_when_the_reviewer_was_added_to_the_team_since(s):
    review = review_open(engagement=s.engagement, actor=s.reviewer)
    TeamMemberFactory(engagement=s.engagement, membership=s.engagement.reviewer, role=Role.AUDITOR)
    with pytest.raises(PermissionDenied) as caught:
        review_complete(review=review, actor=s.reviewer, conclusion="Fine")
    assert caught.value.code == "reviewer_not_independent"
    assert str(s.reviewer) in str(caught.value)
    review.refresh_from_db()
    s.engagement.refresh_from_db()
    assert (review.status, s.engagement.status) == ("in_review", "under_review")
    assert not AuditEvent.objects.filter(action="certification.review.completed").exists()


def test_a_reviewer_who_lost_the_role_cannot_act(s):
    review = review_open(engagement=s.engagement, actor=s.reviewer)
    membership = s.engagement.reviewer
    membership.roles = [Role.AUDITOR]
    membership.save(update_fields=["roles"])
    from bodies.services import _sync_grants

    _sync_grants(membership)
    with pytest.raises(PermissionDenied):
        review_complete(review=review, actor=s.reviewer, conclusion="Fine")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_completions_exactly_one_wins():
    s = review_setup()
    review = review_open(engagement=s.engagement, actor=s.reviewer)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def complete() -> None:
        try:
            barrier.wait()
            review_complete(review=review, actor=s.reviewer, conclusion="Fine")
            outcomes.append("ok")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert AuditEvent.objects.filter(action="certification.review.completed").count() == 1
    assert AuditEvent.objects.filter(action="audits.engagement.review_completed").count() == 1


# --- reminders: a review waiting for its reviewer, an engagement waiting for its decision ---


def _sweep_on(day):
    from datetime import datetime, time

    from django.utils import timezone

    from reminders.services.sweep import deadlines_sweep

    deadlines_sweep(now=timezone.make_aware(datetime.combine(day, time(12, 0))), enqueue_email=False)


def test_the_reviewer_is_reminded_after_review_reminder_days_and_not_once_returned(s, settings):
    from datetime import timedelta

    from django.utils import timezone

    from reminders.models import Deadline

    settings.REVIEW_REMINDER_DAYS = 10
    review = review_open(engagement=s.engagement, actor=s.reviewer)
    deadline = Deadline.objects.get(kind="certification.review_waiting")
    assert deadline.closed_at is None
    today = timezone.localdate()
    # the day before: nobody; on the tenth day: the reviewer, once
    _sweep_on(today + timedelta(days=9))
    assert not Notification.objects.filter(kind="certification.review_waiting").exists()
    _sweep_on(today + timedelta(days=10))
    assert list(
        Notification.objects.filter(kind="certification.review_waiting").values_list("user", flat=True)
    ) == [s.reviewer.pk]
    # returned: no longer waiting for the reviewer
    review_comment_add(review=review, actor=s.reviewer, text="x")
    review_return(review=review, actor=s.reviewer)
    deadline.refresh_from_db()
    assert deadline.closed_at is not None


def test_the_decision_makers_are_reminded_once_the_review_is_complete(s, settings):
    from datetime import timedelta

    from django.utils import timezone

    from certification.services.decisions import decision_record
    from reminders.models import Deadline

    settings.DECISION_REMINDER_DAYS = 10
    review = review_open(engagement=s.engagement, actor=s.reviewer)
    review_complete(review=review, actor=s.reviewer, conclusion="Fine")
    assert Deadline.objects.get(kind="certification.review_waiting").closed_at is not None
    deadline = Deadline.objects.get(kind="certification.decision_waiting")
    assert deadline.closed_at is None
    _sweep_on(timezone.localdate() + timedelta(days=10))
    told = set(
        Notification.objects.filter(kind="certification.decision_waiting").values_list("user", flat=True)
    )
    assert told == {s.decider.pk}  # not the team, not the reviewer, not the planner
    decision_record(kind="adverse_opinion", actor=s.decider, rationale="r", engagement=s.engagement)
    deadline.refresh_from_db()
    assert deadline.closed_at is not None


def test_the_audit_trail_links_the_review_to_its_page(s):
    from core.audit import audit_record_kinds

    review = review_open(engagement=s.engagement, actor=s.reviewer)
    kind = audit_record_kinds.find("certification.review")
    assert kind.url(review) == f"/certification/engagements/{s.engagement.pk}/review/"
