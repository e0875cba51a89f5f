"""Deadline kinds of the competence capability: a competence expiring."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reminders.models import Deadline
from reminders.recipients import expiry_message_values, subject_person_and_body_admins
from reminders.registry import DeadlineKind, page_url, register

from .models import CompetenceRecord
from .permissions import person_records_readable_by
from .services import COMPETENCE_EXPIRY


def _message(deadline: Deadline, offset: int) -> tuple[str, str]:
    values = expiry_message_values(deadline)
    if offset < 0:
        title = ngettext(
            "Competence expires in %(days)s day: %(name)s",
            "Competence expires in %(days)s days: %(name)s",
            abs(offset),
        )
        text = _(
            "The competence %(name)s is valid until %(last_day)s. Re-evaluate it before then, or the person "
            "cannot be put on teams that need it from %(due)s."
        )
    else:
        title = _("Competence expired: %(name)s")
        text = _(
            "The competence %(name)s was valid until %(last_day)s. It no longer counts for team planning."
        )
    return title % values, text % values


def competence_expiry_readable_by(user: Any) -> Q:
    """A competence's expiry is about the person: the same rule as `can_view_person_history`, as a filter."""
    own = (
        CompetenceRecord.objects.filter(person_id=getattr(user, "pk", None))
        .annotate(subject=Cast("id", CharField()))
        .values("subject")
    )
    return person_records_readable_by(user, body_field="body_id", own=Q(subject_id__in=own))


register(
    DeadlineKind(
        code=COMPETENCE_EXPIRY,
        label=gettext_lazy("Competence expiry"),
        offsets=lambda: settings.COMPETENCE_REMINDER_OFFSETS,
        recipients=subject_person_and_body_admins(CompetenceRecord, "person"),
        message=_message,
        url=page_url("competence:record-detail", with_subject=True),
        readable_by=competence_expiry_readable_by,
    )
)
