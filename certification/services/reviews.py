"""The independent review of an engagement's report (ISO/IEC 17021-1 9.5.2, ISO 14065 9.6): its reviewer — the
person the planner sent it to (`Engagement.reviewer`), never on the team — comments in rounds, returns the report
to the team, the team answers and the lead auditor (or a planner) sends it back; the reviewer resolves what was
answered and completes the review, which moves the engagement to "awaiting decision".

Rounds: comments are written in the review's current `round`; a return keeps the round, a resubmission starts the
next one. Every step is audited and the people who act next are told."""

from __future__ import annotations

from typing import Any, TypeAlias

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.permissions import can_manage_engagements, is_on_team
from audits.services import engagement_await_decision
from bodies.models.tenants import Membership, Role
from core.audit import audit_record
from core.dates import today_in
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError, field_error
from core.transitions import transition
from core.types import Actor
from reminders.notices import notify
from reminders.services import deadline_close, deadline_upsert

from ..deadlines import DECISION_WAITING, REVIEW_WAITING
from ..error_codes import CertificationErrorCode
from ..models import Review, ReviewComment, ReviewStatus
from ..permissions import can_review

Code = CertificationErrorCode
#: audits.Engagement (a capability's models are not imported across capabilities: tests/test_import_layers.py)
Engagement: TypeAlias = Any
UNDER_REVIEW = "under_review"


def engagements() -> Any:
    """audits.Engagement's manager."""
    return apps.get_model("audits", "Engagement").objects


def team_names_of(engagement: Engagement, user_id: object) -> str | None:
    """The person's name when `user_id` is on the engagement's team, else None (one query)."""
    member = engagement.team.filter(membership__user_id=user_id).select_related("membership__user").first()
    return str(member.membership.user) if member is not None else None


def is_reviewer(actor: object, review: Review | Engagement) -> bool:
    """Is `actor` the engagement's independent reviewer (and still holding the reviewer permission)?"""
    reviewer = review.reviewer
    return (
        reviewer is not None
        and getattr(actor, "pk", None) == reviewer.user_id
        and reviewer.status == Membership.Status.ACTIVE
        and can_review(actor, review.body)  # type: ignore[arg-type]
    )


def _require_reviewer(review: Review | Engagement, actor: Actor) -> None:
    if not is_reviewer(actor, review):
        raise PermissionDenied(
            _("Only the engagement's independent reviewer may do this."), code=Code.REVIEWER_NOT_INDEPENDENT
        )


def _require_independent(engagement: Engagement, reviewer: Membership) -> None:
    """The reviewer must not be on the team — checked again at completion: a person added since refuses it."""
    name = team_names_of(engagement, reviewer.user_id)
    if name is not None:
        raise PermissionDenied(
            _("%(name)s is on the team of %(reference)s and cannot review it independently.")
            % {"name": name, "reference": engagement.reference},
            code=Code.REVIEWER_NOT_INDEPENDENT,
        )


def can_read_review(actor: object, engagement: Engagement) -> bool:
    """The reviewer, and whoever may read the engagement (its team, the body's planners and readers)."""
    return (
        is_reviewer(actor, engagement)
        or is_on_team(actor, engagement)  # type: ignore[arg-type]
        or engagements().visible_to(actor).filter(pk=engagement.pk).exists()
    )


def review_open(*, engagement: Engagement, actor: Actor) -> Review | None:
    """The engagement's review: its reviewer opens it (created on first opening, while the engagement is under
    review); anyone who may read the engagement reads it once it exists (None before)."""
    existing = Review.objects.filter(engagement=engagement).select_related("reviewer__user").first()
    if existing is not None:
        if not (is_reviewer(actor, existing) or can_read_review(actor, engagement)):
            raise PermissionDenied(_("You may not read this review."))
        return existing
    if not is_reviewer(actor, engagement):
        if can_read_review(actor, engagement):
            return None
        raise PermissionDenied(_("You may not read this review."))
    with transaction.atomic():
        locked = (
            engagements()
            .select_for_update(of=("self",))
            .select_related("reviewer__user")
            .get(pk=engagement.pk)
        )
        if locked.status != UNDER_REVIEW:
            raise TransitionNotAllowed(
                _("The report is not under independent review."),
                current=locked.status,
                code=Code.REVIEW_STATE,
            )
        assert locked.reviewer is not None  # is_reviewer() holds
        _require_independent(locked, locked.reviewer)
        review, created = Review.objects.get_or_create(
            engagement=locked, defaults={"body": locked.body, "reviewer": locked.reviewer}
        )
        if created:
            _watch(review)
            audit_record(
                actor=actor,
                action="certification.review.opened",
                obj=review,
                body=locked.body,
                after={"status": review.status, "round": review.round, "engagement": str(locked.pk)},
            )
    return review


