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
from collections import defaultdict as _defaultdict  # noqa: E402
from typing import Any as _Any  # noqa: E402
from uuid import UUID as _UUID  # noqa: E402

from django.conf import settings as _settings  # noqa: E402
from django.urls import NoReverseMatch as _NoReverseMatch  # noqa: E402
from django.urls import reverse as _reverse  # noqa: E402
from django.utils import formats as _formats  # noqa: E402
from django.utils.translation import gettext as _gettext  # noqa: E402
from django.utils.translation import gettext_lazy as _gettext_lazy  # noqa: E402
from django.utils.translation import ngettext as _ngettext  # noqa: E402

from reminders.models import Deadline as _Deadline  # noqa: E402
from reminders.recipients import body_admins_of as _body_admins_of  # noqa: E402
from reminders.recipients import days_to_due as _days_to_due  # noqa: E402
from reminders.registry import DeadlineKind as _DeadlineKind  # noqa: E402
from reminders.registry import page_url as _page_url  # noqa: E402
from reminders.registry import register as _register  # noqa: E402

from .models.register import CommitteeAction as _CommitteeAction  # noqa: E402
from .models.register import Risk as _Risk  # noqa: E402
from .services.register import COMMITTEE_ACTION_DUE, RISK_REVIEW_DUE  # noqa: E402


def _owners_and_admins(model: type, *, admins_only_when_overdue: bool) -> _Any:
    """The subject's owner (a membership's person, while active) first, then the body's administrators (for an
    action, only once it is overdue): two queries for a whole batch."""

    def recipients(deadlines: list[_Deadline]) -> dict[_UUID, list[_Any]]:
        admins = _body_admins_of(deadlines)
        subjects = model.objects.filter(pk__in=[d.subject_id for d in deadlines]).select_related(
            "owner__user"
        )
        owners: dict[str, _Any] = _defaultdict(lambda: None)
        for subject in subjects:
            if subject.owner.status == subject.owner.Status.ACTIVE and subject.owner.user.is_active:
                owners[str(subject.pk)] = subject.owner.user
        result: dict[_UUID, list[_Any]] = {}
        for deadline in deadlines:
            overdue = _days_to_due(deadline) < 0
            chosen = list(admins.get(deadline.id, [])) if overdue or not admins_only_when_overdue else []
            owner = owners[str(deadline.subject_id)]
            if owner is not None and owner not in chosen:
                chosen.insert(0, owner)
            result[deadline.id] = chosen
        return result

    return recipients


def _values(deadline: _Deadline) -> dict[str, _Any]:
    subject = deadline.subject
    return {
        "name": str(subject) if subject is not None else _gettext("(no longer on record)"),
        "due": _formats.date_format(deadline.due_on, "DATE_FORMAT"),
        "days": abs(_days_to_due(deadline)),
    }


def _risk_review_message(deadline: _Deadline, offset: int) -> tuple[str, str]:
    values = _values(deadline)
    days = _days_to_due(deadline)
    if days > 0:
        title = _ngettext(
            "Impartiality risk to review in %(days)s day: %(name)s",
            "Impartiality risk to review in %(days)s days: %(name)s",
            days,
        )
        text = _gettext("The impartiality risk %(name)s is due for review on %(due)s.")
    elif days == 0:
        title = _gettext("Impartiality risk to review today: %(name)s")
        text = _gettext("The impartiality risk %(name)s is due for review today (%(due)s).")
    else:
        title = _gettext("Impartiality risk review overdue: %(name)s")
        text = _gettext(
            "The impartiality risk %(name)s was due for review on %(due)s. Review it and set its next review."
        )
    return title % values, text % values


def _action_message(deadline: _Deadline, offset: int) -> tuple[str, str]:
    values = _values(deadline)
    days = _days_to_due(deadline)
    if days > 0:
        title = _ngettext(
            "Committee action due in %(days)s day: %(name)s",
            "Committee action due in %(days)s days: %(name)s",
            days,
        )
        text = _gettext("The impartiality committee's action %(name)s is due on %(due)s.")
    elif days == 0:
        title = _gettext("Committee action due today: %(name)s")
        text = _gettext("The impartiality committee's action %(name)s is due today (%(due)s).")
    else:
        title = _gettext("Committee action overdue: %(name)s")
        text = _gettext(
            "The impartiality committee's action %(name)s was due on %(due)s and is not marked done."
        )
    return title % values, text % values


def _action_page(deadline: _Deadline) -> str:
    action = deadline.subject
    try:
        return _reverse("impartiality:meeting-detail", args=[action.meeting_id]) if action else "/"
    except _NoReverseMatch:
        return "/"


_register(
    _DeadlineKind(
        code=RISK_REVIEW_DUE,
        label=_gettext_lazy("Impartiality risk review"),
        offsets=lambda: _settings.RISK_REVIEW_REMINDER_OFFSETS,
        recipients=_owners_and_admins(_Risk, admins_only_when_overdue=False),
        message=_risk_review_message,
        url=_page_url("impartiality:risk-detail", with_subject=True),
    )
)
_register(
    _DeadlineKind(
        code=COMMITTEE_ACTION_DUE,
        label=_gettext_lazy("Committee action due"),
        offsets=lambda: _settings.COMMITTEE_ACTION_REMINDER_OFFSETS,
        recipients=_owners_and_admins(_CommitteeAction, admins_only_when_overdue=True),
        message=_action_message,
        url=_action_page,
    )
)
