"""The three-year certification programme (ISO/IEC 17021-1 9.1.2.2, 9.6.3; DOMAIN.md "Engagements"): the date
rules as pure functions, the due dates a certification decision generates, and their tracking (an engagement
planned from a due date, the due date done when its decision is recorded).

The rules as designed here, for a cycle whose decision (the grant or the recertification) is on day D and whose
certificate is valid until E (its `expires_on`, the last valid day):

- **Expiry** (`expiry_for`): the day before the CERTIFICATE_VALIDITY_YEARS-th anniversary of D, never later than
  the anniversary. A decision on 29 February has its anniversary on 1 March in a common year, so it expires on
  28 February. A recertification decided on or before E continues from E (E + the validity years, clamped to the
  month's last day), which keeps the cycles on the same day of the year.
- **Surveillances** (`programme_dates`): the first no later than 12 months after D (D + 12 months; a 29 February
  decision is due on 28 February); each next one no later than 12 months after the previous due date. Each
  window opens on the cycle start (the first) or the day after the previous due date. There are at least two
  surveillances (ISO/IEC 17021-1 9.1.1: the second and third years), and more while a due date would still fall
  in a calendar year before the recertification year (the calendar year of E), so no calendar year outside the
  recertification year is left without one when each surveillance is held in the calendar year of its due date.
  A decision on 1 January expires on 31 December two years later: its second surveillance falls in the
  recertification year; a decision on 31 December has its surveillances due on 31 December of the next two years.
- **Recertification**: decided no later than E, its window opening the day after the last surveillance's due.
- **Restore** (`restore_deadline`): an expired certificate may be restored until E + RESTORE_AFTER_EXPIRY_MONTHS
  months (clamped to the month's last day): that day is the last allowed, the next is the first refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeAlias

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record, snapshot
from core.errors import TransitionNotAllowed
from core.types import Actor, ActorOrSystem

from ..error_codes import CertificationErrorCode
from ..models import Certificate, DueKind, DueStatus, ProgrammeDue

#: audits.Engagement (capabilities do not import each other's models)
Engagement: TypeAlias = Any

#: the number of surveillances a cycle always has (the second and third years of the cycle)
MIN_SURVEILLANCES = 2
#: the due dates still to be acted on (an engagement may be created from them; they may be missed)
OPEN_DUE_STATUSES = (DueStatus.DUE, DueStatus.PLANNED)
#: deadline kinds (declared in certification/deadlines.py)
SURVEILLANCE_DUE = "certification.surveillance_due"
RECERTIFICATION_DUE = "certification.recertification_due"


# --- the date rules (pure) ---------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the last day of a shorter month (31 Jan + 1 month = 28/29 Feb)."""
    return day + relativedelta(months=months)


def anniversary(day: date, years: int) -> date:
    """The `years`-th anniversary of `day`; the anniversary of 29 February in a common year is 1 March."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return date(day.year + years, 3, 1)


def expiry_for(decided_on: date) -> date:
    """The last day a certificate decided on `decided_on` is valid: the day before the validity anniversary."""
    return anniversary(decided_on, settings.CERTIFICATE_VALIDITY_YEARS) - timedelta(days=1)


def recertified_expiry(old_expires_on: date) -> date:
    """A recertification decided in time continues from the old expiry: the validity years after it (a 29 February
    expiry moves to 28 February in a common year, never past the anniversary)."""
    return add_months(old_expires_on, 12 * settings.CERTIFICATE_VALIDITY_YEARS)


def restore_deadline(expires_on: date) -> date:
    """The last day a certificate that expired after `expires_on` may be restored."""
    return add_months(expires_on, settings.RESTORE_AFTER_EXPIRY_MONTHS)


@dataclass(frozen=True)
class ProgrammeDate:
    """One due date of a cycle, as the rules give it."""

    kind: str
    sequence: int
    window_from: date
    due_on: date


def programme_dates(cycle_started_on: date, expires_on: date) -> list[ProgrammeDate]:
    """The cycle's surveillances and its recertification (see the module's docstring for the rule)."""
    dates: list[ProgrammeDate] = []
    window_from = cycle_started_on
    sequence = 1
    while True:
        due_on = add_months(cycle_started_on, 12 * sequence)
        needed = sequence <= MIN_SURVEILLANCES or due_on.year < expires_on.year
        if not needed or due_on >= expires_on:
            break
        dates.append(ProgrammeDate(DueKind.SURVEILLANCE, sequence, window_from, due_on))
        window_from = due_on + timedelta(days=1)
        sequence += 1
    dates.append(ProgrammeDate(DueKind.RECERTIFICATION, 1, min(window_from, expires_on), expires_on))
    return dates


# --- tracking ----------------------------------------------------------------------------------------------------


def _deadline_kind(due: ProgrammeDue) -> str:
    return SURVEILLANCE_DUE if due.kind == DueKind.SURVEILLANCE else RECERTIFICATION_DUE


def programme_generate(*, certificate: Certificate, cycle: int) -> list[ProgrammeDue]:
    """Writes the cycle's due dates (inside the caller's transaction: the decision that started the cycle) and
    starts watching each one. Earlier cycles' open dates are no longer due. Idempotent for one cycle."""
    from reminders.services import deadline_close, deadline_upsert

    earlier = list(
        ProgrammeDue.objects.filter(
            certificate=certificate, cycle__lt=cycle, status__in=OPEN_DUE_STATUSES
        ).select_for_update()
    )
    for due in earlier:
        due.status = DueStatus.CANCELLED
        due.save(update_fields=["status", "updated_at"])
        deadline_close(kind=_deadline_kind(due), subject=due)
    created = []
    for item in programme_dates(certificate.cycle_started_on, certificate.expires_on):
        due, _new = ProgrammeDue.objects.get_or_create(
            certificate=certificate,
            cycle=cycle,
            kind=item.kind,
            sequence=item.sequence,
            defaults={"body": certificate.body, "window_from": item.window_from, "due_on": item.due_on},
        )
        if due.status in OPEN_DUE_STATUSES:
            deadline_upsert(kind=_deadline_kind(due), subject=due, body=certificate.body, due_on=due.due_on)
        created.append(due)
    return created


