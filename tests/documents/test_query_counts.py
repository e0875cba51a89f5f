"""A document's render costs the same few queries whatever its subject holds: each kind's context is built
with select/prefetch, and the render's own bookkeeping is a constant handful."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bodies.documents import APPROVAL_LETTER
from bodies.models import BodyStatusChange, Role
from competence.documents import PERSON_RECORD
from competence.models import CompetenceEvidence, PeriodicEvaluation, TrainingEntry, WitnessedAudit
from documents.models import Document
from documents.registry import get_kind
from documents.services import document_render, document_request
from reference.models import Standard
from tests.factories import (
    AccreditationFactory,
    CompetenceRecordFactory,
    MembershipFactory,
    UserFactory,
    sector,
)

pytestmark = pytest.mark.django_db

#: the render's own work around the context, the same for every kind: claim, load the document with its body,
#: check the claim, then in a savepoint lock the versions, record this one ready and supersede the previous one,
#: each with its audit event (chain head, insert, head update)
RENDER_BOOKKEEPING = 16
#: body (with the document), activities, sectors, accreditations (with their accreditation bodies), those
#: bodies' IAF MLA signatures, their scope activities and sectors, decision
APPROVAL_LETTER_CONTEXT = 7
#: membership with person and body, records, their evidence, training, witnessed audits, evaluations
PERSON_RECORD_CONTEXT = 6


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTML is built for real; WeasyPrint's layout (no queries) is left out to keep the test quick."""
    monkeypatch.setattr("documents.rendering.html_to_pdf", lambda html: b"%PDF-1.7\n" + html[:64].encode())


def request_and_render(kind: str, subject: Any, body: Any, actor: Any) -> tuple[int, int]:
    """The queries of the whole render, and of the kind's context alone (the document loaded as the render
    loads it)."""
    document = document_request(kind=kind, subject=subject, body=body, actor=actor)
    loaded = Document.objects.select_related("body", "subject_type").get(pk=document.pk)
    with CaptureQueriesContext(connection) as context:
        get_kind(kind).context(loaded)
    with CaptureQueriesContext(connection) as render:
        rendered = document_render(document_id=document.pk)
    assert rendered.status == Document.Status.READY, rendered.error
    return len(render.captured_queries), len(context.captured_queries)


# --- the approval letter ------------------------------------------------------------------------------------


def decide(body: Any, staff: Any, days_ago: int) -> None:
    BodyStatusChange.objects.create(
        body=body,
        from_status="under_review",
        to_status="approved",
        reason=f"Decision {days_ago}",
        decided_by=staff,
        decided_at=body.applied_at - timedelta(days=days_ago),
    )


def test_the_approval_letter_renders_in_a_constant_few_queries(world, enqueued):
    # given a body with one accreditation and one approval
    body = world.a.body
    AccreditationFactory(body=body)
    decide(body, world.staff, 1)
    request_and_render(
        APPROVAL_LETTER, body, body, world.staff
    )  # a first version: each later one supersedes it
    few = request_and_render(APPROVAL_LETTER, body, body, world.staff)

    # when it holds many accreditations (each with a scope), sectors and earlier decisions
    for _ in range(6):
        AccreditationFactory(body=body)
    body.sectors.set([sector("ghg", "1"), sector("ghg", "3"), sector("iaf", "1")])
    for days_ago in range(2, 6):
        decide(body, world.staff, days_ago)
    many = request_and_render(APPROVAL_LETTER, body, body, world.staff)

    # then the same few queries
    expected = (RENDER_BOOKKEEPING + APPROVAL_LETTER_CONTEXT, APPROVAL_LETTER_CONTEXT)
    assert (few, many) == (expected, expected)


# --- a person's competence record ---------------------------------------------------------------------------


def add_history(membership: Any, evaluator: Any, index: int) -> None:
    standard = Standard.objects.get(code="iso-14064-3")
    day = date(2025, 1, 1) + timedelta(days=index)
    TrainingEntry.objects.create(
        body=membership.body,
        membership=membership,
        title=f"T{index}",
        completed_on=day,
        hours=4,
        standard=standard,
    )
    WitnessedAudit.objects.create(
        body=membership.body,
        membership=membership,
        witnessed_by=evaluator,
        witnessed_on=day,
        standard=standard,
        sector=sector("ghg", "1"),
        outcome="satisfactory",
    )
    PeriodicEvaluation.objects.create(
        body=membership.body,
        membership=membership,
        evaluated_by=evaluator,
        evaluated_on=day,
        outcome="satisfactory",
    )


def test_a_persons_competence_record_renders_in_a_constant_few_queries(world, enqueued):
    # given a person of A with one competence and one entry of each history
    membership = MembershipFactory(body=world.a.body, roles=[Role.AUDITOR])
    evaluator = UserFactory()
    first = CompetenceRecordFactory(membership=membership)
    add_history(membership, evaluator, 0)
    request_and_render(
        PERSON_RECORD, membership, world.a.body, world.a.admin
    )  # a first version, superseded next
    few = request_and_render(PERSON_RECORD, membership, world.a.body, world.a.admin)

    # when they hold many, with evidence
    records: list[Callable[..., Any]] = [
        lambda: CompetenceRecordFactory(membership=membership, sector=sector("ghg", "3")),
        lambda: CompetenceRecordFactory(membership=membership, role=Role.LEAD_AUDITOR),
        lambda: CompetenceRecordFactory(membership=membership, sector=sector("ghg", "14")),
    ]
    for make in records:
        record = make()
        CompetenceEvidence.objects.create(
            record=record,
            body=world.a.body,
            file="evidence/x.pdf",
            description="Certificate",
            sha256="0" * 64,
            uploaded_by=evaluator,
        )
    CompetenceEvidence.objects.create(
        record=first,
        body=world.a.body,
        file="evidence/y.pdf",
        description="",
        sha256="1" * 64,
        uploaded_by=evaluator,
    )
    for index in range(1, 6):
        add_history(membership, UserFactory(), index)
    many = request_and_render(PERSON_RECORD, membership, world.a.body, world.a.admin)

    # then the same few queries
    expected = (RENDER_BOOKKEEPING + PERSON_RECORD_CONTEXT, PERSON_RECORD_CONTEXT)
    assert (few, many) == (expected, expected)


def test_the_letter_records_the_approval_in_force_when_it_was_requested(world, enqueued):
    # given an approval before the request and a later one (a reinstatement after a suspension)
    body = world.a.body
    decide(body, world.staff, 10)
    decide(body, world.staff, 3)
    document = document_request(kind=APPROVAL_LETTER, subject=body, body=body, actor=world.staff)
    later = UserFactory(is_staff=True, full_name="Later Staff")
    BodyStatusChange.objects.create(
        body=body,
        from_status="suspended",
        to_status="approved",
        reason="Reinstated",
        decided_by=later,
        decided_at=document.requested_at + timedelta(days=1),
    )
    loaded = Document.objects.select_related("body").get(pk=document.pk)

    # when its context is built, and that of a letter requested before any approval
    context = get_kind(APPROVAL_LETTER).context(loaded)
    Document.objects.filter(pk=document.pk).update(requested_at=body.applied_at - timedelta(days=30))
    early = get_kind(APPROVAL_LETTER).context(Document.objects.select_related("body").get(pk=document.pk))

    # then the latest approval up to the request; before any, the latest of all
    assert (context["decision"].reason, context["signatory"]) == ("Decision 3", world.staff)
    assert (early["decision"].reason, early["signatory"]) == ("Reinstated", later)
