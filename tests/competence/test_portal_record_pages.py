"""Competence records through the portal: propose, approve, renew, suspend, evidence and its download."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from competence.models import CompetenceEvidence, CompetenceRecord
from competence.services import evidence_add
from core.models import AuditEvent
from reference.models import Sector
from tests.helpers import PDF_BYTES, membership_of, pdf_upload, png_bytes, proposed_record_for, record_for

pytestmark = pytest.mark.django_db


def ghg(code: str) -> Sector:
    return Sector.objects.get(scheme="ghg", code=code, is_current=True)


def record_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "standard": "iso-14064-3",
        "sector": str(ghg("1").pk),
        "role": "lead_auditor",
        "basis": ["training", "witnessed_audit"],
        "valid_until": "2028-12-31",
        "notes": "Lead auditor course 2025",
    }
    data.update(overrides)
    return data


# --- proposing ----------------------------------------------------------------------------------------------


def test_admin_proposes_a_competence_for_a_person(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    client = login(world.a.admin)
    assert client.get(reverse("competence:record-create", args=[membership.pk])).status_code == 200
    # when
    response = client.post(reverse("competence:record-create", args=[membership.pk]), record_form())
    # then
    record = CompetenceRecord.objects.get(membership=membership)
    assert response.status_code == 302
    assert response["Location"] == reverse("competence:record-detail", args=[record.pk])
    assert (record.status, record.role, record.basis, record.valid_until) == (
        "proposed",
        "lead_auditor",
        ["training", "witnessed_audit"],
        date(2028, 12, 31),
    )


def test_a_sector_of_the_wrong_list_is_a_form_error(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    iaf = Sector.objects.filter(scheme="iaf", is_current=True).first()
    # when
    response = login(world.a.admin).post(
        reverse("competence:record-create", args=[membership.pk]), record_form(sector=str(iaf.pk))
    )
    # then
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["sector"]
    assert not CompetenceRecord.objects.exists()


def test_the_same_competence_twice_is_a_form_error(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    proposed_record_for(world.a.member, world.a.body, role="lead_auditor")
    # when
    response = login(world.a.admin).post(
        reverse("competence:record-create", args=[membership.pk]), record_form()
    )
    # then
    assert response.context["form"].errors == {
        "role": ["This person already has a competence record for this standard, sector and role."]
    }
    assert CompetenceRecord.objects.count() == 1


def test_a_member_cannot_propose_and_nothing_changes(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    # when
    response = login(world.a.member).post(
        reverse("competence:record-create", args=[membership.pk]), record_form()
    )
    # then
    assert response.status_code == 403
    assert not CompetenceRecord.objects.exists()


# --- the record page ----------------------------------------------------------------------------------------


def test_every_member_sees_a_record_but_only_a_manager_sees_the_actions(login, world):
    # given
    record = proposed_record_for(world.a.member, world.a.body)
    # when
    as_member = login(world.a.member).get(reverse("competence:record-detail", args=[record.pk]))
    as_admin = login(world.a.admin).get(reverse("competence:record-detail", args=[record.pk]))
    # then
    assert (as_member.status_code, as_admin.status_code) == (200, 200)
    approve_url = reverse("competence:record-approve", args=[record.pk])
    assert approve_url not in as_member.content.decode()
    assert approve_url in as_admin.content.decode()


def test_record_page_shows_expiry_warning_under_sixty_days(login, world):
    # given
    record = record_for(world.a.member, world.a.body, valid_until=timezone.localdate() + timedelta(days=59))
    # when
    html = login(world.a.member).get(reverse("competence:record-detail", args=[record.pk])).content.decode()
    # then
    assert "expires in 59 days" in html


# --- approving ----------------------------------------------------------------------------------------------


def test_admin_approves_someone_elses_competence(login, world):
    # given
    record = proposed_record_for(world.a.member, world.a.body)
    today = timezone.localdate()
    # when
    response = login(world.a.admin).post(
        reverse("competence:record-approve", args=[record.pk]),
        {"evaluated_on": today.isoformat(), "valid_until": "2029-01-31"},
    )
    # then
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.evaluated_by, record.evaluated_on, record.valid_until) == (
        "approved",
        world.a.admin,
        today,
        date(2029, 1, 31),
    )
    assert (
        AuditEvent.objects.filter(action="competence.record.approved", object_id=str(record.pk)).count() == 1
    )


def test_approving_ones_own_competence_shows_the_error_and_changes_nothing(login, world):
    # given the admin's own proposed competence
    record = proposed_record_for(world.a.admin, world.a.body)
    before = AuditEvent.objects.count()
    # when
    response = login(world.a.admin).post(
        reverse("competence:record-approve", args=[record.pk]),
        {"evaluated_on": timezone.localdate().isoformat()},
    )
    # then
    assert response.status_code == 400
    assert response.context["approve_form"].non_field_errors() == [
        "A competence must be evaluated by someone other than the person."
    ]
    assert "A competence must be evaluated by someone other than the person." in response.content.decode()
    record.refresh_from_db()
    assert (record.status, record.evaluated_by, record.evaluated_on) == ("proposed", None, None)
    assert AuditEvent.objects.count() == before


def test_an_evaluation_in_the_future_is_shown_on_its_field(login, world):
    # given
    record = proposed_record_for(world.a.member, world.a.body)
    # when
    response = login(world.a.admin).post(
        reverse("competence:record-approve", args=[record.pk]),
        {"evaluated_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
    )
    # then
    assert response.status_code == 400
    assert response.context["approve_form"].errors == {
        "evaluated_on": ["The evaluation cannot be dated in the future."]
    }
    record.refresh_from_db()
    assert record.status == "proposed"


def test_approving_an_approved_competence_is_a_message_not_an_error_page(login, world):
    # given
    record = record_for(world.a.member, world.a.body)
    client = login(world.a.admin)
    # when
    response = client.post(
        reverse("competence:record-approve", args=[record.pk]),
        {"evaluated_on": timezone.localdate().isoformat()},
        follow=True,
    )
    # then
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Only a proposed competence can be approved (this one is approved)."
    ]
    record.refresh_from_db()
    assert record.evaluated_on == date(2025, 1, 1)


def test_a_member_cannot_approve_and_nothing_changes(login, world):
    # given
    record = proposed_record_for(world.a.admin, world.a.body)
    # when
    response = login(world.a.member).post(
        reverse("competence:record-approve", args=[record.pk]),
        {"evaluated_on": timezone.localdate().isoformat()},
    )
    # then
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.status == "proposed"


# --- renewing and suspending --------------------------------------------------------------------------------


def test_admin_suspends_with_a_reason_then_renews(login, world):
    # given
    record = record_for(world.a.member, world.a.body)
    client = login(world.a.admin)
    # when
    suspended = client.post(
        reverse("competence:record-suspend", args=[record.pk]), {"reason": "Complaint upheld"}
    )
    record.refresh_from_db()
    status_after_suspension = (record.status, record.status_reason)
    renewed = client.post(
        reverse("competence:record-renew", args=[record.pk]),
        {"evaluated_on": timezone.localdate().isoformat(), "valid_until": "2030-06-30"},
    )
    # then
    assert (suspended.status_code, renewed.status_code) == (302, 302)
    assert status_after_suspension == ("suspended", "Complaint upheld")
    record.refresh_from_db()
    assert (record.status, record.status_reason, record.valid_until, record.evaluated_by) == (
        "approved",
        "",
        date(2030, 6, 30),
        world.a.admin,
    )
    history = client.get(reverse("competence:record-detail", args=[record.pk])).context["history"]
    assert [event.action for event in history] == ["competence.record.renewed", "competence.record.suspended"]


def test_suspending_without_a_reason_is_a_form_error(login, world):
    # given
    record = record_for(world.a.member, world.a.body)
    # when
    response = login(world.a.admin).post(
        reverse("competence:record-suspend", args=[record.pk]), {"reason": ""}
    )
    # then
    assert response.status_code == 400
    assert list(response.context["suspend_form"].errors) == ["reason"]
    record.refresh_from_db()
    assert record.status == "approved"


def test_suspending_a_proposed_competence_is_refused_with_a_message(login, world):
    # given
    record = proposed_record_for(world.a.member, world.a.body)
    # when
    response = login(world.a.admin).post(
        reverse("competence:record-suspend", args=[record.pk]), {"reason": "Why not"}, follow=True
    )
    # then
    assert [str(m) for m in response.context["messages"]] == ["Only an approved competence can be suspended."]
    record.refresh_from_db()
    assert record.status == "proposed"


# --- evidence -----------------------------------------------------------------------------------------------


def test_admin_adds_a_pdf_and_a_member_downloads_it(login, world):
    # given
    record = record_for(world.a.member, world.a.body)
    # when
    response = login(world.a.admin).post(
        reverse("competence:evidence-add", args=[record.pk]),
        {"file": pdf_upload(), "description": "Lead auditor certificate"},
    )
    # then
    evidence = CompetenceEvidence.objects.get(record=record)
    assert response.status_code == 302
    assert evidence.description == "Lead auditor certificate"
    page = login(world.a.member).get(reverse("competence:record-detail", args=[record.pk])).content.decode()
    assert reverse("competence:evidence-download", args=[evidence.pk]) in page
    download = login(world.a.member).get(reverse("competence:evidence-download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-SHA256"] == evidence.sha256
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_png_is_accepted_as_evidence(login, world):
    # given
    record = record_for(world.a.member, world.a.body)
    upload = SimpleUploadedFile("scan.PNG", png_bytes(), content_type="image/png")
    # when
    response = login(world.a.admin).post(
        reverse("competence:evidence-add", args=[record.pk]), {"file": upload, "description": "Scan"}
    )
    # then
    assert response.status_code == 302
    evidence = CompetenceEvidence.objects.get(record=record)
    download = login(world.a.admin).get(reverse("competence:evidence-download", args=[evidence.pk]))
    assert download["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("notes.txt", b"plain text", "Upload a PDF, PNG or JPEG file."),  # the form: not a PDF/PNG/JPEG name
        (
            "fake.pdf",
            b"MZ\x90\x00 not a pdf",
            "Upload a PDF, PNG or JPEG file.",
        ),  # the service: not PDF content
    ],
)
def test_evidence_that_is_not_a_pdf_png_or_jpeg_is_refused(login, world, name, content, error):
    # given
    record = record_for(world.a.member, world.a.body)
    before = AuditEvent.objects.count()
    # when
    response = login(world.a.admin).post(
        reverse("competence:evidence-add", args=[record.pk]),
        {"file": SimpleUploadedFile(name, content), "description": "Certificate"},
    )
    # then
    assert response.status_code == 400
    assert response.context["evidence_form"].errors == {"file": [error]}
    assert not CompetenceEvidence.objects.exists()
    assert AuditEvent.objects.count() == before


def test_evidence_over_the_size_cap_is_refused_by_the_form(login, world, settings):
    # given
    record = record_for(world.a.member, world.a.body)
    settings.UPLOAD_MAX_BYTES = len(PDF_BYTES) - 1
    # when
    response = login(world.a.admin).post(
        reverse("competence:evidence-add", args=[record.pk]),
        {"file": pdf_upload(), "description": "Certificate"},
    )
    # then
    assert response.status_code == 400
    assert list(response.context["evidence_form"].errors) == ["file"]
    assert not CompetenceEvidence.objects.exists()


def test_a_member_cannot_add_evidence(login, world):
    # given
    record = record_for(world.a.member, world.a.body)
    # when
    response = login(world.a.member).post(
        reverse("competence:evidence-add", args=[record.pk]), {"file": pdf_upload(), "description": "Mine"}
    )
    # then
    assert response.status_code == 403
    assert not CompetenceEvidence.objects.exists()


def test_evidence_of_body_a_is_not_found_for_body_b(login, world):
    # given
    record = record_for(world.a.member, world.a.body)
    evidence = evidence_add(
        record=record, actor=world.a.admin, upload=pdf_upload(), description="Certificate"
    )
    # when
    responses = [
        login(user).get(reverse("competence:evidence-download", args=[evidence.pk]))
        for user in (world.b.admin, world.b.member)
    ]
    # then
    assert [r.status_code for r in responses] == [404, 404]
