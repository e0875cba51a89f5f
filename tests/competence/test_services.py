"""Competence records: proposal, evaluation by someone else, suspension, renewal, expiry, evidence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bodies.models import Membership, Role
from competence import services
from competence.models import CompetenceEvidence, CompetenceRecord
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from reference.models import Standard
from tests.factories import CompetenceRecordFactory, sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(world):
    return Membership.objects.get(body=world.a.body, user=world.a.member)


def propose(world, membership, **overrides):
    values = {
        "standard": Standard.objects.get(code="iso-14064-3"),
        "sector": sector("ghg", "1"),
        "role": Role.AUDITOR,
        "basis": ["training"],
        "valid_until": date(2028, 6, 30),
    }
    return services.competence_propose(membership=membership, actor=world.a.admin, **{**values, **overrides})


def test_propose_then_approve_by_someone_else(world, membership):
    record = propose(world, membership)
    assert record.status == CompetenceRecord.Status.PROPOSED
    approved = services.competence_approve(
        record=record, actor=world.a.admin, evaluated_on=timezone.localdate()
    )
    assert approved.status == CompetenceRecord.Status.APPROVED
    assert approved.evaluated_by == world.a.admin
    actions = list(
        AuditEvent.objects.filter(object_id=str(record.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["competence.record.proposed", "competence.record.approved"]


def test_person_cannot_evaluate_their_own_competence(world):
    # given a body admin who is also an auditor
    membership = Membership.objects.get(body=world.a.body, user=world.a.admin)
    record = propose(world, membership)
    # when they try to approve it themselves
    with pytest.raises(ValidationError) as exc:
        services.competence_approve(record=record, actor=world.a.admin, evaluated_on=timezone.localdate())
    # then nothing changed
    assert "evaluated_by" in exc.value.message_dict
    record.refresh_from_db()
    assert record.status == CompetenceRecord.Status.PROPOSED
    assert record.evaluated_by is None


def test_evaluation_dated_tomorrow_is_refused_today_is_accepted(world, membership):
    record = propose(world, membership)
    with pytest.raises(ValidationError):
        services.competence_approve(
            record=record, actor=world.a.admin, evaluated_on=timezone.localdate() + timedelta(1)
        )
    services.competence_approve(record=record, actor=world.a.admin, evaluated_on=timezone.localdate())


def test_sector_must_belong_to_the_standards_scheme(world, membership):
    with pytest.raises(ValidationError) as exc:
        propose(world, membership, sector=sector("iaf", "25"))
    assert "sector" in exc.value.message_dict
    assert CompetenceRecord.objects.count() == 0


def test_duplicate_record_is_refused_by_the_database(world, membership):
    propose(world, membership)
    with pytest.raises(ValidationError) as exc:
        propose(world, membership)
    assert "role" in exc.value.message_dict
    assert CompetenceRecord.objects.count() == 1


def test_committee_role_needs_no_competence_record(world, membership):
    with pytest.raises(ValidationError) as exc:
        propose(world, membership, role=Role.APPEALS_COMMITTEE)
    assert "role" in exc.value.message_dict


def test_other_body_and_plain_member_cannot_propose(world, membership):
    for actor in (world.b.admin, world.a.member):
        with pytest.raises(PermissionDenied):
            services.competence_propose(
                membership=membership,
                actor=actor,
                standard=Standard.objects.get(code="iso-14064-3"),
                sector=sector("ghg", "1"),
                role=Role.AUDITOR,
                basis=["training"],
                valid_until=date(2028, 1, 1),
            )
    assert CompetenceRecord.objects.count() == 0


def test_suspend_and_renew(world, membership):
    record = CompetenceRecordFactory(membership=membership)
    services.competence_suspend(record=record, actor=world.a.admin, reason="Witnessed audit unsatisfactory")
    record.refresh_from_db()
    assert record.status == CompetenceRecord.Status.SUSPENDED
    with pytest.raises(TransitionNotAllowed):
        services.competence_suspend(record=record, actor=world.a.admin, reason="again")
    services.competence_renew(
        record=record, actor=world.a.admin, evaluated_on=timezone.localdate(), valid_until=date(2029, 1, 1)
    )
    record.refresh_from_db()
    assert (record.status, record.valid_until) == (CompetenceRecord.Status.APPROVED, date(2029, 1, 1))


def test_expiry_sweep_boundary(world, membership):
    today = date(2027, 5, 1)
    ends_today = CompetenceRecordFactory(membership=membership, valid_until=today)
    ended = CompetenceRecordFactory(
        membership=membership, valid_until=today - timedelta(1), role=Role.LEAD_AUDITOR
    )
    assert services.competences_expire(today=today) == 1
    ended.refresh_from_db()
    ends_today.refresh_from_db()
    assert ended.status == CompetenceRecord.Status.EXPIRED
    assert ends_today.status == CompetenceRecord.Status.APPROVED
    assert services.competences_expire(today=today) == 0


def test_evidence_is_type_and_size_checked(world, membership, settings):
    record = CompetenceRecordFactory(membership=membership)
    pdf = SimpleUploadedFile(
        "cert.pdf", b"%PDF-1.7 lead auditor course certificate", content_type="application/pdf"
    )
    evidence = services.evidence_add(
        record=record, actor=world.a.admin, upload=pdf, description="Course certificate"
    )
    assert len(evidence.sha256) == 64
    fake = SimpleUploadedFile("cert.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.evidence_add(record=record, actor=world.a.admin, upload=fake, description="x")
    settings.UPLOAD_MAX_BYTES = 10
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 20, content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.evidence_add(record=record, actor=world.a.admin, upload=big, description="x")
    assert CompetenceEvidence.objects.count() == 1


def test_training_witnessing_and_evaluation(world, membership):
    today = timezone.localdate()
    services.training_add(
        membership=membership,
        actor=world.a.admin,
        kind="cpd",
        title="ISO 14064-3:2019 update",
        provider="ICR",
        completed_on=today,
        hours=7,
    )
    with pytest.raises(ValidationError):
        services.training_add(
            membership=membership,
            actor=world.a.admin,
            kind="cpd",
            title="x",
            provider="",
            completed_on=today,
            hours=0,
        )
    with pytest.raises(ValidationError):
        services.witnessed_audit_record(
            membership=membership,
            actor=world.a.admin,
            witnessed_by=world.a.member,
            witnessed_on=today,
            standard=Standard.objects.get(code="iso-14064-3"),
            sector=sector("ghg", "1"),
            outcome="satisfactory",
        )
    services.witnessed_audit_record(
        membership=membership,
        actor=world.a.admin,
        witnessed_by=world.a.admin,
        witnessed_on=today,
        standard=Standard.objects.get(code="iso-14064-3"),
        sector=sector("ghg", "1"),
        outcome="satisfactory",
    )
    services.periodic_evaluation_record(
        membership=membership,
        actor=world.a.admin,
        evaluated_on=today,
        outcome="satisfactory",
        next_due_on=today + timedelta(days=365),
    )
    with pytest.raises(ValidationError):
        services.periodic_evaluation_record(
            membership=membership,
            actor=world.a.admin,
            evaluated_on=today,
            outcome="satisfactory",
            next_due_on=today,
        )
    assert AuditEvent.objects.filter(action__startswith="competence.").count() == 3
