"""The back office: registry staff see every document and send failed ones back to the queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditEvent
from documents.models import Document

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:documents_document_changelist"


def test_staff_list_and_search_documents(client, world, ready_document):
    document = ready_document(body=world.b.body)
    client.force_login(world.staff)

    listed = client.get(reverse(CHANGELIST))
    found = client.get(reverse(CHANGELIST), {"q": document.sha256})
    detail = client.get(reverse("admin:documents_document_change", args=[document.pk]))

    assert listed.status_code == 200
    assert document.number in found.content.decode()
    assert detail.status_code == 200
    assert reverse("documents:download", args=[document.pk]) in detail.content.decode()


def test_rerender_action_requeues_failed_documents_only(
    client, world, request_letter, ready_document, enqueued, django_capture_on_commit_callbacks
):
    # given a failed and a ready document
    failed = request_letter()
    Document.objects.filter(pk=failed.pk).update(status=Document.Status.FAILED, error="boom", attempts=4)
    ready = ready_document()
    client.force_login(world.staff)

    # when staff run "re-render" on both
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(CHANGELIST),
            {"action": "rerender", "_selected_action": [str(failed.pk), str(ready.pk)]},
            follow=True,
        )

    # then only the failed one is queued again; the ready one is untouched
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "1 document queued for rendering.",
        "1 document was skipped: only failed documents can be rendered again.",
    ]
    assert Document.objects.get(pk=failed.pk).status == Document.Status.PENDING
    assert Document.objects.get(pk=ready.pk).status == Document.Status.READY
    assert enqueued == [str(failed.pk)]
    assert AuditEvent.objects.filter(action="documents.document.rerender_requested").count() == 1


def test_body_people_cannot_reach_the_back_office(client, world, ready_document):
    ready_document()
    client.force_login(world.a.admin)

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 302
