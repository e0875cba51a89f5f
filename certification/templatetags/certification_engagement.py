"""`{% engagement_certification_panel engagement %}`: on the engagement page, what certification adds — its
independent review (status, round, link), the decision(s) taken on it, its statement, and a link to decide it
for a decision maker once it awaits its decision. A constant few queries. Load with
`{% load certification_engagement %}`."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import Decision, Review, Statement
from ..permissions import can_decide
from ..services.decisions import separation_failure
from ..services.reviews import is_reviewer

register = template.Library()

#: the engagement statuses from which the review exists or may be opened
REVIEW_STATUSES = frozenset({"under_review", "awaiting_decision", "decided", "closed"})


@register.inclusion_tag("certification/partials/_engagement_panel.html", takes_context=True)
def engagement_certification_panel(context: Any, engagement: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if engagement.status not in REVIEW_STATUSES:
        return {"show": False}
    review = Review.objects.filter(engagement=engagement).first()
    decisions = list(Decision.objects.filter(engagement=engagement).order_by("-decided_on", "-created_at"))
    statement = Statement.objects.filter(engagement=engagement).first()
    may_decide = (
        engagement.status == "awaiting_decision"
        and user is not None
        and can_decide(user, engagement.body)
        and separation_failure(user, engagement) is None
    )
    return {
        "show": True,
        "engagement": engagement,
        "review": review,
        "decisions": decisions,
        "statement": statement,
        "is_reviewer": user is not None and is_reviewer(user, engagement),
        "may_decide": may_decide,
    }
