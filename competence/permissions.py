"""Who may read and keep a body's competence records and a person's history.

One rule per question, asked by the portal, the API and the PDF alike:

- every active member of a body sees its people and their competence records (the matrix, the team check);
- a person's history — training, witnessed audits, periodic evaluations — and the evidence behind their
  records are read only by the body's competence managers, registry staff and the person themselves
  (ISO/IEC 17021-1 7.2: the body keeps these records; colleagues do not need them to plan an audit);
- only competence managers write any of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.errors import PermissionDenied
from core.permissions import Principal, has_body_perm, require_body_perm

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


def can_view_person_history(actor: Principal, membership: Membership) -> bool:
    """A person's training, witnessed audits and evaluations (and their competence-record PDF)."""
    return can_manage_competence(actor, membership.body) or is_own_membership(actor, membership)


def require_view_person_history(actor: Principal, membership: Membership) -> None:
    if not can_view_person_history(actor, membership):
        raise PermissionDenied(_("Only competence managers and the person themselves can read this."))


def can_view_evidence(actor: Principal, record: CompetenceRecord) -> bool:
    """The evidence behind a competence record is part of the person's history."""
    return can_view_person_history(actor, record.membership)


def require_view_evidence(actor: Principal, record: CompetenceRecord) -> None:
    require_view_person_history(actor, record.membership)
