"""The impartiality capability's deadlines declarations (see docs/DEVELOPING.md)."""

from __future__ import annotations

# --- declarations, reviews and conflicts (H2) ---
# declarations (H2a)
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bodies.models.tenants import Membership
from core.roles import role_permissions
from reminders.models import Deadline
from reminders.recipients import body_admins_of, days_to_due
from reminders.registry import DeadlineKind, page_url, register

from .models import Declaration
from .permissions import REVIEW_DECLARATIONS, declarations_readable_by
from .services import DECLARATION_RENEWAL, DECLARATION_REVIEW


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


def _url(viewname: str) -> Callable[[Deadline], str]:
    return page_url(viewname, with_subject=True)


register(
    DeadlineKind(
        code=DECLARATION_RENEWAL,
        label=gettext_lazy("Annual declaration of interest renewal"),
        offsets=lambda: settings.DECLARATION_REMINDER_OFFSETS,
        recipients=_renewal_recipients,
        message=_renewal_message,
        url=_url("impartiality:declaration-detail"),
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
        url=_url("impartiality:declaration-review"),
        readable_by=declaration_deadlines_readable_by,
    )
)


# --- risk registers and committee (H3) ---
