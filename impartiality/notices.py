"""The impartiality capability's notices declarations (see docs/DEVELOPING.md)."""

from __future__ import annotations

# --- declarations, reviews and conflicts (H2) ---
# declarations (H2a)
from typing import Any

from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Membership
from core.roles import role_permissions
from reminders.notices import Notice, NoticeKind, page_url, register
from reminders.recipients import body_administrators

from .permissions import REVIEW_DECLARATIONS


def declaration_reviewers(notice: Notice) -> list[Any]:
    """The body's active people who review declarations (their roles carry `review_declarations`), never the
    declarant: one query."""
    if notice.body is None:
        return []
    roles = [role for role, codenames in role_permissions().items() if REVIEW_DECLARATIONS in codenames]
    memberships = (
        Membership.objects.active()
        .filter(body_id=notice.body.pk, user__is_active=True)
        .exclude(user_id=notice.subject.declarant_id)
        .select_related("user")
        .order_by("user__email")
    )
    return [membership.user for membership in memberships if set(membership.roles) & set(roles)]


def _the_declarant(notice: Notice) -> list[Any]:
    return [notice.subject.declarant]


def _declaration_values(declaration: Any) -> dict[str, Any]:
    return {
        "person": declaration.declarant.full_name or declaration.declarant.email,
        "kind": declaration.get_kind_display().lower(),
        "outcome": declaration.get_review_outcome_display(),
    }


register(
    NoticeKind(
        key="impartiality.declaration.submitted",
        title=_("%(person)s submitted a declaration of interest for review"),
        message=_("%(person)s submitted their %(kind)s declaration of interest in %(body)s. Review it."),
        audience=declaration_reviewers,
        url=page_url("impartiality:declaration-review", with_subject=True),
        values=_declaration_values,
        label=_("Declaration of interest submitted"),
    )
)
register(
    NoticeKind(
        key="impartiality.declaration.reviewed",
        title=_("Your declaration of interest was reviewed: %(outcome)s"),
        message=_("Your %(kind)s declaration of interest in %(body)s was reviewed. Outcome: %(outcome)s."),
        audience=_the_declarant,
        url=page_url("impartiality:declaration-detail", with_subject=True),
        values=_declaration_values,
        label=_("Declaration of interest reviewed"),
    )
)
register(
    NoticeKind(
        key="impartiality.declaration.barring",
        title=_("A conflict of interest bars %(person)s"),
        message=_(
            "The review of %(person)s's %(kind)s declaration of interest in %(body)s found a conflict that bars "
            "them. Check their engagements."
        ),
        audience=body_administrators,
        url=page_url("impartiality:declaration-detail", with_subject=True),
        values=_declaration_values,
        label=_("Barring conflict of interest"),
    )
)


# --- risk registers and committee (H3) ---