def _watch(review: Review) -> None:
    """The reviewer is reminded when the review waits (`REVIEW_REMINDER_DAYS` after today)."""
    deadline_upsert(
        kind=REVIEW_WAITING, subject=review, body=review.body, due_on=today_in(review.body.time_zone)
    )


def _locked(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("engagement", "reviewer")
        .get(pk=review.pk)
    )


def review_comment_add(*, review: Review, actor: Actor, text: str) -> ReviewComment:
    """The reviewer comments on the report in the current round (while the review is in progress)."""
    _require_reviewer(review, actor)
    text = (text or "").strip()
    if not text:
        raise field_error("text", _("Write the comment."), Code.REVIEW_STATE)
    with transaction.atomic():
        locked = _locked(review)
        if locked.status != ReviewStatus.IN_REVIEW:
            raise TransitionNotAllowed(
                _("Comments are added while the review is in progress."),
                current=locked.status,
                code=Code.REVIEW_STATE,
            )
        comment = ReviewComment.objects.create(
            body=locked.body, review=locked, round=locked.round, text=text, written_by=actor
        )
        audit_record(
            actor=actor,
            action="certification.review.comment_added",
            obj=locked,
            body=locked.body,
            after={"comment": str(comment.pk), "round": comment.round, "text": text},
        )
    return comment


def review_return(*, review: Review, actor: Actor, reason: str = "") -> Review:
    """The reviewer returns the report to the team with at least one unresolved comment; the round stays (the
    team answers this round's comments); the team is told."""
    _require_reviewer(review, actor)

    def has_open_comment(locked: Review) -> None:
        if not locked.comments.filter(resolved=False).exists():
            raise ValidationError(
                {
                    "comments": ValidationError(
                        _("Add a comment for the team before returning the report."), code=Code.REVIEW_STATE
                    )
                }
            )

    def effects(locked: Review, _previous: str) -> None:
        deadline_close(kind=REVIEW_WAITING, subject=locked)
        notify(
            kind="certification.review.returned",
            subject=locked,
            body=locked.body,
            reason=locked.status_reason,
        )

    return transition(
        review,
        action="return_to_team",
        actor=actor,
        reason=reason,
        guards=[has_open_comment],
        effects=[effects],
        record_after=["round"],
    )


def can_answer(actor: object, engagement: Engagement) -> bool:
    """The team (any member) or a planner answers the reviewer's comments."""
    return is_on_team(actor, engagement) or can_manage_engagements(actor, engagement.body)  # type: ignore[arg-type]


def can_resubmit(actor: object, engagement: Engagement) -> bool:
    """The lead auditor or a planner sends the answered report back to the reviewer."""
    is_lead = engagement.team.filter(
        membership__user_id=getattr(actor, "pk", None), role=Role.LEAD_AUDITOR
    ).exists()
    return is_lead or can_manage_engagements(actor, engagement.body)  # type: ignore[arg-type]


def review_comment_answer(*, comment: ReviewComment, actor: Actor, answer: str) -> ReviewComment:
    """A team member or a planner answers an unresolved comment while the report is back with the team."""
    engagement = comment.review.engagement
    if not can_answer(actor, engagement):
        raise PermissionDenied(_("Only the team or a planner answers the reviewer's comments."))
    answer = (answer or "").strip()
    if not answer:
        raise field_error("answer", _("Write the answer."), Code.REVIEW_STATE)
    with transaction.atomic():
        review = _locked(comment.review)
        if review.status != ReviewStatus.RETURNED:
            raise TransitionNotAllowed(
                _("Comments are answered while the report is back with the team."),
                current=review.status,
                code=Code.REVIEW_STATE,
            )
        locked = ReviewComment.objects.select_for_update().get(pk=comment.pk)
        if locked.resolved:
            raise field_error("answer", _("This comment is resolved already."), Code.REVIEW_STATE)
        before = {"answer": locked.answer}
        locked.answer = answer
        locked.answered_by = actor
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
        audit_record(
            actor=actor,
            action="certification.review.comment_answered",
            obj=review,
            body=review.body,
            before=before,
            after={"comment": str(locked.pk), "answer": answer},
        )
    return locked


