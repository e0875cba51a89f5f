"""Independent reviews API v1: the reviews of the engagements the caller reads (their comments nested), the
reviewer opening one, and one action per step (comment, return, answer, resubmit, resolve, complete).

Each action calls one service of `certification.services.reviews`, which holds every rule (the reviewer only and
never on the team, the lead auditor or a planner resubmits, the team or a planner answers). Another body's review
answers 404. Token scope resource: `reviews`."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from core.api.schema import errors
from core.api.serializers import VisibleRelatedField
from core.api.views import TenantViewSet, create_action, request_token, transition_action
from core.errors import PermissionDenied, field_error

from ..error_codes import CertificationErrorCode
from ..models import Review, ReviewComment
from ..services.reviews import (
    review_comment_add,
    review_comment_answer,
    review_comment_resolve,
    review_complete,
    review_open,
    review_resubmit,
    review_return,
)

TAGS = ["reviews"]
REVIEWER = "Only the engagement's independent reviewer (`reviewer_not_independent` otherwise, also when on the team)."


class ReviewCommentOutput(serializers.ModelSerializer):
    written_by = serializers.PrimaryKeyRelatedField(read_only=True)
    answered_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ReviewComment
        fields = [
            "id",
            "round",
            "text",
            "written_by",
            "answer",
            "answered_by",
            "answered_at",
            "resolved",
            "created_at",
        ]
        read_only_fields = fields


class ReviewOutput(serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    engagement = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    reviewer = serializers.SerializerMethodField()
    comments = ReviewCommentOutput(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "body",
            "engagement",
            "reviewer",
            "status",
            "status_reason",
            "round",
            "conclusion",
            "completed_at",
            "comments",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_reviewer(self, review: Review) -> dict[str, Any]:
        return {"id": str(review.reviewer.user_id), "name": str(review.reviewer.user)}


class OpenInput(serializers.Serializer):
    engagement = VisibleRelatedField(
        queryset=apps.get_model("audits", "Engagement").objects.all(), pk_field=serializers.UUIDField()
    )


class CommentInput(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)


class ReturnInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CompleteInput(serializers.Serializer):
    conclusion = serializers.CharField(allow_blank=True)


class AnswerInput(serializers.Serializer):
    comment = serializers.UUIDField()
    answer = serializers.CharField(allow_blank=True)


class ResolveInput(serializers.Serializer):
    comment = serializers.UUIDField()


def _comment_of(review: Review, comment_id: Any) -> ReviewComment:
    comment = review.comments.select_related("review__engagement").filter(pk=comment_id).first()
    if comment is None:
        raise field_error("comment", _("Not found."), CertificationErrorCode.REVIEW_STATE)
    return comment


def _open(*, actor: Any, engagement: Any) -> Review:
    review = review_open(engagement=engagement, actor=actor)
    if review is None:
        raise PermissionDenied(
            _("Only the engagement's independent reviewer opens its review."),
            code=CertificationErrorCode.REVIEWER_NOT_INDEPENDENT,
        )
    return review


def _comment(*, review: Review, actor: Any, text: str) -> Review:
    review_comment_add(review=review, actor=actor, text=text)
    return review


def _answer(*, review: Review, actor: Any, comment: Any, answer: str) -> Review:
    review_comment_answer(comment=_comment_of(review, comment), actor=actor, answer=answer)
    return review


def _resolve(*, review: Review, actor: Any, comment: Any) -> Review:
    review_comment_resolve(comment=_comment_of(review, comment), actor=actor)
    return review


def reviews_visible_to(user: Any, token: Any = None) -> QuerySet[Review]:
    """The reviews of the engagements the caller reads (the reviewer is granted the engagement when it is sent)."""
    engagements = apps.get_model("audits", "Engagement").objects.visible_to(user, token)
    return (
        Review.objects.visible_to(user, token)
        .filter(engagement__in=engagements.values("pk"))
        .select_related("reviewer__user")
        .prefetch_related("comments")
    )


@extend_schema_view(
    list=extend_schema(
        summary="List independent reviews",
        tags=TAGS,
        description="The reviews of the engagements the caller reads, newest first, their comments nested.",
        responses={200: ReviewOutput(many=True), **errors(401, 403)},
    ),
    retrieve=extend_schema(
        summary="One independent review", tags=TAGS, responses={200: ReviewOutput, **errors(401, 403, 404)}
    ),
)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Review.objects.all()
    serializer_class = ReviewOutput
    resource = "reviews"
    resource_label = gettext_lazy("Independent reviews")
    envelope_key = "reviews"

    def get_queryset(self) -> QuerySet[Review]:
        return reviews_visible_to(self.request.user, request_token(self.request)).order_by(
            "-created_at", "id"
        )

    create = create_action(
        _open,
        on="collection",
        input=OpenInput,
        output=ReviewOutput,
        summary="Open an engagement's review",
        tags=TAGS,
        description=f"{REVIEWER} While the engagement is under review (409); returns the existing one if opened.",
    )
    comment = transition_action(
        _comment,
        input=CommentInput,
        output=ReviewOutput,
        reload=True,
        summary="Comment on the report",
        tags=TAGS,
        description=f"{REVIEWER} In the current round, while in review (409 `review_state`).",
    )
    return_to_team = transition_action(
        review_return,
        input=ReturnInput,
        output=ReviewOutput,
        reload=True,
        url_path="return",
        url_name="return",
        summary="Return the report to the team",
        tags=TAGS,
        description=f"{REVIEWER} With at least one unresolved comment (`review_state`); the team is told.",
    )
    answer = transition_action(
        _answer,
        input=AnswerInput,
        output=ReviewOutput,
        reload=True,
        summary="Answer a comment",
        tags=TAGS,
        description="A team member or a planner, while the report is back with the team.",
    )
    resubmit = transition_action(
        review_resubmit,
        output=ReviewOutput,
        reload=True,
        summary="Send the report back to the reviewer",
        tags=TAGS,
        description="The lead auditor or a planner, every comment of the round answered; the next round starts.",
    )
    resolve = transition_action(
        _resolve,
        input=ResolveInput,
        output=ReviewOutput,
        reload=True,
        summary="Resolve a comment",
        tags=TAGS,
        description=REVIEWER,
    )
    complete = transition_action(
        review_complete,
        input=CompleteInput,
        output=ReviewOutput,
        reload=True,
        summary="Complete the review",
        tags=TAGS,
        description=f"{REVIEWER} No comment unresolved, the reviewer still not on the team; the engagement then "
        "awaits its decision and the decision makers are told.",
    )
