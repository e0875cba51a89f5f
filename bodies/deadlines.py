"""Deadline kinds of this capability (declared with the reminders engine)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reminders.models import Deadline
from reminders.recipients import (
    body_admins_of,
    days_to_due,
    expiry_message_values,
    subject_person_and_body_admins,
)
from reminders.registry import DeadlineKind, page_url, register

from .models import Membership

ACCREDITATION_EXPIRY = "bodies.accreditation_expiry"


def _accreditation_expiry_message(deadline: Deadline, offset: int) -> tuple[str, str]:
    """The due date is the first day the accreditation no longer covers (the day after `valid_to`)."""
    values = expiry_message_values(deadline)
    if offset < 0:
        title = ngettext(
            "Accreditation %(name)s expires in %(days)s day (on %(due)s)",
            "Accreditation %(name)s expires in %(days)s days (on %(due)s)",
            abs(days_to_due(deadline)),
        )
        text = _(
            "The accreditation %(name)s is valid until %(last_day)s. From %(due)s the body is no longer "
            "accredited under it and cannot be scheduled for engagements that need it. Renew it with the "
            "accreditation body and record the new validity."
        )
    elif offset == 0:
        title = _("Accreditation %(name)s has expired (on %(due)s)")
        text = _(
            "The accreditation %(name)s was valid until %(last_day)s. The body cannot take on engagements "
            "that need it until a renewed accreditation is recorded."
        )
    else:
        title = ngettext(
            "Accreditation %(name)s expired %(days)s day ago (on %(due)s)",
            "Accreditation %(name)s expired %(days)s days ago (on %(due)s)",
            abs(days_to_due(deadline)),
        )
        text = _("The accreditation %(name)s was valid until %(last_day)s and no renewal has been recorded.")
    return title % values, text % values


register(
    DeadlineKind(
        code=ACCREDITATION_EXPIRY,
        label=gettext_lazy("Accreditation expiry"),
        offsets=lambda: settings.ACCREDITATION_REMINDER_OFFSETS,
        recipients=body_admins_of,
        message=_accreditation_expiry_message,
        url=page_url("bodies:accreditation-detail", with_subject=True),
    )
)


# --- the confidentiality and impartiality undertaking -------------------------------------------------------

UNDERTAKING_UNSIGNED = "bodies.undertaking_unsigned"


def _undertaking_message(deadline: Deadline, offset: int) -> tuple[str, str]:
    subject = deadline.subject
    values = {"name": str(subject) if subject is not None else _("(no longer on record)")}
    title = _("Undertaking not signed: %(name)s") % values
    text = (
        _(
            "%(name)s has not signed the confidentiality and impartiality undertaking. They cannot be put on an "
            "engagement team until it is signed and recorded."
        )
        % values
    )
    return title, text


register(
    DeadlineKind(
        code=UNDERTAKING_UNSIGNED,
        label=gettext_lazy("Undertaking not signed"),
        offsets=lambda: settings.UNDERTAKING_REMINDER_OFFSETS,
        recipients=subject_person_and_body_admins(Membership, "user"),
        message=_undertaking_message,
        url=page_url("bodies:members"),
    )
)
