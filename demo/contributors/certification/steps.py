"""The steps the certification part takes, each through the services as the person named would: an audit walked
to its report and sent to the independent reviewer, the review in rounds, a decision. A step a rule refuses
leaves everything as it was (a savepoint), is logged, and the steps that depend on it are skipped."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction

from accounts.models import User
from audits import services as audits
from audits.models import Engagement
from bodies.models import Body, Membership, Role
from certification.models import Decision, Review
from certification.services.decisions import decision_record
from certification.services.reviews import (
    review_comment_add,
    review_comment_answer,
    review_comment_resolve,
    review_complete,
    review_open,
    review_resubmit,
    review_return,
)
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from impartiality import services as impartiality

from ..audits.steps import assign, cleared, draft_engagement, held, walk

logger = logging.getLogger("demo.certification")


def attempt(step: Any, *args: Any, **kwargs: Any) -> Any:
    """One step in a savepoint: a refusal leaves everything as it was, is logged and returns None."""
    try:
        with transaction.atomic():
            return step(*args, **kwargs)
    except (ValidationError, TransitionNotAllowed, PermissionDenied) as refusal:
        logger.warning("demo step %s refused: %s", getattr(step, "__name__", step), refusal)
        return None


def fieldwork(
    body: Body,
    admin: User,
    lead: Membership,
    fields: dict[str, Any],
    *,
    start: date,
    end: date,
    reviewer: Membership | None = None,
) -> Engagement | None:
    """An audit by `lead` on `start`..`end`, walked by the planner (`admin`) and the lead to its drafted report, and
    sent to `reviewer` when one is named."""
    engagement = draft_engagement(body, admin, {**fields, "planned_start": start, "planned_end": end})
    if engagement is None:
        return None
    return carried_out(engagement, admin, lead, reviewer=reviewer)


def carried_out(
    engagement: Engagement, admin: User, lead: Membership, *, reviewer: Membership | None = None
) -> Engagement:
    """A drafted engagement audited on its planned days by `lead`, to its drafted report (and sent to `reviewer`
    when one is named). The lead's annual declaration on the register does not reach back to past audits: the
    administrator allows those days in writing, as the engagements part does."""
    client = engagement.client
    attempt(
        impartiality.conflict_override,
        actor=admin,
        membership=lead,
        client=client,
        rule="annual_declaration_missing",
        starts_on=engagement.planned_start,
        ends_on=engagement.planned_end,
        justification=f"{lead.user}'s annual declarations for these years were signed on paper before the "
        f"register was in use; they declare nothing about {client}. Archived in the quality file.",
    )
    assign(engagement, admin, [(lead, Role.LEAD_AUDITOR)])
    walk(engagement, admin, lead.user, ["plan", "propose_team", "confirm_team", "start"])
    held(engagement, admin, until=engagement.planned_end)
    steps = ["draft_report", "send_to_review"] if reviewer is not None else ["draft_report"]
    walk(engagement, admin, lead.user, steps, reviewer=reviewer)
    engagement.refresh_from_db()
    return engagement


def declared(lead: Membership, admin: User, client: Any) -> None:
    """The lead declares their interests for the client; the administrator reviews it (once per client)."""
    attempt(cleared, lead, admin, client=client)


def reviewed(
    engagement: Engagement | None,
    reviewer: Membership,
    lead: User,
    *,
    rounds: Sequence[tuple[str, str]] = (),
    conclusion: str,
) -> Review | None:
    """The independent reviewer reviews the report: with `rounds` (comment, the lead's answer) the report goes
    back to the team once, is answered and resubmitted, and the reviewer resolves each comment; then completes."""
    if engagement is None or engagement.status != "under_review":
        return None
    review = attempt(review_open, engagement=engagement, actor=reviewer.user)
    if review is None:
        return None
    if rounds:
        comments = [
            attempt(review_comment_add, review=review, actor=reviewer.user, text=text) for text, _a in rounds
        ]
        if attempt(review_return, review=review, actor=reviewer.user) is None:
            return review
        for comment, (_text, answer) in zip(comments, rounds, strict=True):
            if comment is not None:
                attempt(review_comment_answer, comment=comment, actor=lead, answer=answer)
        if attempt(review_resubmit, review=Review.objects.get(pk=review.pk), actor=lead) is None:
            return review
        for comment in comments:
            if comment is not None:
                attempt(review_comment_resolve, comment=comment, actor=reviewer.user)
    return attempt(  # type: ignore[no-any-return]
        review_complete, review=Review.objects.get(pk=review.pk), actor=reviewer.user, conclusion=conclusion
    )


def decide(decider: Membership, kind: str, rationale: str, on: date, **subject: Any) -> Decision | None:
    """The decision maker records the decision (its consequence follows in the same transaction)."""
    return attempt(  # type: ignore[no-any-return]
        decision_record, kind=kind, actor=decider.user, rationale=rationale, decided_on=on, **subject
    )


def close(engagement: Engagement | None, admin: User) -> None:
    """The planner closes a decided engagement (its records complete)."""
    if engagement is not None:
        engagement.refresh_from_db()
        if engagement.status == "decided":
            attempt(audits.engagement_close, engagement=engagement, actor=admin)
