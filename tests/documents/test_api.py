"""The documents API: tenant list, request (202), download, public verification."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.services import api_token_create
from bodies.documents import APPROVAL_LETTER
from core.models import AuditEvent
from documents.models import Document
from documents.services import document_render

pytestmark = pytest.mark.django_db

LIST = "/api/v1/documents/"
VERIFY = "/api/v1/documents/verify/"


def _token(world, scopes):  # type: ignore[no-untyped-def]
    _token, secret = api_token_create(
        body=world.a.body,
        actor=world.a.admin,
        name="Registry sync",
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=30),
    )
    return secret


# --- list and read ------------------------------------------------------------------------------------------


def test_list_shows_only_the_callers_bodies_in_the_envelope(api, world, ready_document, request_letter):
    # given documents of body A and body B
    mine = ready_document(body=world.a.body)
    pending = request_letter(body=world.a.body)
    ready_document(body=world.b.body)
    api.force_authenticate(world.a.member)

    # when a member of A lists documents
    response = api.get(LIST)

    # then only A's are listed, newest first, camelCased, in the ICR envelope
    assert response.status_code == 200
    data = response.json()
    assert [row["id"] for row in data["documents"]] == [str(pending.pk), str(mine.pk)]
    assert data["pagination"] == {
        "total": 2,
        "currentPage": 1,
        "pageCount": 1,
        "nextPage": None,
        "prevPage": None,
    }
    row = data["documents"][1]
    assert row["number"] == mine.number
    assert row["kind"] == APPROVAL_LETTER
    assert row["kindLabel"] == "ICR approval letter"
    assert row["body"] == str(world.a.body.pk)
    assert row["subjectType"] == "bodies.body"
    assert row["subjectId"] == str(world.a.body.pk)
    assert row["status"] == "ready"
    assert row["sha256"] == mine.sha256
    assert row["downloadUrl"] == f"http://testserver/api/v1/documents/{mine.pk}/download/"
    assert row["verifyUrl"] == f"http://127.0.0.1:8000/documents/verify/{mine.number}/"
    assert data["documents"][0]["downloadUrl"] is None


def test_list_filters_by_kind_and_status(api, world, ready_document, request_letter, private_kind):
    ready_document(kind=APPROVAL_LETTER)
    private = ready_document(kind="tests.private_letter")
    pending = request_letter()
    api.force_authenticate(world.staff)

    by_kind = api.get(LIST, {"kind": "tests.private_letter"}).json()["documents"]
    by_status = api.get(LIST, {"status": "pending"}).json()["documents"]
    bad_status = api.get(LIST, {"status": "lost"})

    assert [row["id"] for row in by_kind] == [str(private.pk)]
    assert [row["id"] for row in by_status] == [str(pending.pk)]
    assert bad_status.status_code == 400


def test_list_runs_a_constant_number_of_queries(api, world, ready_document, django_assert_num_queries):
    # given one document, then many, of several bodies
    api.force_authenticate(world.staff)
    ready_document(body=world.a.body)
    with django_assert_num_queries(2):  # count + page (bodies and content types joined)
        assert len(api.get(LIST).json()["documents"]) == 1

    for _ in range(6):
        ready_document(body=world.a.body)
        ready_document(body=world.b.body)

    # when they are listed again, then the query count has not grown
    with django_assert_num_queries(2):
        assert len(api.get(LIST).json()["documents"]) == 13


def test_read_another_bodys_document_is_404(api, world, ready_document):
    document = ready_document(body=world.a.body)
    api.force_authenticate(world.b.admin)

    assert api.get(f"{LIST}{document.pk}/").status_code == 404
    assert api.get(f"{LIST}{document.pk}/download/").status_code == 404


def test_anonymous_cannot_list(api, ready_document):
    ready_document()

    assert api.get(LIST).status_code == 401


# --- request ------------------------------------------------------------------------------------------------


def test_request_answers_202_and_queues_the_render(api, world, enqueued, django_capture_on_commit_callbacks):
    # given body A's administrator
    api.force_authenticate(world.a.admin)

    # when they ask for their approval letter
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(LIST, {"kind": APPROVAL_LETTER, "subjectId": str(world.a.body.pk)}, format="json")

    # then the API accepts it at once and the render is queued after the commit
    document = Document.objects.get()
    assert response.status_code == 202
    assert response.json() == {"id": str(document.pk), "number": document.number, "status": "pending"}
    assert document.requested_by == world.a.admin
    assert document.body == world.a.body
    assert enqueued == [str(document.pk)]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "nope.nothing", "subjectId": "x"}, "kind"),
        ({"kind": APPROVAL_LETTER, "subjectId": "not-a-uuid"}, "subjectId"),
        ({"kind": APPROVAL_LETTER}, "subjectId"),
    ],
)
def test_bad_request_is_400_with_field_errors(api, world, enqueued, payload, field):
    api.force_authenticate(world.staff)

    response = api.post(LIST, payload, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fieldErrors"]) == [field]
    assert Document.objects.count() == 0
    assert enqueued == []


def test_request_for_another_bodys_record_is_404_and_changes_nothing(api, world, enqueued):
    api.force_authenticate(world.b.admin)
    events = AuditEvent.objects.count()

    response = api.post(LIST, {"kind": APPROVAL_LETTER, "subjectId": str(world.a.body.pk)}, format="json")

    assert response.status_code == 404
    assert Document.objects.count() == 0
    assert AuditEvent.objects.count() == events
    assert enqueued == []


def test_member_without_the_right_is_403_and_changes_nothing(api, world, enqueued):
    api.force_authenticate(world.a.member)
    events = AuditEvent.objects.count()

    response = api.post(LIST, {"kind": APPROVAL_LETTER, "subjectId": str(world.a.body.pk)}, format="json")

    assert response.status_code == 403
    assert Document.objects.count() == 0
    assert AuditEvent.objects.count() == events
    assert enqueued == []


def test_token_with_read_scope_lists_its_body_but_cannot_request(api, world, ready_document, enqueued):
    # given a read-only documents token of body A
    mine = ready_document(body=world.a.body)
    ready_document(body=world.b.body)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {_token(world, {'documents': 'read'})}")

    # then it lists body A's documents only, and may not request one
    listed = api.get(LIST).json()["documents"]
    refused = api.post(LIST, {"kind": APPROVAL_LETTER, "subjectId": str(world.a.body.pk)}, format="json")

    assert [row["id"] for row in listed] == [str(mine.pk)]
    assert refused.status_code == 403
    assert Document.objects.count() == 2


# --- download -----------------------------------------------------------------------------------------------


def test_api_download_streams_the_pdf_and_refuses_pending(api, world, ready_document, request_letter):
    document = ready_document()
    pending = request_letter()
    api.force_authenticate(world.a.member)

    response = api.get(f"{LIST}{document.pk}/download/")
    not_ready = api.get(f"{LIST}{pending.pk}/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == document.file.open("rb").read()
    assert response["X-Content-SHA256"] == document.sha256
    assert not_ready.status_code == 409
    assert not_ready.json()["code"] == "invalid_transition"


# --- verify -------------------------------------------------------------------------------------------------


def test_public_verify_by_number_and_by_upload(api, world, request_letter):
    # given a rendered approval letter
    letter = document_render(document_id=request_letter().pk)

    # when anyone verifies it by number (JSON) and by file (multipart)
    by_number = api.post(VERIFY, {"number": letter.number}, format="json")
    by_file = api.post(
        VERIFY,
        {"file": SimpleUploadedFile("l.pdf", letter.file.read(), content_type="application/pdf")},
        format="multipart",
    )

    # then both say genuine and current, with what the public may know
    for response in (by_number, by_file):
        assert response.status_code == 200
        assert response.json() == {
            "found": True,
            "genuine": True,
            "current": True,
            "reason": "This is a genuine document issued through ICR, and it is current.",
            "document": {
                "number": letter.number,
                "kind": APPROVAL_LETTER,
                "kindLabel": "ICR approval letter",
                "bodyName": "Body A Verification ehf.",
                "renderedAt": letter.rendered_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "supersededAt": None,
                "sha256": letter.sha256,
                "downloadUrl": f"http://testserver/documents/{letter.pk}/download/",
            },
        }


def test_public_verify_not_found_and_refusals(api):
    unknown = api.post(VERIFY, {"sha256": "a" * 64}, format="json")
    not_pdf = api.post(
        VERIFY,
        {"file": SimpleUploadedFile("x.pdf", b"hello", content_type="application/pdf")},
        format="multipart",
    )
    nothing = api.post(VERIFY, {}, format="json")

    assert unknown.status_code == 200
    assert unknown.json()["found"] is False
    assert unknown.json()["document"] is None
    assert not_pdf.status_code == 400
    assert not_pdf.json()["fieldErrors"] == {"file": ["This is not a PDF file."]}
    assert nothing.status_code == 400


def test_public_verify_is_throttled(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "verify": "2/min"},
    }

    statuses = [
        api.post(VERIFY, {"number": "ICR-DOC-2026-AAAAAA"}, format="json").status_code for _ in range(3)
    ]

    assert statuses == [200, 200, 429]


def test_schema_documents_the_endpoints(api, world):
    api.force_authenticate(world.staff)

    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    paths = schema["paths"]
    assert set(paths["/api/v1/documents/"]) == {"get", "post"}
    assert "202" in paths["/api/v1/documents/"]["post"]["responses"]
    assert (
        "application/pdf" in paths["/api/v1/documents/{id}/download/"]["get"]["responses"]["200"]["content"]
    )
    assert set(paths["/api/v1/documents/verify/"]["post"]["requestBody"]["content"]) == {
        "multipart/form-data",
        "application/json",
    }
