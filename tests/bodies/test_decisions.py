"""Registry decisions on a body: what the platform does on the decider's behalf."""

from __future__ import annotations

import dataclasses

import pytest

from bodies import services
from bodies.models import Body, BodyStatusChange
from core.models import AuditEvent
from documents import registry
from documents.models import Document
from tests.factories import AccreditationFactory, BodyFactory

pytestmark = pytest.mark.django_db


def test_approval_succeeds_even_when_the_decider_could_not_request_the_letter(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    # given a body under review with a signed agreement, and an approval letter nobody may request by hand
    body = BodyFactory(status=Body.Status.UNDER_REVIEW, approved_at=None)
    AccreditationFactory(body=body)
    kind = registry.get_kind(services.APPROVAL_LETTER)
    monkeypatch.setitem(
        registry._KINDS, kind.code, dataclasses.replace(kind, can_request=lambda user, subject: False)
    )
    monkeypatch.setattr("documents.services._enqueue_render", lambda document_id: None)

    # when registry staff approve the body
    with django_capture_on_commit_callbacks(execute=True):
        services.body_approve(body=body, actor=world.staff, reason="Meets ICR VVB requirements")

    # then the decision stands and the platform itself asked for the letter
    body.refresh_from_db()
    assert body.status == Body.Status.APPROVED
    assert BodyStatusChange.objects.filter(body=body, to_status=Body.Status.APPROVED).count() == 1
    letter = Document.objects.get(kind=services.APPROVAL_LETTER, subject_id=str(body.pk))
    assert letter.status == Document.Status.PENDING
    assert letter.requested_by is None
    requested = AuditEvent.objects.get(action="documents.document.requested", object_id=str(letter.pk))
    assert (requested.actor, requested.actor_label) == (None, "system")
    # and the decision itself is the staff member's
    approved = AuditEvent.objects.get(action="bodies.body.approved", body=body)
    assert approved.actor == world.staff


def test_the_first_approval_is_stamped_once_and_a_reinstatement_keeps_it(world):
    # given a body under review with a verified accreditation
    body = BodyFactory(status=Body.Status.UNDER_REVIEW, approved_at=None)
    AccreditationFactory(body=body)

    # when it is approved, suspended and reinstated
    approved = services.body_approve(body=body, actor=world.staff, reason="Approved")
    suspended = services.body_suspend(body=body, actor=world.staff, reason="Accreditation suspended")
    reinstated = services.body_reinstate(body=body, actor=world.staff, reason="Restored")

    # then the first approval's time stays, and each decision is in the history at its own time
    body.refresh_from_db()
    assert approved.approved_at is not None
    assert body.approved_at == approved.approved_at == approved.status_changed_at
    assert body.status_changed_at == reinstated.status_changed_at
    history = list(
        BodyStatusChange.objects.filter(body=body)
        .order_by("decided_at")
        .values_list("to_status", "decided_at", "decided_by")
    )
    assert history == [
        ("approved", approved.status_changed_at, world.staff.pk),
        ("suspended", suspended.status_changed_at, world.staff.pk),
        ("approved", reinstated.status_changed_at, world.staff.pk),
    ]
