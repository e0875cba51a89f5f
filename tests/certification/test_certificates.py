"""A certificate's life cycle (certification.services.certificates): issue by a grant, every decision after it with
its status guard, new versions and audit events, the restore window and the recertification deadline at their
boundaries, and confidentiality. Decisions are written here as `decision_record` writes them (the service under
test is called the way it calls it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from audits.models import Engagement
from bodies.models import Membership, Role
from certification.models import Certificate, CertificateVersion, Decision, ProgrammeDue, Proposal
from certification.services.certificates import (
    certificate_apply,
    certificate_issue,
    certificate_set_confidential,
)
from core.errors import TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from reminders.models import Deadline, Notification
from tests.factories import (
    ClientUserFactory,
    EngagementFactory,
    MembershipFactory,
    ProposalFactory,
    SiteFactory,
    UserFactory,
    ms_engagement_kwargs,
)


@dataclass
class Setup:
    body: Any
    admin: Any
    decider: Any
    decider_membership: Membership
    client_user: Any
    engagement: Engagement
    site: Any


@pytest.fixture
def setup(world) -> Setup:  # type: ignore[no-untyped-def]
    body = world.a.body
    decider = UserFactory(full_name="Dora Decider")
    membership = MembershipFactory(user=decider, body=body, roles=[Role.DECISION_MAKER])
    engagement = EngagementFactory(
        body=body, status="awaiting_decision", **ms_engagement_kwargs(body, "stage_2")
    )
    site = SiteFactory(client=engagement.client, name="Main plant", address="Hafnargata 1")
    engagement.sites.set([site])
    client_user = ClientUserFactory(client=engagement.client).user
    return Setup(body, world.a.admin, decider, membership, client_user, engagement, site)


def decide(setup: Setup, kind: str, on: date, **kwargs: Any) -> Decision:
    return Decision.objects.create(
        body=setup.body,
        kind=kind,
        rationale="As recorded in the report and the review.",
        decided_on=on,
        decided_by=setup.decider_membership,
        **kwargs,
    )


def issue(setup: Setup, on: date = date(2026, 3, 15)) -> Certificate:
    return certificate_issue(
        decision=decide(setup, "grant", on, engagement=setup.engagement), actor=setup.decider
    )


def engagement_of(setup: Setup, kind: str, **kwargs: Any) -> Engagement:
    values = ms_engagement_kwargs(setup.body, kind, client=setup.engagement.client)
    values.update(kwargs)
    return EngagementFactory(body=setup.body, status="awaiting_decision", **values)


def events(certificate: Certificate) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(certificate.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


# issue


def test_a_grant_issues_the_certificate_with_its_programme(setup):
    # when
    certificate = issue(setup, date(2026, 3, 15))
    # then
    certificate.refresh_from_db()
    assert certificate.number == "BODY-A-C-2026-00001"
    assert (certificate.client_id, certificate.standard_id, certificate.sector_id) == (
        setup.engagement.client_id,
        setup.engagement.standard_id,
        setup.engagement.sector_id,
    )
    assert certificate.scope == setup.engagement.scope
    assert list(certificate.sites.all()) == [setup.site]
    assert (certificate.initial_certification_on, certificate.issued_on, certificate.cycle_started_on) == (
        date(2026, 3, 15),
        date(2026, 3, 15),
        date(2026, 3, 15),
    )
    assert certificate.expires_on == date(2029, 3, 14)
    assert (certificate.cycle, certificate.version, certificate.status) == (1, 1, "valid")
    version = certificate.versions.get()
    assert (version.version, version.status, version.scope, version.expires_on) == (
        1,
        "valid",
        certificate.scope,
        date(2029, 3, 14),
    )
    assert version.sites == [{"name": "Main plant", "address": "Hafnargata 1"}]
    assert list(
        ProgrammeDue.objects.filter(certificate=certificate).values_list(
            "kind", "sequence", "due_on", "status"
        )
    ) == [
        ("surveillance", 1, date(2027, 3, 15), "due"),
        ("surveillance", 2, date(2028, 3, 15), "due"),
        ("recertification", 1, date(2029, 3, 14), "due"),
    ]
    assert Decision.objects.get(kind="grant").certificate_id == certificate.pk
    kinds = set(Deadline.objects.filter(closed_at__isnull=True).values_list("kind", flat=True))
    assert {
        "certification.surveillance_due",
        "certification.recertification_due",
        "certification.certificate_expiry",
    } <= kinds
    assert events(certificate) == ["certification.certificate.issued"]
    told = set(
        Notification.objects.filter(kind="certification.certificate.issued").values_list("user", flat=True)
    )
    assert told == {setup.client_user.pk, setup.admin.pk}


def test_a_grant_with_chosen_sites_and_a_decided_scope(setup):
    other = SiteFactory(client=setup.engagement.client, name="Warehouse")
    decision = decide(
        setup, "grant", date(2026, 3, 15), engagement=setup.engagement, scope="Warehousing only"
    )
    certificate = certificate_issue(decision=decision, actor=setup.decider, sites=[other])
    assert certificate.scope == "Warehousing only"
    assert list(certificate.sites.all()) == [other]


def test_a_site_of_another_client_is_refused_and_nothing_is_issued(setup):
    foreign = SiteFactory()
    decision = decide(setup, "grant", date(2026, 3, 15), engagement=setup.engagement)
    with pytest.raises(ValidationError):
        certificate_issue(decision=decision, actor=setup.decider, sites=[foreign])
    assert Certificate.objects.count() == 0


# maintain, recertify


def test_maintain_marks_the_surveillance_done_without_a_new_version(setup):
    certificate = issue(setup)
    surveillance = engagement_of(setup, "surveillance")
    certificate_apply(
        decision=decide(setup, "maintain", date(2027, 3, 1), engagement=surveillance), actor=setup.decider
    )
    certificate.refresh_from_db()
    assert certificate.version == 1
    first = ProgrammeDue.objects.get(certificate=certificate, kind="surveillance", sequence=1)
    assert (first.status, first.engagement_id) == ("done", surveillance.pk)
    assert Deadline.objects.get(subject_id=str(first.pk)).closed_at is not None


def test_recertification_on_the_day_of_expiry_continues_from_the_old_expiry(setup):
    certificate = issue(setup)
    recert = engagement_of(setup, "recertification")
    # when: decided on the last valid day
    certificate_apply(
        decision=decide(setup, "recertify", date(2029, 3, 14), engagement=recert), actor=setup.decider
    )
    # then
    certificate.refresh_from_db()
    assert (certificate.cycle, certificate.version, certificate.status) == (2, 2, "valid")
    assert certificate.cycle_started_on == date(2029, 3, 14)
    assert certificate.expires_on == date(2032, 3, 14)
    assert certificate.initial_certification_on == date(2026, 3, 15)
    cycle_two = ProgrammeDue.objects.filter(certificate=certificate, cycle=2).values_list("kind", "due_on")
    assert list(cycle_two)[-1] == ("recertification", date(2032, 3, 14))
    # the first cycle's surveillances, never held, are no longer due; its recertification is done
    assert set(
        ProgrammeDue.objects.filter(certificate=certificate, cycle=1).values_list("kind", "status")
    ) == {
        ("surveillance", "cancelled"),
        ("recertification", "done"),
    }
    assert list(certificate.versions.values_list("version", "status")) == [(2, "valid"), (1, "superseded")]
    assert events(certificate)[-1] == "certification.certificate.recertified"


def test_recertification_the_day_after_expiry_is_refused(setup):
    certificate = issue(setup)
    recert = engagement_of(setup, "recertification")
    with pytest.raises(ValidationError) as refused:
        certificate_apply(
            decision=decide(setup, "recertify", date(2029, 3, 15), engagement=recert), actor=setup.decider
        )
    assert "recertify_too_late" in str(refused.value.error_list[0].code)
    certificate.refresh_from_db()
    assert (certificate.cycle, certificate.version, certificate.expires_on) == (1, 1, date(2029, 3, 14))


# scope, suspension, reinstatement, withdrawal


def test_reduce_then_suspend_then_reinstate_returns_to_scope_reduced(setup):
    certificate = issue(setup)
    certificate_apply(
        decision=decide(
            setup, "reduce_scope", date(2026, 6, 1), certificate=certificate, scope="Design only"
        ),
        actor=setup.decider,
    )
    certificate_apply(
        decision=decide(setup, "suspend", date(2026, 7, 1), certificate=certificate), actor=setup.decider
    )
    certificate.refresh_from_db()
    assert (certificate.status, certificate.suspended_on, certificate.scope) == (
        "suspended",
        date(2026, 7, 1),
        "Design only",
    )
    ageing = Deadline.objects.get(kind="certification.suspension_ageing")
    assert ageing.due_on == date(2027, 1, 1)
    certificate_apply(
        decision=decide(setup, "reinstate", date(2026, 8, 1), certificate=certificate), actor=setup.decider
    )
    certificate.refresh_from_db()
    assert (certificate.status, certificate.suspended_on, certificate.version) == ("scope_reduced", None, 4)
    assert Deadline.objects.get(kind="certification.suspension_ageing").closed_at is not None
    assert list(certificate.versions.values_list("status", flat=True)) == [
        "scope_reduced",
        "superseded",
        "superseded",
        "superseded",
    ]
    assert events(certificate)[1:] == [
        "certification.certificate.scope_reduced",
        "certification.certificate.suspended",
        "certification.certificate.reinstated",
    ]


def test_a_scope_change_needs_the_decided_scope(setup):
    certificate = issue(setup)
    with pytest.raises(ValidationError):
        certificate_apply(
            decision=decide(setup, "extend_scope", date(2026, 6, 1), certificate=certificate),
            actor=setup.decider,
        )
    certificate.refresh_from_db()
    assert (certificate.version, certificate.scope) == (1, setup.engagement.scope)


def test_extending_the_scope_adds_the_engagements_sites(setup):
    certificate = issue(setup)
    special = engagement_of(setup, "special")
    new_site = SiteFactory(client=setup.engagement.client, name="North plant")
    special.sites.set([new_site])
    certificate_apply(
        decision=decide(
            setup,
            "extend_scope",
            date(2026, 9, 1),
            engagement=special,
            certificate=certificate,
            scope="All of it",
        ),
        actor=setup.decider,
    )
    certificate.refresh_from_db()
    assert (certificate.scope, certificate.status, certificate.version) == ("All of it", "valid", 2)
    assert set(certificate.sites.values_list("name", flat=True)) == {"Main plant", "North plant"}


@pytest.mark.parametrize("kind", ["reinstate", "restore"])
def test_reinstate_and_restore_of_a_valid_certificate_are_refused(setup, kind):
    certificate = issue(setup)
    with pytest.raises(TransitionNotAllowed):
        certificate_apply(
            decision=decide(setup, kind, date(2026, 6, 1), certificate=certificate), actor=setup.decider
        )
    certificate.refresh_from_db()
    assert (certificate.status, certificate.version) == ("valid", 1)
    assert events(certificate) == ["certification.certificate.issued"]


def test_withdrawing_a_suspended_certificate_ends_its_programme_and_closes_its_proposals(setup):
    certificate = issue(setup)
    certificate_apply(
        decision=decide(setup, "suspend", date(2026, 7, 1), certificate=certificate), actor=setup.decider
    )
    proposal = ProposalFactory(certificate=certificate, kind="withdraw_or_reduce")
    certificate_apply(
        decision=decide(setup, "withdraw", date(2026, 12, 1), certificate=certificate), actor=setup.decider
    )
    certificate.refresh_from_db()
    assert (certificate.status, certificate.suspended_on) == ("withdrawn", None)
    assert set(ProgrammeDue.objects.filter(certificate=certificate).values_list("status", flat=True)) == {
        "cancelled"
    }
    proposal.refresh_from_db()
    assert (proposal.status, proposal.closed_by) == ("dismissed", setup.decider)
    assert not Deadline.objects.filter(closed_at__isnull=True, subject_id=str(certificate.pk)).exists()


def test_a_withdrawn_certificate_cannot_be_suspended(setup):
    certificate = issue(setup)
    certificate_apply(
        decision=decide(setup, "withdraw", date(2026, 7, 1), certificate=certificate), actor=setup.decider
    )
    with pytest.raises(TransitionNotAllowed):
        certificate_apply(
            decision=decide(setup, "suspend", date(2026, 7, 2), certificate=certificate), actor=setup.decider
        )
    certificate.refresh_from_db()
    assert certificate.status == "withdrawn"


# restore after expiry


def expired(setup: Setup) -> Certificate:
    certificate = issue(setup)
    Certificate.objects.filter(pk=certificate.pk).update(status="expired")
    certificate.refresh_from_db()
    return certificate


def test_restore_on_the_last_allowed_day_records_the_gap_and_continues_from_the_old_expiry(setup):
    certificate = expired(setup)
    recert = engagement_of(setup, "recertification")
    # when: six months after the expiry (14 March 2029 → 14 September 2029)
    certificate_apply(
        decision=decide(setup, "restore", date(2029, 9, 14), engagement=recert), actor=setup.decider
    )
    # then
    certificate.refresh_from_db()
    assert (certificate.status, certificate.cycle, certificate.version) == ("valid", 2, 2)
    assert (certificate.gap_from, certificate.gap_to) == (date(2029, 3, 15), date(2029, 9, 13))
    assert certificate.expires_on == date(2032, 3, 14)
    assert events(certificate)[-1] == "certification.certificate.restored"


def test_restore_the_first_day_after_the_window_is_refused(setup):
    certificate = expired(setup)
    recert = engagement_of(setup, "recertification")
    with pytest.raises(ValidationError) as refused:
        certificate_apply(
            decision=decide(setup, "restore", date(2029, 9, 15), engagement=recert, certificate=certificate),
            actor=setup.decider,
        )
    assert refused.value.error_list[0].code == "restore_too_late"
    certificate.refresh_from_db()
    assert (certificate.status, certificate.gap_from, certificate.version) == ("expired", None, 1)


def test_restore_needs_the_recertification_engagement(setup):
    certificate = expired(setup)
    with pytest.raises(ValidationError) as refused:
        certificate_apply(
            decision=decide(setup, "restore", date(2029, 4, 1), certificate=certificate), actor=setup.decider
        )
    assert refused.value.error_list[0].code == "restore_work_outstanding"
    certificate.refresh_from_db()
    assert certificate.status == "expired"


# confidentiality


def test_a_body_administrator_marks_a_certificate_confidential(setup):
    certificate = issue(setup)
    certificate_set_confidential(certificate=certificate, actor=setup.admin, confidential=True)
    certificate.refresh_from_db()
    assert certificate.confidential is True
    assert events(certificate)[-1] == "certification.certificate.confidentiality_changed"


def test_a_decision_maker_may_not_change_confidentiality(setup):
    certificate = issue(setup)
    with pytest.raises(PermissionDenied):
        certificate_set_confidential(certificate=certificate, actor=setup.decider, confidential=True)
    certificate.refresh_from_db()
    assert certificate.confidential is False
    assert CertificateVersion.objects.filter(certificate=certificate).count() == 1
    assert Proposal.objects.count() == 0