def programme_close_open(*, certificate: Certificate) -> int:
    """The certificate no longer certifies (withdrawn): its open due dates are no longer due."""
    from reminders.services import deadline_close

    dues = list(
        ProgrammeDue.objects.filter(certificate=certificate, status__in=OPEN_DUE_STATUSES).select_for_update()
    )
    for due in dues:
        due.status = DueStatus.CANCELLED
        due.save(update_fields=["status", "updated_at"])
        deadline_close(kind=_deadline_kind(due), subject=due)
    return len(dues)


def _engagement_kind(due: ProgrammeDue) -> str:
    return "surveillance" if due.kind == DueKind.SURVEILLANCE else "recertification"


def programme_engagement_create(
    *, due: ProgrammeDue, actor: Actor, fields: dict[str, Any] | None = None
) -> Engagement:
    """A planner creates the engagement that covers a due date: a surveillance or recertification audit of the
    certificate's client, standard, sector, scope and sites (the planner's `fields` win: dates, mode, sites...);
    the due date becomes planned. Only a due date that is due (not planned — unless its engagement was cancelled —
    done or no longer due); one at a time (the row lock)."""
    from audits.services import engagement_create

    with transaction.atomic():
        locked = (
            ProgrammeDue.objects.select_for_update(of=("self",))
            .select_related("certificate__engagement", "body", "engagement")
            .get(pk=due.pk)
        )
        # a date planned with an engagement that was then cancelled is due again
        replanning = (
            locked.status == DueStatus.PLANNED
            and locked.engagement is not None
            and locked.engagement.status == "cancelled"  # audits' EngagementStatus.CANCELLED
        )
        if locked.status != DueStatus.DUE and not replanning:
            raise TransitionNotAllowed(
                _("A programme date that is %(status)s cannot be planned again.")
                % {"status": locked.get_status_display().lower()},
                current=locked.status,
                code=CertificationErrorCode.DUE_NOT_OPEN,
            )
        certificate = locked.certificate
        if certificate.status not in (
            Certificate.Status.VALID,
            Certificate.Status.SCOPE_REDUCED,
            Certificate.Status.SUSPENDED,
            Certificate.Status.EXPIRED,
        ):
            raise TransitionNotAllowed(
                _("The certificate is %(status)s: nothing more is planned for it.")
                % {"status": certificate.get_status_display().lower()},
                current=certificate.status,
                code=CertificationErrorCode.CERTIFICATE_STATE,
            )
        given = dict(fields or {})
        planned_start = given.get("planned_start") or max(locked.window_from, _today(locked))
        values: dict[str, Any] = {
            "kind": _engagement_kind(locked),
            "client": certificate.client,
            "activity": certificate.engagement.activity,
            "standard": certificate.standard,
            "sector": certificate.sector,
            "scope": certificate.scope,
            "sites": list(certificate.sites.all()),
            "planned_start": planned_start,
            "planned_end": given.get("planned_end") or planned_start,
        }
        values.update(given)
        engagement = engagement_create(body=locked.body, actor=actor, fields=values)
        before = snapshot(locked, ["status", "engagement"])
        locked.status = DueStatus.PLANNED
        locked.engagement = engagement
        locked.save(update_fields=["status", "engagement", "updated_at"])
        audit_record(
            actor=actor,
            action="certification.programme_due.planned",
            obj=locked,
            body=locked.body,
            before=before,
            after=snapshot(locked, ["status", "engagement"]),
        )
    return engagement


def _today(due: ProgrammeDue) -> date:
    from core.dates import today_in

    return today_in(due.body.time_zone)


def programme_due_done(
    *, certificate: Certificate, kind: str, engagement: Engagement | None, actor: ActorOrSystem
) -> ProgrammeDue | None:
    """The decision on a surveillance (maintain) or a recertification is recorded: the due date the engagement
    covers is done, or else the earliest open one of that kind in the current cycle. Inside the decision's
    transaction; None when nothing is open (an extra surveillance)."""
    from reminders.services import deadline_close

    open_dues = ProgrammeDue.objects.select_for_update().filter(
        certificate=certificate, kind=kind, status__in=OPEN_DUE_STATUSES
    )
    due = None
    if engagement is not None:
        due = open_dues.filter(engagement=engagement).first()
    if due is None:
        due = open_dues.filter(cycle=certificate.cycle).order_by("due_on", "sequence").first()
    if due is None:
        return None
    before = snapshot(due, ["status", "engagement"])
    due.status = DueStatus.DONE
    if engagement is not None and due.engagement_id is None:
        due.engagement = engagement
    due.save(update_fields=["status", "engagement", "updated_at"])
    deadline_close(kind=_deadline_kind(due), subject=due)
    audit_record(
        actor=actor,
        action="certification.programme_due.done",
        obj=due,
        body=certificate.body,
        before=before,
        after=snapshot(due, ["status", "engagement"]),
    )
    return due
