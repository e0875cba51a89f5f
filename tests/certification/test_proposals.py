"""The platform proposes, people decide (certification.services.proposals): a missed surveillance proposes a
suspension, an ageing suspension a withdrawal or scope reduction — once each, to the decision makers — and nothing
is suspended or withdrawn by the platform."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from certification.models import Certificate, ProgrammeDue, Proposal
from certification.services.programme import programme_generate
from certification.services.proposals import proposal_dismiss, proposals_sweep, suspension_proposal_on
from core.errors import TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from reminders.models import Notification
from tests.factories import CertificateFactory, MembershipFactory, ProposalFactory, Role


@pytest.fixture
def certified(db):  # type: ignore[no-untyped-def]
    """A certificate decided on 15 March 2026, its programme generated, with a decision maker and an admin."""
    certificate = CertificateFactory(initial_certification_on=date(2026, 3, 15))
    programme_generate(certificate=certificate, cycle=1)
    decider = MembershipFactory(body=certificate.body, roles=[Role.DECISION_MAKER]).user
    admin = MembershipFactory(body=certificate.body, roles=[Role.BODY_ADMIN]).user
    return certificate, decider, admin


def test_a_surveillance_is_missed_only_after_its_due_date(certified):
    certificate, decider, _admin = certified
    # the due date (15 March 2027) itself: not missed
    assert proposals_sweep(today=date(2027, 3, 15)) == 0
    assert Proposal.objects.count() == 0
    # the day after: a suspension is proposed, to the decision makers
    assert proposals_sweep(today=date(2027, 3, 16)) == 1
    proposal = Proposal.objects.get()
    due = ProgrammeDue.objects.get(certificate=certificate, kind="surveillance", sequence=1)
    assert (proposal.kind, proposal.status, proposal.due_id) == ("suspend", "open", due.pk)
    assert "15 Mar 2027" in proposal.reason
    assert list(
        Notification.objects.filter(kind="certification.proposal.created").values_list("user", flat=True)
    ) == [decider.pk]
    assert AuditEvent.objects.filter(action="certification.proposal.created", actor__isnull=True).count() == 1
    # nothing is suspended by the platform
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_a_planned_but_undecided_surveillance_is_missed_too(certified):
    certificate, _decider, _admin = certified
    ProgrammeDue.objects.filter(certificate=certificate, sequence=1, kind="surveillance").update(
        status="planned"
    )
    assert proposals_sweep(today=date(2027, 3, 16)) == 1


def test_a_done_surveillance_is_not_missed(certified):
    certificate, _decider, _admin = certified
    ProgrammeDue.objects.filter(certificate=certificate, sequence=1, kind="surveillance").update(
        status="done"
    )
    assert proposals_sweep(today=date(2027, 6, 1)) == 0


def test_each_missed_date_is_proposed_once_even_after_a_dismissal(certified):
    _certificate, decider, _admin = certified
    assert proposals_sweep(today=date(2027, 3, 16)) == 1
    assert proposals_sweep(today=date(2027, 3, 17)) == 0
    proposal = Proposal.objects.get()
    proposal_dismiss(proposal=proposal, actor=decider, reason="The audit is booked for next week.")
    assert proposals_sweep(today=date(2027, 3, 18)) == 0
    proposal.refresh_from_db()
    assert (proposal.status, proposal.closed_by, proposal.status_reason) == (
        "dismissed",
        decider,
        "The audit is booked for next week.",
    )
    assert Proposal.objects.count() == 1


def test_a_second_missed_surveillance_waits_while_a_suspension_proposal_is_open(certified):
    _certificate, _decider, _admin = certified
    assert proposals_sweep(today=date(2028, 3, 16)) == 1  # both surveillances missed: one open proposal
    assert Proposal.objects.filter(status="open", kind="suspend").count() == 1


def test_a_suspension_nearing_its_limit_proposes_withdrawal_or_reduction(certified):
    certificate, _decider, _admin = certified
    Certificate.objects.filter(pk=certificate.pk).update(status="suspended", suspended_on=date(2026, 7, 1))
    # six months (1 January 2027) minus 30 days: 2 December 2026
    assert suspension_proposal_on(date(2026, 7, 1)) == date(2026, 12, 2)
    assert proposals_sweep(today=date(2026, 12, 1)) == 0
    assert proposals_sweep(today=date(2026, 12, 2)) == 1
    assert proposals_sweep(today=date(2026, 12, 3)) == 0
    proposal = Proposal.objects.get()
    assert proposal.kind == "withdraw_or_reduce"
    certificate.refresh_from_db()
    assert certificate.status == "suspended"  # nothing withdrawn by the platform


def test_only_a_decision_maker_dismisses_and_only_an_open_proposal(certified):
    certificate, decider, admin = certified
    proposal = ProposalFactory(certificate=certificate)
    with pytest.raises(PermissionDenied):
        proposal_dismiss(proposal=proposal, actor=admin, reason="No.")
    proposal.refresh_from_db()
    assert proposal.status == "open"
    with pytest.raises(ValidationError):
        proposal_dismiss(proposal=proposal, actor=decider, reason="  ")
    proposal_dismiss(proposal=proposal, actor=decider, reason="Held late with the client's agreement.")
    with pytest.raises(TransitionNotAllowed):
        proposal_dismiss(proposal=proposal, actor=decider, reason="Again.")
    assert AuditEvent.objects.filter(action="certification.proposal.dismissed").count() == 1
