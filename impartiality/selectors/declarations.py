"""Reads of declarations of interest, shaped for constant query counts; the confidentiality rule
(`impartiality.permissions.declarations_readable_by`) is applied by the callers that list for a person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Body, Membership
from core.dates import today_in

from ..models import Declaration, DeclarationKind, DeclarationStatus, Relationship
from ..permissions import declarations_readable_by

#: an annual declaration whose last day is at most this many days away is "expiring"
EXPIRING_WITHIN_DAYS = 30

CURRENT = "current"
EXPIRING = "expiring"
EXPIRED = "expired"
MISSING = "missing"

#: the states of a person's annual declaration, for labels
ANNUAL_STATE_CHOICES = [
    (CURRENT, _("Current")),
    (EXPIRING, _("Expiring soon")),
    (EXPIRED, _("Expired")),
    (MISSING, _("Missing")),
]


@dataclass(frozen=True)
class AnnualDeclarationState:
    """Where a person's annual declaration stands on a day: `state` (current / expiring / expired / missing)
    and the declaration it is about (the latest submitted or reviewed one; None when missing)."""

    state: str
    declaration: Declaration | None
    on: date

    @property
    def is_current(self) -> bool:
        """Current on that day (an expiring declaration is still current)."""
        return self.state in (CURRENT, EXPIRING)

    @property
    def days_left(self) -> int | None:
        if self.declaration is None or self.declaration.valid_until is None:
            return None
        return (self.declaration.valid_until - self.on).days


def _state_of(declaration: Declaration | None, on: date) -> AnnualDeclarationState:
    if declaration is None or declaration.valid_until is None:
        return AnnualDeclarationState(state=MISSING, declaration=None, on=on)
    if declaration.valid_until < on:
        return AnnualDeclarationState(state=EXPIRED, declaration=declaration, on=on)
    if (declaration.valid_until - on).days <= EXPIRING_WITHIN_DAYS:
        return AnnualDeclarationState(state=EXPIRING, declaration=declaration, on=on)
    return AnnualDeclarationState(state=CURRENT, declaration=declaration, on=on)


def _live_annual() -> QuerySet[Declaration]:
    return Declaration.objects.annual().live().select_related("reviewed_by")


def annual_declaration_state(membership: Membership, *, on: date | None = None) -> AnnualDeclarationState:
    """The state of the person's annual declaration in the membership's body on `on` (the body's today by
    default): current through its `valid_until` inclusive, expiring within EXPIRING_WITHIN_DAYS of it, expired
    from the next day, missing when the person never submitted one (submitted on or before `on`). One query."""
    day = on or today_in(membership.body.time_zone)
    latest = (
        _live_annual()
        .filter(membership_id=membership.pk, submitted_on__lte=day)
        .order_by("-submitted_on", "-version", "-submitted_at")
        .first()
    )
    return _state_of(latest, day)


def annual_declaration_states(
    memberships: Iterable[Membership], *, on: date
) -> dict[Any, AnnualDeclarationState]:
    """`annual_declaration_state` of many people at once (membership id → state): one query."""
    ids = [membership.pk for membership in memberships]
    latest: dict[Any, Declaration] = {}
    rows = (
        _live_annual()
        .filter(membership_id__in=ids, submitted_on__lte=on)
        .order_by("membership_id", "-submitted_on", "-version", "-submitted_at")
    )
    # the first row of each person is their latest (the same on every database: no DISTINCT ON)
    for declaration in rows:
        latest.setdefault(declaration.membership_id, declaration)
    return {pk: _state_of(latest.get(pk), on) for pk in ids}


def _listed(queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    return queryset.select_related("declarant", "client", "project", "reviewed_by", "membership")


def declarations_readable(user: Any, token: Any = None) -> QuerySet[Declaration]:
    """Every declaration `user` (or the bearer token) may read: a token reads its body's; a person their own
    and those of the bodies where they review declarations (registry staff: all)."""
    queryset = Declaration.objects.visible_to(user, token)
    if token is None:
        queryset = queryset.filter(declarations_readable_by(user))
    return _listed(queryset)


def person_declarations(membership: Membership) -> QuerySet[Declaration]:
    """A person's declarations in one body, every version, newest first (the history shows the older ones)."""
    return _listed(Declaration.objects.filter(membership_id=membership.pk)).order_by(
        "kind", "-created_at", "-version"
    )


def person_latest_declarations(membership: Membership) -> list[Declaration]:
    """A person's declarations, one row per chain of versions (the newest version), newest first: one query.
    A version is the latest when nothing corrects it."""
    return list(
        _listed(Declaration.objects.filter(membership_id=membership.pk, correction__isnull=True)).order_by(
            "-created_at", "id"
        )
    )


def declaration_versions(declaration: Declaration) -> list[Declaration]:
    """Every version of the declaration's chain (oldest first), following `previous` back and corrections
    forward (a few queries: one per version)."""
    chain = [declaration]
    current = declaration
    while current.previous_id:
        current = _listed(Declaration.objects.filter(pk=current.previous_id)).get()
        chain.insert(0, current)
    current = declaration
    while True:
        following = _listed(Declaration.objects.filter(previous_id=current.pk)).first()
        if following is None:
            break
        chain.append(following)
        current = following
    return chain


def declaration_detail(queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    """A declaration with its relationships (and their clients and projects) in two queries."""
    return (
        _listed(queryset)
        .select_related("body", "previous")
        .prefetch_related(
            Prefetch("relationships", queryset=Relationship.objects.select_related("client", "project"))
        )
    )


def review_queue(body: Body) -> QuerySet[Declaration]:
    """The body's declarations waiting for review, oldest submission first."""
    return _listed(Declaration.objects.for_body(body).filter(status=DeclarationStatus.SUBMITTED)).order_by(
        "submitted_at", "id"
    )


def body_declarations(body: Body) -> QuerySet[Declaration]:
    """The body's declarations (every version), newest first, for its reviewers and administrators."""
    return _listed(Declaration.objects.for_body(body)).order_by("-created_at", "id")


__all__ = [
    "ANNUAL_STATE_CHOICES",
    "CURRENT",
    "EXPIRED",
    "EXPIRING",
    "EXPIRING_WITHIN_DAYS",
    "MISSING",
    "AnnualDeclarationState",
    "DeclarationKind",
    "annual_declaration_state",
    "annual_declaration_states",
    "body_declarations",
    "declaration_detail",
    "declaration_versions",
    "declarations_readable",
    "person_declarations",
    "person_latest_declarations",
    "review_queue",
]
