"""decision_record: who decides (separation of duties), on what (kind, review complete), the findings'
preconditions at their boundaries, the consequence in one transaction, and two identical decisions at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone

from bodies.models.tenants import Role
from certification.models import Decision, Statement
from certification.services.decisions import (
    certificate_decision_kinds,
    decision_kinds_for,
    decision_record,
    finding_failures,
    stage2_limit,
)
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError, error_code
from core.models import AuditEvent
from reminders.models import Notification
from tests.factories import (
    BodyFactory,
    CertificateFactory,
    FindingFactory,
    MembershipFactory,
    StaffFactory,
    TeamMemberFactory,
    ms_engagement_kwargs,
    review_setup,
)

pytestmark = pytest.mark.django_db
QUANTITIES = [{"vintage": 2025, "reductions": "1200.5", "removals": "0"}]


def awaiting(**kwargs):
    return review_setup(status="awaiting_decision", **kwargs)


def stage2(body=None, **extra):
    body = body or BodyFactory()
    return awaiting(body=body, **{**ms_engagement_kwargs(body, "stage_2"), **extra})


def aware(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


def finding(engagement, kind, status, number=None, verified_at=None):
    """A finding of `engagement`; a verified one verified by its lead auditor (at `verified_at`, default now)."""
    extra = {}
    if status == "verified":
        lead = engagement.team.get(role="lead_auditor").membership.user
        extra = {"verified_by": lead, "verified_at": verified_at or timezone.now()}
    if number is not None:
        extra["number"] = number
    return FindingFactory(engagement=engagement, kind=kind, status=status, **extra)


def assert_nothing_written(engagement, status="awaiting_decision"):
    engagement.refresh_from_db()
    assert engagement.status == status
    assert not Decision.objects.exists()
    assert not Statement.objects.exists()
    assert not AuditEvent.objects.filter(action="certification.decision.recorded").exists()


# --- an opinion: the statement issued in the same transaction ---


def test_a_positive_opinion_issues_the_statement():
    s = awaiting()
    # when
    decision = decision_record(
        kind="positive_opinion",
        actor=s.decider,
        rationale="The report supports a positive opinion.",
        engagement=s.engagement,
        quantities=QUANTITIES,
    )
    # then
    s.engagement.refresh_from_db()
    assert s.engagement.status == "decided"
    statement = decision.statement
    assert statement is not None and statement.engagement == s.engagement
    assert statement.opinion == "positive_opinion"
    assert statement.number.endswith(f"-S-{timezone.localdate().year}-00001")
    assert decision.decided_by.user == s.decider
    event = AuditEvent.objects.get(action="certification.decision.recorded")
    assert event.after["kind"] == "positive_opinion" and event.after["statement"] == str(statement.pk)
    told = set(
        Notification.objects.filter(kind="certification.decision.recorded").values_list("user", flat=True)
    )
    assert told == {s.lead.pk, s.auditor.pk}


def test_a_refusal_decides_the_engagement_and_nothing_more():
    s = stage2()
    decision = decision_record(kind="refuse", actor=s.decider, rationale="Major NCs", engagement=s.engagement)
    s.engagement.refresh_from_db()
    assert (s.engagement.status, decision.kind, decision.certificate, decision.statement) == (
        "decided",
        "refuse",
        None,
        None,
    )


def test_a_rationale_is_required_and_a_future_date_refused():
    s = awaiting()
    with pytest.raises(ValidationError) as caught:
        decision_record(
            kind="positive_opinion",
            actor=s.decider,
            rationale="  ",
            engagement=s.engagement,
            decided_on=timezone.localdate() + timedelta(days=1),
            quantities=QUANTITIES,
        )
    assert set(caught.value.message_dict) == {"rationale", "decided_on"}
    assert_nothing_written(s.engagement)


# --- separation of duties and who decides ---


@pytest.mark.parametrize("who", ["lead", "auditor", "reviewer"])
def test_a_decision_maker_on_the_team_or_the_reviewer_is_refused(who):
    s = awaiting()
    user = getattr(s, who)
    membership = user.memberships.get(body=s.engagement.body)
    membership.roles = [*membership.roles, Role.DECISION_MAKER]
    membership.save(update_fields=["roles"])
    from bodies.services import _sync_grants

    _sync_grants(membership)
    with pytest.raises(PermissionDenied) as caught:
        decision_record(
            kind="positive_opinion", actor=user, rationale="r", engagement=s.engagement, quantities=QUANTITIES
        )
    assert caught.value.code == "decider_not_independent"
    assert str(user) in str(caught.value)
    assert_nothing_written(s.engagement)


def test_someone_added_to_the_team_after_the_review_is_refused():
    s = awaiting()
    TeamMemberFactory(engagement=s.engagement, membership=s.decider.memberships.get(), role=Role.AUDITOR)
    with pytest.raises(PermissionDenied) as caught:
        decision_record(
            kind="positive_opinion",
            actor=s.decider,
            rationale="r",
            engagement=s.engagement,
            quantities=QUANTITIES,
        )
    assert caught.value.code == "decider_not_independent"
    assert_nothing_written(s.engagement)


def test_without_the_role_another_bodys_decider_or_staff_are_refused(world):
    s = awaiting()
    other_body_decider = MembershipFactory(body=world.b.body, roles=[Role.DECISION_MAKER]).user
    for actor in (s.planner, other_body_decider, StaffFactory()):
        with pytest.raises(PermissionDenied) as caught:
            decision_record(
                kind="positive_opinion",
                actor=actor,
                rationale="r",
                engagement=s.engagement,
                quantities=QUANTITIES,
            )
        assert caught.value.code == "decider_not_allowed"
    assert_nothing_written(s.engagement)


def test_an_ended_membership_cannot_decide():
    s = awaiting()
    membership = s.decider.memberships.get()
    membership.status = "left"
    membership.save(update_fields=["status"])
    with pytest.raises(PermissionDenied):
        decision_record(
            kind="positive_opinion",
            actor=s.decider,
            rationale="r",
            engagement=s.engagement,
            quantities=QUANTITIES,
        )
    assert_nothing_written(s.engagement)


def test_a_certificate_decision_separates_from_its_latest_engagement():
    # given: a certificate whose initial engagement had the decision maker on its team
    certificate = CertificateFactory()
    decider = MembershipFactory(body=certificate.body, roles=[Role.DECISION_MAKER, Role.AUDITOR])
    TeamMemberFactory(engagement=certificate.engagement, membership=decider)
    # when / then
    with pytest.raises(PermissionDenied) as caught:
        decision_record(kind="suspend", actor=decider.user, rationale="r", certificate=certificate)
    assert caught.value.code == "decider_not_independent"
    assert not Decision.objects.exists()
    certificate.refresh_from_db()
    assert certificate.status == "valid"


# --- the review complete, and the kind applying ---


@pytest.mark.parametrize("status", ["report_drafted", "under_review", "decided"])
def test_no_decision_before_the_review_is_complete(status):
    s = review_setup(status=status)
    with pytest.raises(TransitionNotAllowed) as caught:
        decision_record(
            kind="positive_opinion",
            actor=s.decider,
            rationale="r",
            engagement=s.engagement,
            quantities=QUANTITIES,
        )
    assert caught.value.code == "review_not_complete"
    assert_nothing_written(s.engagement, status=status)


@pytest.mark.parametrize(
    ("engagement_kind", "kind"),
    [
        ("verification", "grant"),
        ("verification", "maintain"),
        ("stage_2", "positive_opinion"),
        ("stage_2", "maintain"),
    ],
)
def test_a_kind_that_does_not_follow_the_engagement_is_refused(engagement_kind, kind):
    s = stage2() if engagement_kind == "stage_2" else awaiting()
    with pytest.raises(ValidationError) as caught:
        decision_record(
            kind=kind, actor=s.decider, rationale="r", engagement=s.engagement, quantities=QUANTITIES
        )
    assert error_code(caught.value) == "decision_not_applicable"
    assert_nothing_written(s.engagement)


def test_decision_kinds_for_each_engagement():
    assert decision_kinds_for(awaiting().engagement) == [
        "positive_opinion",
        "qualified_opinion",
        "adverse_opinion",
    ]
    assert decision_kinds_for(stage2().engagement) == ["grant", "refuse"]
    body = BodyFactory()
    surveillance = awaiting(body=body, **ms_engagement_kwargs(body, "surveillance")).engagement
    assert decision_kinds_for(surveillance) == ["maintain"]
    # a certified client's surveillance may also extend the scope
    CertificateFactory(engagement__body=body, engagement__client=surveillance.client)
    assert decision_kinds_for(surveillance) == ["maintain", "extend_scope"]
    assert decision_kinds_for(review_setup(status="under_review").engagement) == []


def test_certificate_decision_kinds_follow_the_status():
    assert certificate_decision_kinds(CertificateFactory()) == ["suspend", "reduce_scope", "withdraw"]
    assert certificate_decision_kinds(CertificateFactory(status="suspended")) == [
        "reinstate",
        "reduce_scope",
        "withdraw",
    ]
    assert certificate_decision_kinds(CertificateFactory(status="withdrawn")) == []


# --- findings ---


def test_a_methodology_assessment_is_decided_by_an_opinion_without_a_statement():
    from reference.models import Activity

    s = awaiting(kind="methodology_assessment", activity=Activity.objects.get(code="methodology_assessment"))
    assert decision_kinds_for(s.engagement) == ["positive_opinion", "qualified_opinion", "adverse_opinion"]
    decision = decision_record(
        kind="qualified_opinion",
        actor=s.decider,
        rationale="The methodology is sound except for the leakage deduction.",
        engagement=s.engagement,
    )
    s.engagement.refresh_from_db()
    assert s.engagement.status == "decided"
    assert decision.statement is None and not Statement.objects.exists()


def test_no_opinion_while_a_car_or_cl_is_open():
    s = awaiting()
    finding(s.engagement, "car", "accepted", 1)
    finding(s.engagement, "cl", "verified", 2)
    finding(s.engagement, "far", "open", 3)
    with pytest.raises(ValidationError) as caught:
        decision_record(
            kind="positive_opinion",
            actor=s.decider,
            rationale="r",
            engagement=s.engagement,
            quantities=QUANTITIES,
        )
    assert error_code(caught.value) == "car_cl_open"
    assert "#1" in str(caught.value) and "#2" not in str(caught.value)
    assert_nothing_written(s.engagement)


def test_an_unverified_major_nc_refuses_a_grant_and_a_minor_nc_needs_an_accepted_plan():
    s = stage2()
    finding(s.engagement, "major_nc", "accepted", 1)
    finding(s.engagement, "minor_nc", "response_submitted", 2)
    with pytest.raises(ValidationError) as caught:
        decision_record(kind="grant", actor=s.decider, rationale="r", engagement=s.engagement)
    codes = [error.code for error in caught.value.error_dict["kind"]]
    assert codes == ["major_nc_open", "minor_nc_no_plan"]
    assert_nothing_written(s.engagement)


def test_minor_nc_plan_states():
    s = stage2()
    for number, status in enumerate(["accepted", "verified", "closed"], start=1):
        finding(s.engagement, "minor_nc", status, number)
    assert finding_failures(kind="grant", engagement=s.engagement, decided_on=timezone.localdate()) == []
    finding(s.engagement, "minor_nc", "open", 9)
    [failure] = finding_failures(kind="grant", engagement=s.engagement, decided_on=timezone.localdate())
    assert failure.code == "minor_nc_no_plan"
    # a refusal is not held back by findings
    assert finding_failures(kind="refuse", engagement=s.engagement, decided_on=timezone.localdate()) == []


def test_six_month_limit_for_a_verified_major_nc():
    # given: stage 2 ended eight months ago; the limit is its last day + 6 months
    last_day = timezone.localdate() - relativedelta(months=8)
    s = stage2(actual_start=last_day - timedelta(days=1), actual_end=last_day)
    limit = last_day + relativedelta(months=6)
    assert stage2_limit(last_day) == limit
    major = finding(s.engagement, "major_nc", "verified", verified_at=aware(limit))
    today = timezone.localdate()
    # verified on the last day allowed: no failure
    assert finding_failures(kind="grant", engagement=s.engagement, decided_on=today) == []
    # verified one day later: a new stage 2 is required
    major.verified_at = aware(limit + timedelta(days=1))
    major.save(update_fields=["verified_at"])
    [failure] = finding_failures(kind="grant", engagement=s.engagement, decided_on=today)
    assert failure.code == "stage2_too_old"
    # the service refuses it with that code, nothing written
    with pytest.raises(ValidationError) as caught:
        decision_record(kind="grant", actor=s.decider, rationale="r", engagement=s.engagement)
    assert error_code(caught.value) == "stage2_too_old"
    assert_nothing_written(s.engagement)


def test_six_month_limit_when_decided_while_a_major_nc_is_unverified():
    last_day = timezone.localdate() - relativedelta(months=8)
    s = stage2(actual_start=last_day - timedelta(days=1), actual_end=last_day)
    limit = stage2_limit(last_day)
    finding(s.engagement, "major_nc", "accepted")
    # decided on the last day: still only "not verified"
    [failure] = finding_failures(kind="grant", engagement=s.engagement, decided_on=limit)
    assert failure.code == "major_nc_open"
    # decided the day after: a new stage 2 is required
    [failure] = finding_failures(kind="grant", engagement=s.engagement, decided_on=limit + timedelta(days=1))
    assert failure.code == "stage2_too_old"


def test_the_limit_counts_from_the_planned_end_without_actual_dates():
    s = stage2()
    assert stage2_limit(s.engagement.planned_end) == s.engagement.planned_end + relativedelta(months=6)
    finding(
        s.engagement,
        "major_nc",
        "verified",
        verified_at=aware(s.engagement.planned_end + relativedelta(months=6) + timedelta(days=1)),
    )
    [failure] = finding_failures(kind="grant", engagement=s.engagement, decided_on=timezone.localdate())
    assert failure.code == "stage2_too_old"


# --- statements' quantities roll the decision back ---


@pytest.mark.parametrize(
    "quantities",
    [
        [],
        [{"vintage": 2024, "reductions": "1"}],
        [{"vintage": 2026, "reductions": "1"}],
        [{"vintage": 2025, "reductions": "-1"}],
        [{"vintage": 2025, "reductions": "1"}, {"vintage": 2025, "reductions": "2"}],
        [{"vintage": "x"}],
        [{"vintage": 2025, "reductions": "abc"}],
    ],
)
def test_invalid_quantities_refuse_the_opinion(quantities):
    s = awaiting()
    with pytest.raises(ValidationError) as caught:
        decision_record(
            kind="positive_opinion",
            actor=s.decider,
            rationale="r",
            engagement=s.engagement,
            quantities=quantities,
        )
    assert error_code(caught.value) == "statement_quantities_invalid"
    assert_nothing_written(s.engagement)


# --- two identical decisions at once ---


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_exactly_one_wins():
    s = awaiting()
    second = MembershipFactory(body=s.engagement.body, roles=[Role.DECISION_MAKER]).user
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def decide(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            decision_record(
                kind="positive_opinion",
                actor=actor,
                rationale="r",
                engagement=s.engagement,
                quantities=QUANTITIES,
            )
            outcomes.append("ok")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(actor,)) for actor in (s.decider, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Decision.objects.count() == 1
    assert Statement.objects.count() == 1


# --- the consequences through the certificates' life cycle (certification.services.certificates) ---


def test_a_grant_issues_the_certificate_and_emits_the_webhook_events():
    from django.utils import timezone as tz

    from webhooks.models import WebhookEvent, WebhookSubscription

    s = stage2()
    WebhookSubscription.objects.create(
        body=s.engagement.body,
        url="https://receiver.example/hook",
        events=["decision.made", "certificate.issued"],
        secret_encrypted="not-used",
        secret_rotated_at=tz.now(),
    )
    # when
    decision = decision_record(
        kind="grant", actor=s.decider, rationale="All requirements met", engagement=s.engagement, scope=""
    )
    # then
    certificate = decision.certificate
    assert certificate is not None and certificate.status == "valid"
    assert certificate.client == s.engagement.client
    assert certificate.number.endswith(f"-C-{timezone.localdate().year}-00001")
    s.engagement.refresh_from_db()
    assert s.engagement.status == "decided"
    assert sorted(WebhookEvent.objects.values_list("event", flat=True)) == [
        "certificate.issued",
        "decision.made",
    ]


def test_a_grant_with_a_major_nc_verified_on_the_last_day_is_allowed():
    last_day = timezone.localdate() - relativedelta(months=8)
    s = stage2(actual_start=last_day - timedelta(days=1), actual_end=last_day)
    finding(s.engagement, "major_nc", "verified", verified_at=aware(stage2_limit(last_day)))
    decision = decision_record(kind="grant", actor=s.decider, rationale="r", engagement=s.engagement)
    assert decision.certificate is not None


def test_a_certificate_decision_without_an_engagement_and_its_proposal():
    from tests.factories import ProposalFactory

    proposal = ProposalFactory()
    certificate = proposal.certificate
    decider = MembershipFactory(body=certificate.body, roles=[Role.DECISION_MAKER]).user
    # when
    decision = decision_record(
        kind="suspend", actor=decider, rationale="Surveillance missed", proposal=proposal
    )
    # then
    certificate.refresh_from_db()
    proposal.refresh_from_db()
    assert (certificate.status, proposal.status, proposal.closed_by) == ("suspended", "decided", decider)
    assert decision.certificate == certificate and decision.proposal == proposal
    # a second identical decision is refused by the certificate's state, nothing more written
    with pytest.raises((ValidationError, TransitionNotAllowed)):
        decision_record(kind="suspend", actor=decider, rationale="again", certificate=certificate)
    assert Decision.objects.count() == 1


def test_a_refused_consequence_rolls_the_decision_back():
    certificate = CertificateFactory(status="valid")
    decider = MembershipFactory(body=certificate.body, roles=[Role.DECISION_MAKER]).user
    with pytest.raises((ValidationError, TransitionNotAllowed)):
        decision_record(kind="reinstate", actor=decider, rationale="r", certificate=certificate)
    assert not Decision.objects.exists()
    assert not AuditEvent.objects.filter(action="certification.decision.recorded").exists()


def test_maintain_after_surveillance_finds_the_clients_certificate():
    body = BodyFactory()
    certificate = CertificateFactory(engagement__body=body)
    s = awaiting(body=body, **ms_engagement_kwargs(body, "surveillance", client=certificate.client))
    decision = decision_record(
        kind="maintain", actor=s.decider, rationale="Conforms", engagement=s.engagement
    )
    assert decision.certificate == certificate
    s.engagement.refresh_from_db()
    assert s.engagement.status == "decided"


def test_maintain_without_a_certificate_is_refused():
    body = BodyFactory()
    s = awaiting(body=body, **ms_engagement_kwargs(body, "surveillance"))
    with pytest.raises(ValidationError) as caught:
        decision_record(kind="maintain", actor=s.decider, rationale="r", engagement=s.engagement)
    assert error_code(caught.value) == "decision_not_applicable"
    assert_nothing_written(s.engagement)


def test_the_verification_day_is_the_bodys():
    # given: a body in Reykjavik (UTC) and one in Sydney: 23:30 UTC on the limit is the next day in Sydney
    last_day = timezone.localdate() - relativedelta(months=8)
    limit = stage2_limit(last_day)
    late_evening_utc = timezone.make_aware(datetime.combine(limit, time(23, 30)), timezone=UTC)
    for zone, failing in (("Atlantic/Reykjavik", []), ("Australia/Sydney", ["stage2_too_old"])):
        s = stage2(body=BodyFactory(time_zone=zone), actual_start=last_day, actual_end=last_day)
        finding(s.engagement, "major_nc", "verified", verified_at=late_evening_utc)
        failures = finding_failures(kind="grant", engagement=s.engagement, decided_on=timezone.localdate())
        assert [f.code for f in failures] == failing, zone


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_suspensions_exactly_one_wins():
    certificate = CertificateFactory()
    deciders = [MembershipFactory(body=certificate.body, roles=[Role.DECISION_MAKER]).user for _ in range(2)]
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def decide(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            decision_record(kind="suspend", actor=actor, rationale="r", certificate=certificate)
            outcomes.append("ok")
        except (TransitionNotAllowed, ValidationError):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(actor,)) for actor in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Decision.objects.count() == 1
