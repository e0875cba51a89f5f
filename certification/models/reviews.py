"""The independent review of an engagement's report: a reviewer who was not on the team comments in rounds, the
team answers, and the review is completed before any decision, opinion or statement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel
from core.transitions import Transition, Transitions


class ReviewStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned to the team")
    COMPLETED = "completed", _("Completed")


R = ReviewStatus


class Review(TenantModel):
    """One engagement's independent review. `round` counts the times the report went back to the team (0 until
    the first return); the engagement reaches "awaiting decision" only when the review is completed."""

    Status = ReviewStatus

    TRANSITIONS = Transitions(
        refused=_("A review that is %(current_lower)s cannot become %(target_lower)s."),
        reason_field="status_reason",
        changed_at_field="status_changed_at",
        actions={
            "return_to_team": Transition(
                source=(R.IN_REVIEW,), target=R.RETURNED, event="certification.review.returned"
            ),
            "resubmit": Transition(
                source=(R.RETURNED,), target=R.IN_REVIEW, event="certification.review.resubmitted"
            ),
            "complete": Transition(
                source=(R.IN_REVIEW,), target=R.COMPLETED, event="certification.review.completed"
            ),
        },
    )

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="reviews")
    engagement = models.OneToOneField(
        "audits.Engagement", on_delete=models.CASCADE, related_name="review", verbose_name=_("engagement")
    )
    reviewer = models.ForeignKey(
        "bodies.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("independent reviewer"),
    )
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices, default=R.IN_REVIEW)
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    round = models.PositiveIntegerField(_("round"), default=1)
    conclusion = models.TextField(_("conclusion"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("independent review")
        verbose_name_plural = _("independent reviews")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReviewStatus.values), name="review_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=R.COMPLETED) | models.Q(completed_at__isnull=False),
                name="review_completed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["body", "status"], name="review_body_status")]

    def __str__(self) -> str:
        return str(_("Review of %(engagement)s") % {"engagement": self.engagement})


class ReviewComment(TenantModel):
    """A reviewer's comment in one round, and the team's answer; a comment is resolved by the reviewer."""

    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    round = models.PositiveIntegerField(_("round"))
    text = models.TextField(_("comment"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    answer = models.TextField(_("team's answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        ordering = ["round", "created_at"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        indexes = [models.Index(fields=["review", "resolved"], name="reviewcomment_review_resolved")]

    def __str__(self) -> str:
        return str(_("Comment (round %(round)s)") % {"round": self.round})
