"""Reads of independent reviews, shaped for constant query counts."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Prefetch, QuerySet

from ..models import Review, ReviewComment


def _engagements() -> Any:
    return apps.get_model("audits", "Engagement").objects


def review_of(engagement: Any) -> Review | None:
    """An engagement's review with its comments (by round) and their authors, in two queries."""
    return (
        Review.objects.filter(engagement=engagement)
        .select_related("reviewer__user")
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=ReviewComment.objects.select_related("written_by", "answered_by").order_by(
                    "round", "created_at"
                ),
            )
        )
        .first()
    )


def reviews_waiting_for(*, user: Any, body: Any) -> QuerySet[Any]:
    """The engagements of `body` under independent review with `user` as their reviewer, the review not yet
    returned to the team (not opened, or in review), oldest first — one query."""
    return (
        _engagements()
        .filter(body=body, status="under_review", reviewer__user=user)
        .exclude(review__status="returned")
        .select_related("client", "review")
        .order_by("status_changed_at", "reference")
    )


def reviews_returned_to(*, user: Any, body: Any) -> QuerySet[Any]:
    """The engagements of `body` whose report the reviewer returned and `user` is on the team of — one query."""
    return (
        _engagements()
        .filter(body=body, status="under_review", review__status="returned", team__membership__user=user)
        .select_related("client", "review")
        .distinct()
        .order_by("reference")
    )
