"""Competence records API: propose, approve, renew, suspend, evidence; tenancy (also for a freelance auditor)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bodies.models import Role
from competence.models import CompetenceEvidence, CompetenceRecord
from core.models import AuditEvent
from tests.factories import CompetenceRecordFactory, sector, today
from tests.helpers import bearer, make_token, membership_of, record_state, signed_in, url

pytestmark = pytest.mark.django_db

RECORD_KEYS = {
    "id",
    "body",
    "person",
    "standard",
    "sector",
    "role",
    "basis",
    "notes",
    "evaluatedBy",
    "evaluatedOn",
    "validUntil",
    "status",
    "statusReason",
    "detailsHidden",
    "createdAt",
    "updatedAt",
}
LATER = (today() + timedelta(days=1000)).isoformat()
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


def proposal(person: object, **overrides: object) -> dict:
    return {
        "person": str(person),
        "standard": "iso-14064-3",
        "sector": {"scheme": "ghg", "code": "1"},
        "role": "lead_auditor",
        "basis": ["training", "witnessed_audit"],
        "validUntil": "2029-06-30",
        "notes": "Two witnessed verifications",
        **overrides,
    }


def test_body_admin_proposes_a_competence(world, auditor_a):
    # when
    response = signed_in(world.a.admin).post(
        url("competence-record-list"), proposal(auditor_a.pk), format="json"
    )

    # then a proposed record for that person in body A
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == RECORD_KEYS
    record = CompetenceRecord.objects.get()
    assert data["id"] == str(record.pk)
    assert data["body"] == str(world.a.body.pk)
    assert data["person"] == {
        "id": str(auditor_a.pk),
        "email": "ragna@auditors.example",
        "fullName": "Ragna Lind",
    }
    assert data["standard"] == {"code": "iso-14064-3", "name": record.standard.name}
    assert data["sector"] == {
        "scheme": "ghg",
        "code": "1",
        "name": record.sector.name,
        "version": record.sector.version,
    }
    assert (data["role"], data["basis"], data["status"], data["validUntil"]) == (
        "lead_auditor",
        ["training", "witnessed_audit"],
        "proposed",
        "2029-06-30",
    )
    assert (data["evaluatedBy"], data["evaluatedOn"]) == (None, None)
    assert (
        AuditEvent.objects.filter(action="competence.record.proposed", object_id=str(record.pk)).count() == 1
    )


def test_the_service_refuses_a_sector_of_the_wrong_list_and_a_duplicate(world, auditor_a):
    client = signed_in(world.a.admin)
    client.post(url("competence-record-list"), proposal(auditor_a.pk), format="json")

    wrong_list = client.post(
        url("competence-record-list"),
        proposal(auditor_a.pk, sector={"scheme": "iaf", "code": "1"}),
        format="json",
    )
    duplicate = client.post(url("competence-record-list"), proposal(auditor_a.pk), format="json")

    assert wrong_list.status_code == 400
    assert list(wrong_list.json()["fieldErrors"]) == ["sector"]
    assert duplicate.status_code == 400
    assert duplicate.json()["fieldErrors"] == {
        "role": ["This person already has a competence record for this standard, sector and role."]
    }
    assert CompetenceRecord.objects.count() == 1


def test_a_plain_member_cannot_propose(world, auditor_a):
    before = (CompetenceRecord.objects.count(), AuditEvent.objects.count())

    response = signed_in(world.a.member).post(
        url("competence-record-list"), proposal(auditor_a.pk), format="json"
    )

    assert response.status_code == 403
    assert (CompetenceRecord.objects.count(), AuditEvent.objects.count()) == before


def test_a_person_of_another_body_is_not_found(world, freelancer):
    before = CompetenceRecord.objects.count()

    response = signed_in(world.a.admin).post(
        url("competence-record-list"), proposal(freelancer.in_b.pk, role="auditor"), format="json"
    )

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"person": ["Not found."]}
    assert CompetenceRecord.objects.count() == before


def test_body_admin_approves_a_proposed_competence(world, auditor_a):
    # given a proposal
    client = signed_in(world.a.admin)
    record_id = client.post(url("competence-record-list"), proposal(auditor_a.pk), format="json").json()["id"]
    evaluated = today() - timedelta(days=1)

    # when approved, with a shorter validity
    response = client.post(
        url("competence-record-approve", record_id),
        {"evaluatedOn": evaluated, "validUntil": LATER},
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status"], data["evaluatedOn"], data["validUntil"]) == (
        "approved",
        evaluated.isoformat(),
        LATER,
    )
    assert data["evaluatedBy"] == {"id": str(world.a.admin.pk), "fullName": "Admin A"}

    # and a second approval is a conflict that changes nothing
    record = CompetenceRecord.objects.get(pk=record_id)
    before = record_state(record)
    again = client.post(
        url("competence-record-approve", record_id), {"evaluatedOn": evaluated}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    assert record_state(record) == before


def test_the_person_cannot_approve_their_own_competence(world):
    # given a proposal for A's administrator, who holds manage_competence
    admin = membership_of(world.a.admin, world.a.body)
    client = signed_in(world.a.admin)
    record_id = client.post(url("competence-record-list"), proposal(admin.pk), format="json").json()["id"]
    record = CompetenceRecord.objects.get(pk=record_id)
    before = (record_state(record), AuditEvent.objects.count())

    # when they approve it themselves
    response = client.post(
        url("competence-record-approve", record_id),
        {"evaluatedOn": today() - timedelta(days=1)},
        format="json",
    )

    # then refused, and nothing changed
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {
        "evaluatedBy": ["A competence must be evaluated by someone other than the person."]
    }
    assert (record_state(record), AuditEvent.objects.count()) == before
    assert record.status == "proposed"


def test_renew_and_suspend(world, auditor_a):
    # given an approved record
    record = CompetenceRecordFactory(membership=auditor_a, valid_until=today() + timedelta(days=30))
    client = signed_in(world.a.admin)

    # when suspended, then renewed with a new basis
    suspended = client.post(
        url("competence-record-suspend", record.pk), {"reason": "Complaint under review"}, format="json"
    )
    renewed = client.post(
        url("competence-record-renew", record.pk),
        {
            "evaluatedOn": today(),
            "validUntil": today() + timedelta(days=3 * 365),
            "basis": ["audits_performed"],
        },
        format="json",
    )

    # then
    assert suspended.status_code == 200, suspended.content
    assert (suspended.json()["status"], suspended.json()["statusReason"]) == (
        "suspended",
        "Complaint under review",
    )
    assert renewed.status_code == 200, renewed.content
    assert (renewed.json()["status"], renewed.json()["statusReason"], renewed.json()["basis"]) == (
        "approved",
        "",
        ["audits_performed"],
    )
    assert renewed.json()["validUntil"] == (today() + timedelta(days=3 * 365)).isoformat()


def test_suspension_needs_a_reason_and_an_approved_record(world, auditor_a):
    approved = CompetenceRecordFactory(membership=auditor_a)
    proposed = CompetenceRecordFactory(
        membership=auditor_a, role=Role.LEAD_AUDITOR, status="proposed", evaluated_by=None, evaluated_on=None
    )
    client = signed_in(world.a.admin)
    before = (record_state(approved), record_state(proposed))

    blank = client.post(url("competence-record-suspend", approved.pk), {"reason": "  "}, format="json")
    not_approved = client.post(url("competence-record-suspend", proposed.pk), {"reason": "x"}, format="json")
    renew_proposed = client.post(
        url("competence-record-renew", proposed.pk),
        {"evaluatedOn": today(), "validUntil": LATER},
        format="json",
    )

    assert blank.status_code == 400
    assert blank.json()["fieldErrors"] == {"reason": ["Give a reason."]}
    assert not_approved.status_code == 409
    assert renew_proposed.status_code == 409
    assert (record_state(approved), record_state(proposed)) == before


def test_the_person_cannot_renew_their_own_competence(world):
    admin = membership_of(world.a.admin, world.a.body)
    record = CompetenceRecordFactory(membership=admin)
    before = record_state(record)

    response = signed_in(world.a.admin).post(
        url("competence-record-renew", record.pk),
        {"evaluatedOn": today(), "validUntil": LATER},
        format="json",
    )

    assert response.status_code == 400
    assert record_state(record) == before


def test_evidence_is_uploaded_and_listed(world, auditor_a):
    # given
    record = CompetenceRecordFactory(membership=auditor_a)
    client = signed_in(world.a.admin)

    # when a PDF is uploaded
    uploaded = client.post(
        url("competence-record-evidence", record.pk),
        {
            "file": SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf"),
            "description": "Lead verifier certificate",
        },
        format="multipart",
    )
    listed = client.get(url("competence-record-evidence", record.pk))

    # then
    assert uploaded.status_code == 201, uploaded.content
    evidence = CompetenceEvidence.objects.get()
    assert uploaded.json() == {
        "id": str(evidence.pk),
        "description": "Lead verifier certificate",
        "filename": evidence.file.name.rsplit("/", 1)[-1],
        "sha256": evidence.sha256,
        "uploadedBy": {"id": str(world.a.admin.pk), "fullName": "Admin A"},
        "uploadedAt": uploaded.json()["uploadedAt"],
    }
    assert uploaded.json()["filename"].startswith("certificate")
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["evidence"]] == [str(evidence.pk)]


def test_evidence_of_the_wrong_type_is_refused(world, auditor_a):
    record = CompetenceRecordFactory(membership=auditor_a)

    response = signed_in(world.a.admin).post(
        url("competence-record-evidence", record.pk),
        {
            "file": SimpleUploadedFile("notes.pdf", b"MZ not a pdf", content_type="application/pdf"),
            "description": "Renamed program",
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"file": ["Upload a PDF, PNG or JPEG file."]}
    assert CompetenceEvidence.objects.count() == 0


def test_a_colleague_may_not_read_the_evidence_nor_add_any(world, auditor_a):
    record = CompetenceRecordFactory(membership=auditor_a)
    client = signed_in(world.a.member)

    listed = client.get(url("competence-record-evidence", record.pk))
    added = client.post(
        url("competence-record-evidence", record.pk),
        {"file": SimpleUploadedFile("c.pdf", PDF), "description": "x"},
        format="multipart",
    )

    assert listed.status_code == 403
    assert added.status_code == 403
    assert CompetenceEvidence.objects.count() == 0
    assert signed_in(auditor_a.user).get(url("competence-record-evidence", record.pk)).status_code == 200


# --- tenancy ------------------------------------------------------------------------------------------------


def test_another_body_gets_404_on_every_record_url_and_nothing_changes(world, auditor_a):
    # given an approved and a proposed record in body A
    approved = CompetenceRecordFactory(membership=auditor_a)
    proposed = CompetenceRecordFactory(
        membership=auditor_a, role=Role.LEAD_AUDITOR, status="proposed", evaluated_by=None, evaluated_on=None
    )
    before = (record_state(approved), record_state(proposed), AuditEvent.objects.count())

    # when B's administrator and B's member try every URL of them
    responses = []
    for user in (world.b.admin, world.b.member):
        client = signed_in(user)
        responses += [
            client.get(url("competence-record-detail", approved.pk)),
            client.post(
                url("competence-record-approve", proposed.pk), {"evaluatedOn": today()}, format="json"
            ),
            client.post(
                url("competence-record-renew", approved.pk),
                {"evaluatedOn": today(), "validUntil": LATER},
                format="json",
            ),
            client.post(url("competence-record-suspend", approved.pk), {"reason": "x"}, format="json"),
            client.get(url("competence-record-evidence", approved.pk)),
            client.post(
                url("competence-record-evidence", approved.pk),
                {"file": SimpleUploadedFile("c.pdf", PDF), "description": "x"},
                format="multipart",
            ),
        ]

    # then 404 each time, and nothing changed
    assert [r.status_code for r in responses] == [404] * 12
    assert (record_state(approved), record_state(proposed), AuditEvent.objects.count()) == before
    assert CompetenceEvidence.objects.count() == 0
    assert signed_in(world.b.admin).get(url("competence-record-list")).json()["competenceRecords"] == []


def test_body_a_never_sees_the_freelancers_records_kept_by_body_b(world, freelancer):
    client = signed_in(world.a.admin)
    before = record_state(freelancer.record_b)

    # when A's administrator lists, filters and addresses the freelancer's records
    everything = client.get(url("competence-record-list"))
    by_body_a = client.get(url("competence-record-list"), {"body": str(world.a.body.pk)})
    by_body_b = client.get(url("competence-record-list"), {"body": str(world.b.body.pk)})
    detail_b = client.get(url("competence-record-detail", freelancer.record_b.pk))
    suspend_b = client.post(
        url("competence-record-suspend", freelancer.record_b.pk), {"reason": "x"}, format="json"
    )
    detail_a = client.get(url("competence-record-detail", freelancer.record_a.pk))

    # then only A's record of that person exists for A
    assert [r["id"] for r in everything.json()["competenceRecords"]] == [str(freelancer.record_a.pk)]
    assert [r["id"] for r in by_body_a.json()["competenceRecords"]] == [str(freelancer.record_a.pk)]
    assert by_body_b.json()["competenceRecords"] == []
    assert (detail_b.status_code, suspend_b.status_code, detail_a.status_code) == (404, 404, 200)
    assert record_state(freelancer.record_b) == before

    # and the freelancer, a member of both, sees each body's record of theirs
    own = signed_in(freelancer.user).get(url("competence-record-list"))
    assert {r["id"] for r in own.json()["competenceRecords"]} == {
        str(freelancer.record_a.pk),
        str(freelancer.record_b.pk),
    }


def test_list_filters(world, auditor_a):
    # given three records of A's auditor
    valid = CompetenceRecordFactory(
        membership=auditor_a, evaluated_on=date(2025, 1, 1), valid_until=date(2027, 12, 31)
    )
    soon = CompetenceRecordFactory(
        membership=auditor_a,
        sector=sector("ghg", "3"),
        evaluated_on=date(2025, 1, 1),
        valid_until=today() + timedelta(days=20),
    )
    proposed = CompetenceRecordFactory(
        membership=auditor_a, role=Role.LEAD_AUDITOR, status="proposed", evaluated_by=None, evaluated_on=None
    )
    client = signed_in(world.a.admin)  # a competence manager: every record, whatever its status

    def ids(**params: object) -> set[str]:
        response = client.get(url("competence-record-list"), params)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["competenceRecords"]}

    # then
    assert ids(person=str(auditor_a.pk)) == {str(valid.pk), str(soon.pk), str(proposed.pk)}
    assert ids(validOn="2027-12-31") == {str(valid.pk)}
    assert ids(validOn="2028-01-01") == set()
    assert ids(validOn="2024-12-31") == set()
    assert ids(expiringBefore=(today() + timedelta(days=20)).isoformat()) == {str(soon.pk)}
    assert ids(status="proposed") == {str(proposed.pk)}
    assert ids(role="lead_auditor") == {str(proposed.pk)}
    assert ids(sector="ghg:3") == {str(soon.pk)}
    assert ids(standard="iso-14064-3", scheme="ghg") == {str(valid.pk), str(soon.pk), str(proposed.pk)}
    assert ids(scheme="iaf") == set()
    assert client.get(url("competence-record-list"), {"validOn": "someday"}).status_code == 400


def test_a_competence_read_token_lists_but_cannot_propose(world, auditor_a):
    CompetenceRecordFactory(membership=auditor_a)
    _, read = make_token(body=world.a.body, creator=world.a.admin, scopes={"competence": "read"})
    before = CompetenceRecord.objects.count()

    listed = bearer(read).get(url("competence-record-list"))
    proposed = bearer(read).post(
        url("competence-record-list"), proposal(auditor_a.pk, role="technical_expert"), format="json"
    )

    assert listed.status_code == 200
    assert listed.json()["pagination"]["total"] == 1
    assert proposed.status_code == 403
    assert CompetenceRecord.objects.count() == before


def test_evidence_file_downloads_for_managers_and_nobody_else(world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    from competence.services import evidence_add
    from tests.factories import CompetenceRecordFactory

    record = CompetenceRecordFactory(membership__body=world.a.body)
    content = b"%PDF-1.7 witness report"
    evidence = evidence_add(
        record=record,
        actor=world.a.admin,
        description="Witness report",
        upload=SimpleUploadedFile("witness.pdf", content, content_type="application/pdf"),
    )
    url = f"/api/v1/competence-records/{record.pk}/evidence/{evidence.pk}/download/"
    client = APIClient()
    client.force_authenticate(world.a.admin)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["X-Content-SHA256"] == evidence.sha256
    for user, expected in ((world.a.member, 403), (world.b.admin, 404)):
        client.force_authenticate(user)
        assert client.get(url).status_code == expected
