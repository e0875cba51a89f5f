"""Deadline kinds of the impartiality capability (`reminders.registry`): an annual declaration of interest
coming to its last day (the declarant is reminded, and once it is overdue the body's administrators too), a
submitted declaration waiting for review (the body's reviewers, never the declarant), a risk of a body's register
due for review (its owner and the body's administrators) and a committee action coming due (its owner, and once
it is overdue the body's administrators). Each kind's recipients cost a constant few queries for a whole batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bodies.models.tenants import Membership
from core.roles import role_permissions
from reminders.models import Deadline
from reminders.recipients import body_admins_of, days_to_due
from reminders.registry import DeadlineKind, page_url, register

from .models import CommitteeAction, Declaration, Risk
from .permissions import REVIEW_DECLARATIONS, declarations_readable_by
from .services import COMMITTEE_ACTION_DUE, DECLARATION_RENEWAL, DECLARATION_REVIEW, RISK_REVIEW_DUE

# declarations


def _declarations_of(deadlines: list[Deadline]) -> dict[str, Declaration]:
    rows = Declaration.objects.filter(pk__in=[d.subject_id for d in deadlines]).select_related("declarant")
    return {str(row.pk): row for row in rows}


def _renewal_recipients(deadlines: list[Deadline]) -> dict[UUID, list[Any]]:
    """The declarant; once the declaration is overdue (after its last day), the body's administrators too.
    Two queries for a batch."""
    admins = body_admins_of(deadlines)
    declarations = _declarations_of(deadlines)
    result: dict[UUID, list[Any]] = {}
    for deadline in deadlines:
        declaration = declarations.get(str(deadline.subject_id))
        chosen: list[Any] = []
        if declaration is not None and declaration.declarant.is_active:
            chosen.append(declaration.declarant)
        if days_to_due(deadline) < 0:
            chosen.extend(admin for admin in admins.get(deadline.id, []) if admin not in chosen)
        result[deadline.id] = chosen
    return result


def _reviewer_recipients(deadlines: list[Deadline]) -> dict[UUID, list[Any]]:
    """The body's people who review declarations, never the declarant: two queries for a batch."""
    roles = {role for role, codenames in role_permissions().items() if REVIEW_DECLARATIONS in codenames}
    declarations = _declarations_of(deadlines)
    reviewers: dict[Any, list[Any]] = {}
    memberships = (
        Membership.objects.active()
        .filter(body_id__in={d.body_id for d in deadlines}, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    for membership in memberships:
        if roles & set(membership.roles):
            reviewers.setdefault(membership.body_id, []).append(membership.user)
    result: dict[UUID, list[Any]] = {}
    for deadline in deadlines:
        declaration = declarations.get(str(deadline.subject_id))
        declarant_id = declaration.declarant_id if declaration is not None else None
        result[deadline.id] = [
            user for user in reviewers.get(deadline.body_id, []) if user.pk != declarant_id
        ]
    return result


def _name(deadline: Deadline) -> str:
    subject = deadline.subject
    return str(subject) if subject is not None else _("(no longer on record)")


def _renewal_message(deadline: Deadline, offset: int) -> tuple[str, str]:
    values = {
        "name": _name(deadline),
        "last_day": formats.date_format(deadline.due_on, "DATE_FORMAT"),
        "days": abs(days_to_due(deadline)),
    }
    if days_to_due(deadline) > 0:
        title = ngettext(
            "Annual declaration of interest ends in %(days)s day",
            "Annual declaration of interest ends in %(days)s days",
            abs(days_to_due(deadline)),
        )
        text = _("%(name)s is current until %(last_day)s. Submit a new annual declaration before then.")
    elif days_to_due(deadline) == 0:
        title = _("Annual declaration of interest ends today")
        text = _("%(name)s is current until today, %(last_day)s. Submit a new annual declaration today.")
    else:
        title = _("Annual declaration of interest overdue")
        text = _(
            "%(name)s was current until %(last_day)s and no new annual declaration has been submitted. The "
            "person should not be put on engagements until they submit one."
        )
    return title % values, text % values


def _review_message(deadline: Deadline, offset: int) -> tuple[str, str]:
    values = {"name": _name(deadline), "days": settings.DECLARATION_REVIEW_REMINDER_DAYS}
    title = _("A declaration of interest is waiting for review")
    text = ngettext(
        "%(name)s has been waiting for review for %(days)s day or more. Review it.",
        "%(name)s has been waiting for review for %(days)s days or more. Review it.",
        settings.DECLARATION_REVIEW_REMINDER_DAYS,
    )
    return title % values, text % values


def declaration_deadlines_readable_by(user: Any) -> Q:
    """A declaration's deadlines are read by those who read the declaration (the same rule, as a filter)."""
    readable = (
        Declaration.objects.filter(declarations_readable_by(user))
        .annotate(subject=Cast("id", CharField()))
        .values("subject")
    )
    return Q(subject_id__in=readable)


register(
    DeadlineKind(
        code=DECLARATION_RENEWAL,
        label=gettext_lazy("Annual declaration of interest renewal"),
        offsets=lambda: settings.DECLARATION_REMINDER_OFFSETS,
        recipients=_renewal_recipients,
        message=_renewal_message,
        url=page_url("impartiality:declaration-detail", with_subject=True),
        readable_by=declaration_deadlines_readable_by,
    )
)
register(
    DeadlineKind(
        code=DECLARATION_REVIEW,
        label=gettext_lazy("Declaration of interest waiting for review"),
        offsets=lambda: (0,),
        recipients=_reviewer_recipients,
        message=_review_message,
        url=page_url("impartiality:declaration-review", with_subject=True),
        readable_by=declaration_deadlines_readable_by,
    )
)

# risk register and committee


def _owners_and_admins(
    model: type[Risk] | type[CommitteeAction], *, admins_only_when_overdue: bool
) -> Callable[[list[Deadline]], dict[UUID, list[Any]]]:
    """The subject's owner (a membership's person, while active) first, then the body's administrators (for an
    action, only once it is overdue): two queries for a whole batch."""

    def recipients(deadlines: list[Deadline]) -> dict[UUID, list[Any]]:
        admins = body_admins_of(deadlines)
        subjects = model.objects.filter(pk__in=[d.subject_id for d in deadlines]).select_related(
            "owner__user"
        )
        owners: dict[str, Any] = defaultdict(lambda: None)
        for subject in subjects:
            if subject.owner.status == subject.owner.Status.ACTIVE and subject.owner.user.is_active:
                owners[str(subject.pk)] = subject.owner.user
        result: dict[UUID, list[Any]] = {}
        for deadline in deadlines:
            overdue = days_to_due(deadline) < 0
            chosen = list(admins.get(deadline.id, [])) if overdue or not admins_only_when_overdue else []
            owner = owners[str(deadline.subject_id)]
            if owner is not None and owner not in chosen:
                chosen.insert(0, owner)
            result[deadline.id] = chosen
        return result

    return recipients


def _values(deadline: Deadline) -> dict[str, Any]:
    return {
        "name": _name(deadline),
        "due": formats.date_format(deadline.due_on, "DATE_FORMAT"),
        "days": abs(days_to_due(deadline)),
    }


def _risk_review_message(deadline: Deadline, offset: int) -> tuple[str, str]:
    values = _values(deadline)
    days = days_to_due(deadline)
    if days > 0:
        title = ngettext(
            "Impartiality risk to review in %(days)s day: %(name)s",
            "Impartiality risk to review in %(days)s days: %(name)s",
            days,
        )
        text = _("The impartiality risk %(name)s is due for review on %(due)s.")
    elif days == 0:
        title = _("Impartiality risk to review today: %(name)s")
        text = _("The impartiality risk %(name)s is due for review today (%(due)s).")
    else:
        title = _("Impartiality risk review overdue: %(name)s")
        text = _(
            "The impartiality risk %(name)s was due for review on %(due)s. Review it and set its next review."
        )
    return title % values, text % values


def _action_message(deadline: Deadline, offset: int) -> tuple[str, str]:
    values = _values(deadline)
    days = days_to_due(deadline)
    if days > 0:
        title = ngettext(
            "Committee action due in %(days)s day: %(name)s",
            "Committee action due in %(days)s days: %(name)s",
            days,
        )
        text = _("The impartiality committee's action %(name)s is due on %(due)s.")
    elif days == 0:
        title = _("Committee action due today: %(name)s")
        text = _("The impartiality committee's action %(name)s is due today (%(due)s).")
    else:
        title = _("Committee action overdue: %(name)s")
        text = _("The impartiality committee's action %(name)s was due on %(due)s and is not marked done.")
    return title % values, text % values


def _action_page(deadline: Deadline) -> str:
    action = deadline.subject
    try:
        return reverse("impartiality:meeting-detail", args=[action.meeting_id]) if action else "/"
    except NoReverseMatch:
        return "/"


register(
    DeadlineKind(
        code=RISK_REVIEW_DUE,
        label=gettext_lazy("Impartiality risk review"),
        offsets=lambda: settings.RISK_REVIEW_REMINDER_OFFSETS,
        recipients=_owners_and_admins(Risk, admins_only_when_overdue=False),
        message=_risk_review_message,
        url=page_url("impartiality:risk-detail", with_subject=True),
    )
)
register(
    DeadlineKind(
        code=COMMITTEE_ACTION_DUE,
        label=gettext_lazy("Committee action due"),
        offsets=lambda: settings.COMMITTEE_ACTION_REMINDER_OFFSETS,
        recipients=_owners_and_admins(CommitteeAction, admins_only_when_overdue=True),
        message=_action_message,
        url=_action_page,
    )
)