def review_resubmit(*, review: Review, actor: Actor) -> Review:
    """The lead auditor or a planner sends the report back to the reviewer once every comment of the round is
    answered; the next round starts; the reviewer is told."""
    if not can_resubmit(actor, review.engagement):
        raise PermissionDenied(_("Only the lead auditor or a planner sends the report back to the reviewer."))

    def answered(locked: Review) -> None:
        unanswered = locked.comments.filter(round=locked.round, resolved=False, answer="").count()
        if unanswered:
            raise ValidationError(
                {
                    "comments": ValidationError(
                        _("Answer every comment of round %(round)s first (%(count)s without an answer).")
                        % {"round": locked.round, "count": unanswered},
                        code=Code.REVIEW_STATE,
                    )
                }
            )

    def apply(locked: Review) -> list[str]:
        locked.round += 1
        return ["round"]

    def effects(locked: Review, _previous: str) -> None:
        _watch(locked)
        notify(kind="certification.review.resubmitted", subject=locked, body=locked.body)

    return transition(
        review,
        action="resubmit",
        actor=actor,
        guards=[answered],
        apply=apply,
        effects=[effects],
        record_before=["round"],
        record_after=["round"],
    )


def review_comment_resolve(*, comment: ReviewComment, actor: Actor) -> ReviewComment:
    """The reviewer resolves a comment (its answer satisfies them) while the review is in progress."""
    review = comment.review
    _require_reviewer(review, actor)
    with transaction.atomic():
        locked_review = _locked(review)
        if locked_review.status != ReviewStatus.IN_REVIEW:
            raise TransitionNotAllowed(
                _("Comments are resolved while the review is in progress."),
                current=locked_review.status,
                code=Code.REVIEW_STATE,
            )
        locked = ReviewComment.objects.select_for_update().get(pk=comment.pk)
        if locked.resolved:
            raise TransitionNotAllowed(
                _("This comment is resolved already."), current="resolved", code=Code.REVIEW_STATE
            )
        locked.resolved = True
        locked.save(update_fields=["resolved", "updated_at"])
        audit_record(
            actor=actor,
            action="certification.review.comment_resolved",
            obj=locked_review,
            body=locked_review.body,
            before={"resolved": False},
            after={"comment": str(locked.pk), "resolved": True},
        )
    return locked


def review_complete(*, review: Review, actor: Actor, conclusion: str) -> Review:
    """The reviewer completes the review with a written conclusion: no comment unresolved and the reviewer still
    not on the team (someone added since refuses it, naming them). The engagement awaits its decision; the
    body's decision makers who may take it are told."""
    _require_reviewer(review, actor)
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise field_error("conclusion", _("Write the review's conclusion."), Code.REVIEW_STATE)

    def ready(locked: Review) -> None:
        _require_independent(locked.engagement, locked.reviewer)
        unresolved = locked.comments.filter(resolved=False).count()
        if unresolved:
            raise ValidationError(
                {
                    "comments": ValidationError(
                        _("Resolve every comment first (%(count)s unresolved).") % {"count": unresolved},
                        code=Code.REVIEW_STATE,
                    )
                }
            )

    def apply(locked: Review) -> list[str]:
        locked.conclusion = conclusion
        locked.completed_at = timezone.now()
        return ["conclusion", "completed_at"]

    def effects(locked: Review, _previous: str) -> None:
        engagement_await_decision(engagement=locked.engagement, actor=actor)
        deadline_close(kind=REVIEW_WAITING, subject=locked)
        deadline_upsert(
            kind=DECISION_WAITING,
            subject=locked.engagement,
            body=locked.body,
            due_on=today_in(locked.body.time_zone),
        )
        notify(kind="certification.review.completed", subject=locked, body=locked.body)

    return transition(
        review,
        action="complete",
        actor=actor,
        guards=[ready],
        apply=apply,
        effects=[effects],
        record_after=["conclusion", "round"],
    )
