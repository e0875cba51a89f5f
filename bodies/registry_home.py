"""The bodies capability's part of the registry home (`core.registry_home`): applications waiting for the
registry and for how long, accreditations waiting for verification, accreditations about to expire, suspended
bodies, and the applications and decisions of the last twelve months.

Each queue costs two queries (the count and its oldest rows) and each chart series one, whatever the number of
bodies; staff see every body (the registry home is staff-only).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry_home import (
    Chart,
    Queue,
    QueueRow,
    QueueState,
    QueueStateFunction,
    Series,
    days_between,
    monthly_counts,
    register,
    registry_date,
)

from .models import Accreditation, Body, BodyApplication, BodyStatusChange

#: an accreditation "expires soon" when its last valid day is within this many days
EXPIRING_WITHIN_DAYS = 90


def _changelist(viewname: str, **filters: str) -> str:
    base = reverse(f"admin:{viewname}_changelist")
    return f"{base}?{urlencode(filters)}" if filters else base


def _applications(status: str) -> QueueStateFunction:
    """The queue of applications in `status`, oldest application first, aged from the day it was made."""

    def state(*, today: date, limit: int) -> QueueState:
        waiting = BodyApplication.objects.filter(status=status)
        rows = [
            QueueRow(
                label=str(body),
                url=reverse("admin:bodies_bodyapplication_change", args=[body.pk]),
                detail=body.get_kind_display(),
                on=registry_date(body.applied_at),
                days=days_between(body.applied_at, today),
            )
            for body in waiting.order_by("applied_at", "id")[:limit]
        ]
        return QueueState(
            count=waiting.count(),
            url=_changelist("bodies_bodyapplication", status__exact=status),
            rows=rows,
        )

    return state


def _accreditation_row(
    accreditation: Accreditation, *, on: date, days: int, page: str = "change"
) -> QueueRow:
    return QueueRow(
        label=str(accreditation.body),
        url=reverse(f"admin:bodies_accreditation_{page}", args=[accreditation.pk]),
        detail=str(accreditation),
        on=on,
        days=days,
    )


def accreditations_to_verify(*, today: date, limit: int) -> QueueState:
    """New or changed accreditations waiting for the registry's verification, the longest waiting first
    (aged from their last change, which is what made them pending)."""
    pending = Accreditation.objects.awaiting_verification()
    rows = [
        _accreditation_row(
            accreditation,
            on=registry_date(accreditation.updated_at),
            days=days_between(accreditation.updated_at, today),
            page="verify",  # straight to the verify-or-refuse page
        )
        for accreditation in pending.select_related("body").order_by("updated_at", "id")[:limit]
    ]
    return QueueState(
        count=pending.count(),
        url=_changelist("bodies_accreditation", verification__exact=Accreditation.Verification.PENDING),
        rows=rows,
    )


def accreditations_expiring(*, today: date, limit: int) -> QueueState:
    """Accreditations that count (verified and active) whose last valid day is from today to 90 days on,
    the soonest first, with the days left."""
    until = today + timedelta(days=EXPIRING_WITHIN_DAYS)
    expiring = Accreditation.objects.counting().filter(valid_to__gte=today, valid_to__lte=until)
    rows = [
        _accreditation_row(
            accreditation, on=accreditation.valid_to, days=(accreditation.valid_to - today).days
        )
        for accreditation in expiring.select_related("body").order_by("valid_to", "id")[:limit]
    ]
    url = _changelist(
        "bodies_accreditation",
        status__exact=Accreditation.Status.ACTIVE,
        verification__exact=Accreditation.Verification.VERIFIED,
        valid_to__gte=today.isoformat(),
        valid_to__lte=until.isoformat(),
    )
    return QueueState(count=expiring.count(), url=url, rows=rows)


def suspended_bodies(*, today: date, limit: int) -> QueueState:
    """Suspended bodies, the longest suspended first, aged from the suspension."""
    suspended = Body.objects.filter(status=Body.Status.SUSPENDED)
    rows = []
    for body in suspended.order_by("status_changed_at", "id")[:limit]:
        since = body.status_changed_at or body.updated_at
        rows.append(
            QueueRow(
                label=str(body),
                url=reverse("admin:bodies_body_change", args=[body.pk]),
                detail=body.status_reason,
                on=registry_date(since),
                days=days_between(since, today),
            )
        )
    return QueueState(
        count=suspended.count(),
        url=_changelist("bodies_body", status__exact=Body.Status.SUSPENDED),
        rows=rows,
    )


def applications_per_month(since: datetime) -> dict[date, int]:
    return monthly_counts(Body.objects.all(), "applied_at", since)


def decisions_per_month(since: datetime) -> dict[date, int]:
    """The registry's decisions on bodies (approved, suspended, reinstated, withdrawn); starting a review is
    a step towards a decision, not one."""
    decisions = BodyStatusChange.objects.exclude(to_status=Body.Status.UNDER_REVIEW)
    return monthly_counts(decisions, "decided_at", since)


register(
    Queue(
        key="bodies.applications",
        title=_("New applications"),
        state=_applications(Body.Status.APPLICANT),
        label_heading=_("Body"),
        on_label=_("Applied on"),
        days_label=_("Days waiting"),
        empty=_("No application waits for a review."),
        order=10,
    )
)
register(
    Queue(
        key="bodies.applications_under_review",
        title=_("Applications under review"),
        state=_applications(Body.Status.UNDER_REVIEW),
        label_heading=_("Body"),
        on_label=_("Applied on"),
        days_label=_("Days waiting"),
        empty=_("No application is under review."),
        order=20,
    )
)
register(
    Queue(
        key="bodies.accreditations_to_verify",
        title=_("Accreditations waiting for verification"),
        state=accreditations_to_verify,
        label_heading=_("Body"),
        on_label=_("Changed on"),
        days_label=_("Days waiting"),
        empty=_("No accreditation waits for verification."),
        order=30,
    )
)
register(
    Queue(
        key="bodies.accreditations_expiring",
        title=_("Accreditations expiring within 90 days"),
        state=accreditations_expiring,
        label_heading=_("Body"),
        on_label=_("Valid until"),
        days_label=_("Days left"),
        empty=_("No accreditation expires within 90 days."),
        order=40,
    )
)
register(
    Queue(
        key="bodies.suspended",
        title=_("Suspended bodies"),
        state=suspended_bodies,
        label_heading=_("Body"),
        on_label=_("Suspended on"),
        days_label=_("Days suspended"),
        empty=_("No body is suspended."),
        order=60,
    )
)
register(
    Chart(
        key="bodies.applications_and_decisions",
        title=_("Applications and decisions per month"),
        series=(
            Series(label=_("Applications"), counts=applications_per_month),
            Series(label=_("Decisions"), counts=decisions_per_month),
        ),
        order=10,
    )
)
