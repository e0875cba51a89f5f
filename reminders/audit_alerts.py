"""Registry staff are told when the nightly verification finds the audit trail broken.

The kernel cannot import this engine, so `core.tasks.audit_verify_task` sends the signal `core.audit.chain_broken`
and this module listens. One notification per staff member per distinct set of problems per day: a trail that
stays broken is told again each night (the nightly run is the reminder), a new problem on the same day is told at
once, and running the verification twice on one day tells nobody twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import chain_broken

from .notices import NoticeKind, notify, register
from .recipients import registry_staff

KIND = "core.audit.chain_broken"
#: problems listed in the message; the rest are counted
LISTED = 20


@dataclass(frozen=True)
class AuditTrail:
    """The alert's subject: the audit trail as a whole, named by a digest of the problems found."""

    pk: str

    def __str__(self) -> str:
        return _("the audit trail")


def _trail_url(subject: Any) -> str:
    try:
        return reverse("admin:core_auditevent_changelist")
    except NoReverseMatch:
        return "/"


register(
    NoticeKind(
        key=KIND,
        title=gettext_lazy("The audit trail does not verify"),
        message=gettext_lazy(
            "The nightly verification of the audit trail found %(count)s problem(s):\n%(problems)s\n\n"
            "Audit records may have been changed or deleted outside the platform. Keep the database and the "
            "checkpoint files as they are and follow the operator's procedure for a broken audit chain."
        ),
        audience=registry_staff,
        url=_trail_url,
        label=gettext_lazy("Audit trail broken"),
    )
)


@receiver(chain_broken, dispatch_uid="reminders.audit_alerts.tell_registry_staff")
def tell_registry_staff(sender: Any, *, problems: list[str], **kwargs: Any) -> int:
    """Tells every registry staff member, once per distinct set of problems per day; returns how many."""
    digest = hashlib.sha256("\n".join(sorted(problems)).encode()).hexdigest()[:16]
    listed = "\n".join(f"- {problem}" for problem in problems[:LISTED])
    if len(problems) > LISTED:
        listed += "\n" + _("… and %(count)s more") % {"count": len(problems) - LISTED}
    with transaction.atomic():
        return notify(
            kind=KIND,
            subject=AuditTrail(pk=digest),
            values={"count": len(problems), "problems": listed},
            key=f"{timezone.now().date().isoformat()}:{digest}",
        )
