"""The demo data completes issue 10 from a fresh database: reviews in rounds, decisions by a decision maker who
was neither on the team nor the reviewer, certificates valid, suspended, withdrawn, expired, recertified and
restored, a programme with due and overdue dates and an open proposal, a verification statement with its quantity
per vintage, numbering patterns, the PDFs ready, and webhook deliveries in the log — all through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import timezone

from audits.models import Engagement
from certification.models import (
    Certificate,
    CertificateVersion,
    Decision,
    Numbering,
    ProgrammeDue,
    Proposal,
    Review,
    Statement,
)
from certification.services.programme import expiry_for, recertified_expiry, restore_deadline
from core.models import AuditEvent
from documents.models import Document
from webhooks.models import WebhookDelivery, WebhookSubscription

BALTIC = "Baltic MSC"
NORDIC = "Nordic CV"

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(seeded_demo: None) -> None:
    """The demo, seeded once for this module (`tests/demo/conftest.py`); each test reads it in a savepoint."""


def _certificate(client: str) -> Certificate:
    return Certificate.objects.select_related("client", "body").get(client__legal_name=client)


def test_the_demo_has_certificates_in_every_state(demo: None) -> None:
    today = timezone.localdate()
    baltic = Certificate.objects.filter(body__short_name=BALTIC)
    assert sorted(baltic.values_list("status", flat=True)) == sorted(
        ["valid", "valid", "valid", "valid", "suspended", "withdrawn", "expired"]
    )
    # numbered by the body's own pattern
    assert (
        Numbering.objects.get(body__short_name=BALTIC, kind="certificate").pattern == "BMSC-{year}-{seq:04d}"
    )
    assert all(number.startswith("BMSC-") for number in baltic.values_list("number", flat=True))

    # valid: granted after a stage 2, its first surveillance due (not yet overdue)
    valid = _certificate("Tartu Masinaehitus AS")
    assert (valid.status, valid.cycle, valid.engagement.kind) == ("valid", 1, "stage_2")
    assert valid.expires_on == expiry_for(valid.issued_on)
    first = ProgrammeDue.objects.get(certificate=valid, kind="surveillance", sequence=1)
    assert first.status == "due" and first.due_on > today

    # suspended on the proposal its missed surveillance raised
    suspended = _certificate("Pärnu Teraskonstruktsioonid OÜ")
    assert (suspended.status, suspended.suspended_on) == ("suspended", today)
    proposal = Proposal.objects.get(certificate=suspended, kind="suspend")
    assert proposal.status == "decided"
    assert proposal.decision.kind == "suspend"
    assert proposal.due.status == "due" and proposal.due.due_on < today  # overdue on the programme

    # an open proposal waits for a decision maker: the missed surveillance is overdue
    waiting = _certificate("Liepājas Metālapstrāde SIA")
    assert waiting.status == "valid"
    open_proposal = Proposal.objects.get(certificate=waiting)
    assert (open_proposal.kind, open_proposal.status) == ("suspend", "open")
    assert open_proposal.due.due_on < today
    # the planner made the late surveillance from the programme; its report is back with the team
    late = open_proposal.due.engagement
    assert (open_proposal.due.status, late.kind, late.status) == ("planned", "surveillance", "under_review")
    assert late.review.status == "returned"
    assert [(c.round, c.answer) for c in late.review.comments.all()] == [(1, "")]

    # withdrawn by a decision on the certificate alone; nothing more is due
    withdrawn = _certificate("Narva Soojus AS")
    assert withdrawn.status == "withdrawn"
    assert withdrawn.decisions.filter(kind="withdraw", engagement__isnull=True).count() == 1
    assert not ProgrammeDue.objects.filter(certificate=withdrawn, status__in=["due", "planned"]).exists()

    # expired by the sweep (the platform), the day after its last valid day
    expired = _certificate("Kuressaare Sadamatehnika OÜ")
    assert expired.status == "expired" and expired.expires_on < today
    assert expired.engagement.kind == "transfer"
    # its surveillances were held from the programme and maintained; it was not recertified, so only its
    # recertification date is left open (a restore is possible for six months)
    surveillances = ProgrammeDue.objects.filter(certificate=expired, kind="surveillance")
    assert surveillances.count() >= 2
    for due in surveillances.select_related("engagement"):
        assert (due.status, due.engagement.kind, due.engagement.status) == ("done", "surveillance", "closed")
        maintained = expired.decisions.get(engagement=due.engagement)
        assert maintained.kind == "maintain" and maintained.decided_on <= due.due_on
    open_dates = ProgrammeDue.objects.filter(certificate=expired, status__in=["due", "planned"])
    assert list(open_dates.values_list("kind", flat=True)) == ["recertification"]
    assert AuditEvent.objects.filter(
        action="certification.certificate.expired", object_id=str(expired.pk), actor__isnull=True
    ).exists()

    # recertified in time: cycle 2, continuing from the old expiry, a new version
    recertified = _certificate("Valmieras Stikla Apstrāde SIA")
    old_expiry = expiry_for(recertified.initial_certification_on)
    assert old_expiry > today
    assert (recertified.status, recertified.cycle, recertified.version) == ("valid", 2, 2)
    assert recertified.expires_on == recertified_expiry(old_expiry)
    assert recertified.decisions.get(kind="recertify").engagement.kind == "recertification"
    assert ProgrammeDue.objects.filter(certificate=recertified, cycle=2, status="due").exists()

    # restored within six months of its expiry, the days without validity recorded
    restored = _certificate("Jõhvi Katlamaja AS")
    lapsed = expiry_for(restored.initial_certification_on)
    assert (restored.status, restored.cycle) == ("valid", 2)
    assert restored.gap_from == lapsed + timedelta(days=1)
    assert restored.gap_to is not None and restored.gap_to < today
    assert restored.decisions.get(kind="restore").decided_on <= restore_deadline(lapsed)

    # every version kept: the earlier ones superseded
    for certificate in (suspended, withdrawn, recertified, restored):
        versions = list(CertificateVersion.objects.filter(certificate=certificate).order_by("version"))
        assert [v.version for v in versions] == list(range(1, certificate.version + 1))
        assert {v.status for v in versions[:-1]} <= {"superseded"}

    _decisions_are_independent()


def _decisions_are_independent() -> None:
    """Every decision by a decision maker neither on the team nor the reviewer, after a completed review."""
    decisions = list(
        Decision.objects.select_related("decided_by__user", "engagement__reviewer").prefetch_related(
            "engagement__team__membership"
        )
    )
    assert {d.kind for d in decisions} >= {
        "grant",
        "maintain",
        "recertify",
        "restore",
        "suspend",
        "withdraw",
        "positive_opinion",
    }
    for decision in decisions:
        assert decision.rationale
        assert "decision_maker" in decision.decided_by.roles
        engagement = decision.engagement or decision.certificate.engagement
        team = {m.membership.user_id for m in engagement.team.all()}
        assert decision.decided_by.user_id not in team
        assert engagement.reviewer is not None and engagement.reviewer.user_id != decision.decided_by.user_id
    # the decided audits went through a completed review, one of them in a round the team answered
    assert not Engagement.objects.filter(decisions__isnull=False).exclude(review__status="completed").exists()
    rounds = Review.objects.filter(round__gt=1)
    assert rounds.count() == 2
    for review in rounds:
        comments = list(review.comments.all())
        assert comments and all(c.answer and c.resolved and c.round == 1 for c in comments)


def test_the_demo_has_a_statement_the_pdfs_and_webhook_deliveries(demo: None) -> None:
    # a verification statement with its quantity per vintage, numbered by the body's pattern
    statement = Statement.objects.select_related("engagement").get(body__short_name=NORDIC)
    assert statement.number.startswith("NCV-VS-")
    assert (statement.opinion, statement.level_of_assurance) == ("positive_opinion", "limited")
    assert statement.engagement.kind == "validation_verification"
    assert statement.engagement.status == "decided"
    vintage = statement.quantities.get()
    assert vintage.vintage == statement.monitoring_period_end.year
    assert vintage.reductions > 0

    # the PDFs of a certificate and the statement ready
    documents = {d.kind: d for d in Document.objects.filter(kind__startswith="certification.")}
    assert set(documents) == {"certification.certificate", "certification.statement"}
    assert {d.status for d in documents.values()} == {"ready"}
    assert all(len(d.sha256) == 64 for d in documents.values())

    # webhook deliveries in the log
    subscriptions = {s.body.short_name: s for s in WebhookSubscription.objects.select_related("body")}
    assert set(subscriptions) == {BALTIC, NORDIC}
    deliveries = WebhookDelivery.objects.select_related("event")
    events = set(deliveries.values_list("event__event", flat=True))
    assert {
        "webhook.ping",
        "certificate.issued",
        "certificate.suspended",
        "certificate.withdrawn",
        "certificate.expired",
    } <= events
    assert {"decision.made", "engagement.status_changed"} <= events
    # nothing listens on the demo's receiver: each attempt failed at once, recorded with its error, and waits
    # for its retry
    assert set(deliveries.values_list("status", flat=True)) == {"failed"}
    for delivery in deliveries:
        assert delivery.attempts == 1
        assert delivery.last_response_code is None and delivery.last_error
        assert delivery.next_attempt_at > delivery.last_attempt_at

    # and the administrator's delivery log lists them
    browser = WebClient(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(subscriptions[BALTIC].created_by)
    page = browser.get(reverse("webhooks:deliveries"))
    assert page.status_code == 200
    assert "Failed, will retry" in page.content.decode()

    # the public verification shows the expired certificate expired and the suspended one suspended
    for client, status in (
        ("Kuressaare Sadamatehnika OÜ", "expired"),
        ("Pärnu Teraskonstruktsioonid OÜ", "suspended"),
        ("Jõhvi Katlamaja AS", "valid"),
    ):
        certificate = _certificate(client)
        page = browser.get(reverse("verify:token", args=[certificate.token]))
        assert page.status_code == 200
        assert f'data-kind="certificate" data-status="{status}"' in page.content.decode()
