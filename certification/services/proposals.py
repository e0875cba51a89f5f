"""The platform proposes, people decide (DOMAIN.md: "A missed surveillance leads to a proposed suspension"; a
suspension nearing its limit leads to a proposed withdrawal or scope reduction). The daily sweep writes proposals
and tells the body's decision makers; a decision maker decides one through `decision_record(proposal=...)` or
dismisses it with a reason. Nothing here changes a certificate.

- **Missed surveillance**: a surveillance not decided (its programme date neither done nor no longer due) by
  its due date, i.e. on any day after `due_on` in the body's time zone, of a certificate that still certifies.
  One proposal per missed date, ever: a dismissed one is not proposed again for the same date.
- **Suspension ageing**: a certificate suspended on S, from S + SUSPENSION_MAX_MONTHS months − PROPOSAL_LEAD_DAYS
  days. One proposal per suspension (none proposed since S).
At most one open proposal of a kind per certificate (the database's partial unique constraint).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.dates import today_in
from core.error_codes import CoreErrorCode
from core.errors import PermissionDenied
from core.transitions import transition
from core.types import Actor

from ..models import CERTIFYING, Certificate, DueKind, DueStatus, ProgrammeDue, Proposal, ProposalKind
from ..permissions import can_decide
from .programme import add_months


def suspension_proposal_on(suspended_on: date) -> date:
    """The day a withdrawal or scope reduction is proposed for a suspension that started on `suspended_on`."""
    return add_months(suspended_on, settings.SUSPENSION_MAX_MONTHS) - timedelta(
        days=settings.PROPOSAL_LEAD_DAYS
    )


def _local_today(zone: str, today: date | None, cache: dict[str, date]) -> date:
    if today is not None:
        return today
    if zone not in cache:
        cache[zone] = today_in(zone)
    return cache[zone]


def proposals_sweep(today: date | None = None) -> int:
    """Writes the proposals due today (each body's today in its time zone; `today` for tests) and tells the
    body's decision makers; returns how many were written. Safe to run twice or at once (row lock on the
    certificate, the existence checks and the unique constraint)."""
    horizon = today or (timezone.now().date() + timedelta(days=1))
    zones: dict[str, date] = {}
    created = 0
    missed = (
        ProgrammeDue.objects.filter(
            kind=DueKind.SURVEILLANCE,
            status__in=(DueStatus.DUE, DueStatus.PLANNED),
            due_on__lt=horizon,
            certificate__status__in=list(CERTIFYING),
        )
        .exclude(proposals__kind=ProposalKind.SUSPEND)
        .select_related("certificate__body")
        .order_by("due_on", "pk")
    )
    for due in missed:
        if due.due_on < _local_today(due.certificate.body.time_zone, today, zones):
            created += _propose_suspension(due)
    lead = timedelta(days=settings.PROPOSAL_LEAD_DAYS)
    # a cheap pre-filter (the months are added exactly per certificate below)
    latest_start = horizon - timedelta(days=31 * settings.SUSPENSION_MAX_MONTHS) + lead + timedelta(days=31)
    suspended = (
        Certificate.objects.filter(status=Certificate.Status.SUSPENDED, suspended_on__lte=latest_start)
        .select_related("body")
        .order_by("suspended_on", "pk")
    )
    for certificate in suspended:
        assert certificate.suspended_on is not None
        if suspension_proposal_on(certificate.suspended_on) <= _local_today(
            certificate.body.time_zone, today, zones
        ):
            created += _propose_withdrawal(certificate)
    return created


def _create(certificate: Certificate, *, kind: str, reason: str, due: ProgrammeDue | None = None) -> int:
    from reminders.notices import notify

    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                body=certificate.body, certificate=certificate, kind=kind, reason=reason, due=due
            )
    except IntegrityError:  # an open proposal of this kind already waits (the partial unique constraint)
        return 0
    audit_record(
        actor=None,
        action="certification.proposal.created",
        obj=proposal,
        body=certificate.body,
        after={
            "kind": kind,
            "status": proposal.status,
            "reason": reason,
            "due": str(due.pk) if due else None,
        },
    )
    notify(
        kind="certification.proposal.created",
        subject=proposal,
        body=certificate.body,
        reason=reason,
        key=f"proposal:{proposal.pk}",
    )
    return 1


def _propose_suspension(due: ProgrammeDue) -> int:
    from django.utils import formats

    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("body")
            .get(pk=due.certificate_id)
        )
        fresh = ProgrammeDue.objects.get(pk=due.pk)
        if (
            certificate.status not in CERTIFYING
            or fresh.status not in (DueStatus.DUE, DueStatus.PLANNED)
            or Proposal.objects.filter(due=fresh, kind=ProposalKind.SUSPEND).exists()
        ):
            return 0
        reason = _(
            "Surveillance %(sequence)s of cycle %(cycle)s was due no later than %(due)s and is not decided."
        ) % {
            "sequence": fresh.sequence,
            "cycle": fresh.cycle,
            "due": formats.date_format(fresh.due_on, "DATE_FORMAT"),
        }
        return _create(certificate, kind=ProposalKind.SUSPEND, reason=reason, due=fresh)


def _propose_withdrawal(certificate: Certificate) -> int:
    from django.utils import formats

    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",)).select_related("body").get(pk=certificate.pk)
        )
        if locked.status != Certificate.Status.SUSPENDED or locked.suspended_on is None:
            return 0
        if Proposal.objects.filter(
            certificate=locked,
            kind=ProposalKind.WITHDRAW_OR_REDUCE,
            created_at__date__gte=locked.suspended_on,
        ).exists():
            return 0
        limit = add_months(locked.suspended_on, settings.SUSPENSION_MAX_MONTHS)
        reason = _(
            "Suspended since %(since)s; a suspension normally lasts at most %(months)s months (until %(limit)s)."
        ) % {
            "since": formats.date_format(locked.suspended_on, "DATE_FORMAT"),
            "months": settings.SUSPENSION_MAX_MONTHS,
            "limit": formats.date_format(limit, "DATE_FORMAT"),
        }
        return _create(locked, kind=ProposalKind.WITHDRAW_OR_REDUCE, reason=reason)


def proposal_dismiss(*, proposal: Proposal, actor: Actor, reason: str) -> Proposal:
    """A decision maker of the body dismisses an open proposal, saying why (nothing changes on the
    certificate)."""
    if not can_decide(actor, proposal.body):
        raise PermissionDenied(
            _("Only a decision maker of the body may dismiss a proposal."),
            code=CoreErrorCode.PERMISSION_DENIED,
        )

    def closed_by(locked: Proposal) -> list[str]:
        locked.closed_by = actor
        return ["closed_by"]

    return transition(proposal, action="dismiss", actor=actor, reason=reason, apply=closed_by)
