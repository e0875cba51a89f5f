"""The body's impartiality register with its committee minutes as one PDF: requested by a keeper of the
register, rendered by the documents engine in the background, read only by the register's keepers, its context
built in a constant few queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bodies.models import Membership, Role
from core.dates import today_in
from core.errors import PermissionDenied
from documents.models import Document
from documents.registry import get_kind
from documents.services import document_render, document_request
from impartiality.documents import REGISTER_PACK, register_pack_context
from tests.factories import CommitteeActionFactory, CommitteeMeetingFactory, MembershipFactory, RiskFactory

pytestmark = pytest.mark.django_db


def _populate(world, n: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        member = MembershipFactory(body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])
        risk = RiskFactory(owner=member)
        meeting = CommitteeMeetingFactory(body=world.a.body, attendees=[member])
        meeting.risks_reviewed.add(risk)
        CommitteeActionFactory(meeting=meeting, owner=member)


def _request(world, actor):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return document_request(kind=REGISTER_PACK, subject=world.a.body, body=world.a.body, actor=actor)


def test_a_keeper_requests_the_pack_and_the_engine_renders_it(world):
    _populate(world, 2)
    RiskFactory(
        owner=Membership.objects.get(body=world.a.body, user=world.a.member),
        title="Overdue one",
        next_review_on=today_in(world.a.body.time_zone) - timedelta(days=1),
    )
    document = _request(world, world.a.admin)
    assert document.status == "pending"

    rendered = document_render(document_id=document.pk)

    assert rendered.status == "ready"
    assert rendered.file.read(5) == b"%PDF-"
    context = register_pack_context(rendered)
    assert (len(context["risks"]), context["overdue_count"], len(context["meetings"])) == (3, 1, 2)


def test_an_ordinary_member_cannot_request_or_read_it(world):
    with pytest.raises(PermissionDenied):
        _request(world, world.a.member)
    assert Document.objects.filter(kind=REGISTER_PACK).count() == 0

    document = _request(world, world.a.admin)
    assert list(Document.objects.visible_to(world.a.member).filter(kind=REGISTER_PACK)) == []
    assert list(Document.objects.visible_to(world.a.admin).filter(kind=REGISTER_PACK)) == [document]
    assert list(Document.objects.visible_to(world.b.admin).filter(kind=REGISTER_PACK)) == []
    committee = MembershipFactory(body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE]).user
    assert get_kind(REGISTER_PACK).can_request(committee, world.a.body)
    assert list(Document.objects.visible_to(committee).filter(kind=REGISTER_PACK)) == [document]


def test_the_pack_context_costs_a_constant_few_queries(world):
    document = _request(world, world.a.admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            register_pack_context(document)
        return len(captured.captured_queries)

    _populate(world, 1)
    few = queries()
    _populate(world, 9)
    assert queries() == few
