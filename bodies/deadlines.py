"""Deadline kinds of this capability (declared with the reminders engine)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reminders.models import Deadline
from reminders.registry import DeadlineKind, register

from .models import Membership, Role

ACCREDITATION_EXPIRY = "bodies.accreditation_expiry"


def body_admins_of(deadlines: list[Deadline]) -> dict[UUID, list[Any]]:
    """The active body administrators of each deadline's body: one query for the whole batch."""
    admins: dict[Any, list[Any]] = defaultdict(list)
    memberships = (
        Membership.objects.active()
        .filter(body_id__in={deadline.body_id for deadline in deadlines}, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    for membership in memberships:
        if Role.BODY_ADMIN in membership.roles:
            admins[membership.body_id].append(membership.user)
    return {deadline.id: admins.get(deadline.body_id, []) for deadline in deadlines}


def days_to_due(deadline: Deadline) -> int:
    """Days from today in the deadline's time zone to its due date (negative once it has passed).

    A reminder may fire later than its offset (a deadline created inside the window), so its text counts the
    real days rather than repeating the offset.
    """
    today = getattr(deadline, "reminded_on", None)
    if today is None:
        try:
            zone = ZoneInfo(deadline.time_zone)
        except (KeyError, ValueError):
            zone = ZoneInfo("UTC")
        today = timezone.now().astimezone(zone).date()
    return (deadline.due_on - today).days


def _accreditation_expiry_message(deadline: Deadline, offset: int) -> tuple[str, str]:
    """The due date is the first day the accreditation no longer covers (the day after `valid_to`)."""
    subject = deadline.subject
    name = str(subject) if subject is not None else _("(no longer on record)")
    values = {
        "name": name,
        "due": deadline.due_on.isoformat(),
        "last_day": (deadline.due_on - timedelta(days=1)).isoformat(),
        "days": abs(days_to_due(deadline)),
    }
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


def _accreditation_url(deadline: Deadline) -> str:
    try:
        return reverse("bodies:accreditation-detail", args=[deadline.subject_id])
    except NoReverseMatch:
        return "/"


register(
    DeadlineKind(
        code=ACCREDITATION_EXPIRY,
        label=gettext_lazy("Accreditation expiry"),
        offsets=lambda: settings.ACCREDITATION_REMINDER_OFFSETS,
        recipients=body_admins_of,
        message=_accreditation_expiry_message,
        url=_accreditation_url,
    )
)


# --- the confidentiality and impartiality undertaking -------------------------------------------------------

UNDERTAKING_UNSIGNED = "bodies.undertaking_unsigned"


def subject_person_and_body_admins(model: Any, person_field: str) -> Any:
    """Recipients for a deadline about one person's record: that person first, then the body's administrators.

    `model` is the deadline subject's model and `person_field` its foreign key to the person; two queries for a
    whole batch.
    """

    def recipients(deadlines: list[Deadline]) -> dict[UUID, list[Any]]:
        admins = body_admins_of(deadlines)
        subjects = model.objects.filter(pk__in=[d.subject_id for d in deadlines]).select_related(person_field)
        people = {str(s.pk): getattr(s, person_field) for s in subjects if getattr(s, person_field).is_active}
        result: dict[UUID, list[Any]] = {}
        for deadline in deadlines:
            chosen = list(admins.get(deadline.id, []))
            person = people.get(str(deadline.subject_id))
            if person is not None and person not in chosen:
                chosen.insert(0, person)
            result[deadline.id] = chosen
        return result

    return recipients


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


def _members_url(deadline: Deadline) -> str:
    try:
        return reverse("bodies:members")
    except NoReverseMatch:
        return "/"


register(
    DeadlineKind(
        code=UNDERTAKING_UNSIGNED,
        label=gettext_lazy("Undertaking not signed"),
        offsets=lambda: settings.UNDERTAKING_REMINDER_OFFSETS,
        recipients=subject_person_and_body_admins(Membership, "user"),
        message=_undertaking_message,
        url=_members_url,
    )
)
