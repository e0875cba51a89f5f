"""Who is told what about impartiality (`reminders.notices`): the body's reviewers when a person submits a
declaration of interest (never the declarant), the declarant when it is reviewed, the body's administrators when
a review finds a barring conflict; the person and the body's administrators when a conflict of theirs is
overridden; a committee action's owner when the committee gives them the action, and the body's administrators
when it is done."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Membership
from core.roles import role_permissions
from reminders.notices import Notice, NoticeKind, page_url, register
from reminders.recipients import body_administrators

from .permissions import REVIEW_DECLARATIONS

# declarations


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

# conflicts


def _overridden_person_and_admins(notice: Notice) -> list[Any]:
    """The person whose conflict was overridden, then the body's administrators (each once)."""
    people = [notice.subject.membership.user]
    for admin in body_administrators(notice):
        if admin not in people:
            people.append(admin)
    return [person for person in people if person.is_active]


register(
    NoticeKind(
        key="impartiality.conflict.overridden",
        title=_("A conflict of interest of %(person)s was overridden"),
        message=_(
            '%(actor)s overrode the conflict "%(rule)s" of %(person)s with %(party)s from %(starts_on)s to '
            "%(ends_on)s in %(body)s. Justification: %(reason)s"
        ),
        audience=_overridden_person_and_admins,
        url=page_url("impartiality:conflict-overrides"),
        label=_("Conflict of interest overridden"),
    )
)

# committee actions


def _action_owner(notice: Notice) -> list[Any]:
    return [notice.subject.owner.user]


def _meeting_page(action: Any) -> str:
    try:
        return reverse("impartiality:meeting-detail", args=[action.meeting_id])
    except NoReverseMatch:
        return "/"


def _action_values(action: Any) -> dict[str, Any]:
    return {
        "action": action.description[:120],
        "due": date_format(action.due_on),
        "person": action.owner.user.full_name or action.owner.user.email,
    }


register(
    NoticeKind(
        key="impartiality.action.assigned",
        title=_("The impartiality committee gave you an action, due %(due)s"),
        message=_("The impartiality committee of %(body)s gave you an action, due %(due)s: %(action)s"),
        audience=_action_owner,
        url=_meeting_page,
        values=_action_values,
        label=_("Committee action assigned"),
    )
)
register(
    NoticeKind(
        key="impartiality.action.completed",
        title=_("A committee action of %(person)s is done"),
        message=_("The impartiality committee's action in %(body)s is done: %(action)s"),
        audience=body_administrators,
        url=_meeting_page,
        values=_action_values,
        label=_("Committee action done"),
    )
)
