"""Building blocks every capability's deadline and notice kinds share: whom to remind or tell (resolved for a
whole batch with a constant number of queries) and how many days are left. Part of the reminders engine; it
reads only the kernel's accounts and memberships."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from bodies.models.tenants import Membership, Role

if TYPE_CHECKING:
    from .models import Deadline
    from .notices import Notice


# --- notices (reminders.notices): one query each ---------------------------------------------------------------


def registry_staff(notice: Notice) -> list[Any]:
    """ICR's registry staff: every active account marked as staff."""
    return list(get_user_model().objects.filter(is_active=True, is_staff=True).order_by("email"))


def body_administrators(notice: Notice) -> list[Any]:
    """The notice's body's active administrators (active membership with the role, active account)."""
    if notice.body is None:
        return []
    memberships = (
        Membership.objects.active()
        .filter(body_id=notice.body.pk, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    return [membership.user for membership in memberships if Role.BODY_ADMIN in membership.roles]


# --- deadlines ---------------------------------------------------------------------------------------------------


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


def subject_person_and_body_admins(
    model: Any, person_field: str
) -> Callable[[list[Deadline]], dict[UUID, list[Any]]]:
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


def expiry_message_values(deadline: Deadline) -> dict[str, Any]:
    """The placeholders of an expiry reminder's text: the subject's `name` (or that it is gone), the `due` date
    (the first day no longer covered), the `last_day` still covered and the `days` left or past; the dates in
    the active language's format (the sweep renders each text in its recipient's language)."""
    subject = deadline.subject
    return {
        "name": str(subject) if subject is not None else _("(no longer on record)"),
        "due": formats.date_format(deadline.due_on, "DATE_FORMAT"),
        "last_day": formats.date_format(deadline.due_on - timedelta(days=1), "DATE_FORMAT"),
        "days": abs(days_to_due(deadline)),
    }
