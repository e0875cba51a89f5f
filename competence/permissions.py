"""Who may read and keep a body's competence records and a person's history.

One rule per question, asked by the portal, the API and the PDF alike:

- every active member of a body sees its people and the team-facing summary of their competence: names,
  roles, employment, and which standard/sector competences are approved and until when (the matrix, the team
  check, a person's page);
- what else an ordinary member sees of a colleague — records that are not approved, a record's page (basis,
  notes, evaluator, history), the person's history (training, witnessed audits, periodic evaluations), the
  evidence, the competence-record PDF and the deadlines about the person — is the body's decision
  (`PeopleRecordsPolicy`): by default nothing (ISO/IEC 17021-1 7.2: the body keeps these records; colleagues
  do not need them to plan an audit), or everything when the body opens them to its members;
- the person themselves, the body's competence managers and registry staff always see everything;
- only competence managers write any of it; only the body's administrators change the policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bodies.permissions import can_manage_body, require_manage_body
from core.errors import PermissionDenied
from core.permissions import Principal, body_ids_with_perm, has_body_perm, is_signed_in, require_body_perm

if TYPE_CHECKING:
    from bodies.models.tenants import Body, Membership

    from .models import CompetenceRecord

MANAGE_COMPETENCE = "manage_competence"


def can_manage_competence(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, MANAGE_COMPETENCE)


def require_manage_competence(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_COMPETENCE)


def is_own_membership(actor: Principal, membership: Membership) -> bool:
    """The person themselves, while they still work for the body."""
    from bodies.models.tenants import Membership

    return (
        actor is not None
        and bool(actor.is_authenticated)
        and actor.pk == membership.user_id
        and membership.status == Membership.Status.ACTIVE
    )


def colleague_records_open(body: Body) -> bool:
    """Has the body opened its people's records to every active member? (No policy row: no, the safe default.)
    Read once per body object and kept on it, so a page asking for many people costs one query."""
    cached = getattr(body, "_colleague_records_open", None)
    if cached is None:
        from .models import ColleagueRecords, PeopleRecordsPolicy

        cached = PeopleRecordsPolicy.objects.filter(
            body_id=body.pk, colleague_records=ColleagueRecords.FULL
        ).exists()
        body._colleague_records_open = cached  # type: ignore[attr-defined]
    return bool(cached)


def is_active_member(actor: Principal, body: Body) -> bool:
    """An active member of the body (any role)."""
    if actor is None or not actor.is_authenticated:
        return False
    from bodies.models.tenants import Membership

    return Membership.objects.filter(
        body_id=body.pk, user_id=actor.pk, status=Membership.Status.ACTIVE
    ).exists()


def can_view_colleague_records(actor: Principal, body: Body) -> bool:
    """Everything recorded about every person of the body: its competence managers (and registry staff), and
    its active members when the body opened its people's records to them."""
    if can_manage_competence(actor, body):
        return True
    return colleague_records_open(body) and is_active_member(actor, body)


def can_view_person_history(actor: Principal, membership: Membership) -> bool:
    """Everything recorded about one person: their records whatever the status, a record's page, their
    training, witnessed audits and evaluations, the evidence, the competence-record PDF and the deadlines
    about them. The person themselves always; others by `can_view_colleague_records`."""
    return is_own_membership(actor, membership) or can_view_colleague_records(actor, membership.body)


def require_view_person_history(actor: Principal, membership: Membership) -> None:
    if not can_view_person_history(actor, membership):
        raise PermissionDenied(
            _(
                "Only competence managers and the person themselves can read this (the body keeps it confidential)."
            )
        )


def can_view_competence_record(actor: Principal, record: CompetenceRecord) -> bool:
    """A record's page (its basis, notes, evaluator and history) is part of the person's history."""
    return can_view_person_history(actor, record.membership)


def require_change_people_records_policy(actor: Principal, body: Body) -> None:
    """Only the body's administrators (and registry staff) decide how confidential its people's records are."""
    require_manage_body(actor, body)


def can_change_people_records_policy(actor: Principal, body: Body) -> bool:
    return can_manage_body(actor, body)


# --- the same rule as filters, for lists (one subquery, never a check per row) ----------------------------


def open_body_ids(actor: Principal) -> QuerySet[Any] | list[Any] | None:
    """The bodies whose people's records `actor` reads in full: where they keep competence, and where they are
    an active member of a body that opened its records to its members. None: every body (registry staff)."""
    if not is_signed_in(actor):
        return []
    managed = body_ids_with_perm(actor, MANAGE_COMPETENCE)
    if managed is None:
        return None
    from bodies.models.tenants import Body
    from core.tenancy import visible_body_ids

    from .models import ColleagueRecords, PeopleRecordsPolicy

    opened = PeopleRecordsPolicy.objects.filter(colleague_records=ColleagueRecords.FULL).values("body_id")
    # the person's bodies as the request already read them (literal ids), not a second membership subquery
    member_of = visible_body_ids(actor)
    return Body.objects.filter(Q(pk__in=managed) | (Q(pk__in=opened) & Q(pk__in=member_of))).values("pk")


def person_records_readable_by(actor: Principal, *, body_field: str, own: Q) -> Q:
    """Rows about people (`own`: the actor's own rows) the actor reads in full, as a filter."""
    bodies = open_body_ids(actor)
    if bodies is None:
        return Q()
    if not is_signed_in(actor):
        return Q(pk__in=[])
    return Q(**{f"{body_field}__in": bodies}) | own


def competence_records_listed_for(actor: Principal) -> Q:
    """The competence records an actor sees listed: those they read in full, and every approved record of the
    bodies they see (the team-facing summary)."""
    from .models import CompetenceStatus

    return person_records_readable_by(
        actor, body_field="body_id", own=Q(person_id=getattr(actor, "pk", None))
    ) | Q(status=CompetenceStatus.APPROVED)


def can_view_evidence(actor: Principal, record: CompetenceRecord) -> bool:
    """The evidence behind a competence record is part of the person's history."""
    return can_view_person_history(actor, record.membership)


def require_view_evidence(actor: Principal, record: CompetenceRecord) -> None:
    require_view_person_history(actor, record.membership)


def competence_records_of_body_for(actor: Principal, body: Body) -> Q:
    """The records of one body an actor sees: all of them, or (the summary) the approved ones and their own."""
    if can_view_colleague_records(actor, body):
        return Q()
    from .models import CompetenceStatus

    return Q(status=CompetenceStatus.APPROVED) | Q(person_id=getattr(actor, "pk", None))
