"""The certificate's life cycle through the decisions' one entry point (`decision_record`): a grant issues
it, a proposal for a missed surveillance is decided as a suspension, a reinstatement follows, a surveillance's
decision marks its programme date done; a refusal by the certificate's rules rolls the decision back; two
identical decisions at once — exactly one wins."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from certification.models import Certificate, Decision, ProgrammeDue, Proposal
from certification.services.decisions import decision_record
from certification.services.proposals import proposals_sweep
from core.errors import TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from tests.factories import BodyFactory, ms_engagement_kwargs, review_setup

pytestmark = pytest.mark.django_db


def granted() -> tuple[Certificate, object]:
    body = BodyFactory()
    s = review_setup(status="awaiting_decision", body=body, **ms_engagement_kwargs(body, "stage_2"))
    decision = decision_record(
        kind="grant", actor=s.decider, rationale="Requirements met.", engagement=s.engagement
    )
    assert decision.certificate is not None
    return decision.certificate, s.decider


def test_a_grant_then_a_proposed_suspension_decided_then_a_reinstatement():
    certificate, decider = granted()
    today = timezone.localdate()
    assert (certificate.status, certificate.version, certificate.cycle_started_on) == ("valid", 1, today)
    assert ProgrammeDue.objects.filter(certificate=certificate).count() == 3
    # the first surveillance is missed: the platform proposes, nothing is suspended
    first_due = ProgrammeDue.objects.get(certificate=certificate, kind="surveillance", sequence=1)
    assert proposals_sweep(today=first_due.due_on + timedelta(days=1)) == 1
    proposal = Proposal.objects.get(certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    # a decision maker decides it
    decision_record(kind="suspend", actor=decider, rationale="Surveillance not held.", proposal=proposal)
    certificate.refresh_from_db()
    proposal.refresh_from_db()
    assert (certificate.status, certificate.suspended_on, certificate.version) == ("suspended", today, 2)
    assert proposal.status == "decided"
    # and reinstates it
    decision_record(kind="reinstate", actor=decider, rationale="Surveillance held.", certificate=certificate)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.suspended_on, certificate.version) == ("valid", None, 3)
    assert list(
        AuditEvent.objects.filter(object_id=str(certificate.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == [
        "certification.certificate.issued",
        "certification.certificate.suspended",
        "certification.certificate.reinstated",
    ]


def test_a_refusal_by_the_certificates_rules_rolls_the_decision_back():
    certificate, decider = granted()
    decisions = Decision.objects.count()
    with pytest.raises(TransitionNotAllowed):
        decision_record(
            kind="reinstate", actor=decider, rationale="Nothing to reinstate.", certificate=certificate
        )
    assert Decision.objects.count() == decisions
    certificate.refresh_from_db()
    assert (certificate.status, certificate.version) == ("valid", 1)


def test_maintaining_after_a_surveillance_marks_its_programme_date_done():
    certificate, _decider = granted()
    s = review_setup(
        status="awaiting_decision",
        body=certificate.body,
        **ms_engagement_kwargs(certificate.body, "surveillance", client=certificate.client),
    )
    decision_record(
        kind="maintain", actor=s.decider, rationale="Surveillance passed.", engagement=s.engagement
    )
    first = ProgrammeDue.objects.get(certificate=certificate, kind="surveillance", sequence=1)
    assert (first.status, first.engagement_id) == ("done", s.engagement.pk)
    certificate.refresh_from_db()
    assert certificate.version == 1


def test_a_recertification_after_expiry_is_refused_and_nothing_is_written():
    certificate, _decider = granted()
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1),
        cycle_started_on=timezone.localdate() - timedelta(days=5),
    )
    s = review_setup(
        status="awaiting_decision",
        body=certificate.body,
        **ms_engagement_kwargs(certificate.body, "recertification", client=certificate.client),
    )
    with pytest.raises(ValidationError):
        decision_record(kind="recertify", actor=s.decider, rationale="Late.", engagement=s.engagement)
    s.engagement.refresh_from_db()
    assert s.engagement.status == "awaiting_decision"
    certificate.refresh_from_db()
    assert (certificate.cycle, certificate.version) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_two_suspensions_at_once_exactly_one_wins():
    certificate, decider = granted()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def suspend() -> None:
        try:
            barrier.wait(timeout=10)
            decision_record(kind="suspend", actor=decider, rationale="At once.", certificate=certificate)
            outcomes.append("won")
        except (TransitionNotAllowed, ValidationError):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=suspend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "won"]
    certificate.refresh_from_db()
    assert (certificate.status, certificate.version) == ("suspended", 2)
    assert Decision.objects.filter(kind="suspend").count() == 1
    assert AuditEvent.objects.filter(action="certification.certificate.suspended").count() == 1
