"""The kernel's cost: a request reads the caller's bodies once and lists filter by literal ids; each list's
order is an index's order, so a page reads one page of index entries however large the table grows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bodies.deadlines import ACCREDITATION_EXPIRY
from bodies.documents import APPROVAL_LETTER
from bodies.models import Body, Membership, Role
from bodies.services import membership_set_status
from competence.models import CompetenceRecord
from core.audit import audit_record
from core.tenancy import visible_body_ids
from documents.services import document_request
from reminders.services import deadline_upsert
from tests.factories import (
    AccreditationFactory,
    BodyFactory,
    CompetenceRecordFactory,
    MembershipFactory,
    UserFactory,
    sector,
)
from tests.helpers import signed_in, url

pytestmark = pytest.mark.django_db

MEMBERSHIP_LOOKUP = 'FROM "bodies_membership" WHERE'
MEMBERSHIP_SUBQUERY = '"bodies_membership" U0'


@contextmanager
def a_request() -> Iterator[None]:
    """The request signals as the handler sends them (without closing the test's connection, as the test
    client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        yield
    finally:
        request_finished.send(sender=None)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def listed(client: Any, name: str, key: str) -> tuple[list[str], list[str]]:
    """The ids a list answers and the SQL it sent."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(name))
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()[key]], [q["sql"] for q in captured.captured_queries]


# --- the caller's bodies, once per request ------------------------------------------------------------------


def test_a_list_reads_the_callers_bodies_once_and_filters_by_their_ids(world, freelancer):
    # given the freelancer, a person of A and of B, and a record of someone else in a third body
    CompetenceRecordFactory(membership=MembershipFactory(body=BodyFactory()))

    # when they list competence records
    ids, sql = listed(signed_in(freelancer.user), "competence-record-list", "competenceRecords")

    # then their two records, their bodies read in one query, and the count and page name both bodies as ids
    assert sorted(ids) == sorted([str(freelancer.record_a.pk), str(freelancer.record_b.pk)])
    assert len([q for q in sql if MEMBERSHIP_LOOKUP in q]) == 1
    assert not [q for q in sql if MEMBERSHIP_SUBQUERY in q]
    listing = [q for q in sql if 'FROM "competence_competencerecord"' in q]
    assert len(listing) == 2
    for query in listing:
        assert str(world.a.body.pk) in query and str(world.b.body.pk) in query


def test_within_a_request_the_bodies_are_read_once(world, django_assert_num_queries):
    with a_request():
        # when the same person's bodies are asked for twice in one request
        with django_assert_num_queries(1):
            first = visible_body_ids(world.a.member)
            second = visible_body_ids(world.a.member)
        other = visible_body_ids(world.b.member)

    # then read once, as ids; another person has their own
    assert first == second == [world.a.body.pk]
    assert other == [world.b.body.pk]


def test_a_membership_ended_during_the_request_is_seen_by_the_rest_of_it(world):
    # given A's member's bodies already read in this request
    membership = Membership.objects.get(user=world.a.member, body=world.a.body)
    with a_request():
        assert visible_body_ids(world.a.member) == [world.a.body.pk]

        # when A's administrator ends the membership in the same request
        membership_set_status(membership=membership, status=Membership.Status.LEFT, actor=world.a.admin)

        # then the rest of the request sees no body for them
        assert visible_body_ids(world.a.member) == []
        assert list(CompetenceRecord.objects.visible_to(world.a.member)) == []


def test_outside_a_request_the_bodies_are_a_subquery(world, django_assert_num_queries):
    # when a task or the shell asks
    with django_assert_num_queries(0):
        body_ids = visible_body_ids(world.a.member)

    # then a subquery, read fresh by the query that uses it
    assert isinstance(body_ids, QuerySet)
    assert list(Body.objects.filter(pk__in=body_ids)) == [world.a.body]


def test_tokens_staff_and_strangers_are_unchanged(world, django_assert_num_queries):
    # given a person with no membership
    stranger = UserFactory()
    with a_request(), django_assert_num_queries(1):
        # then a stranger sees nothing, staff every body (no query), a token its body (no query)
        assert visible_body_ids(stranger) == []
        assert visible_body_ids(world.staff) is None
        token = type("Token", (), {"body_id": world.b.body.pk})()
        assert visible_body_ids(world.a.admin, token) == [world.b.body.pk]


# --- the lists' orders --------------------------------------------------------------------------------------


def test_competence_records_are_listed_newest_first_ties_by_id(world, auditor_a):
    # given three records of A, two made at the same moment
    first = CompetenceRecordFactory(membership=auditor_a)
    tied = [
        CompetenceRecordFactory(membership=auditor_a, sector=sector("ghg", "3")),
        CompetenceRecordFactory(membership=auditor_a, role=Role.LEAD_AUDITOR),
    ]
    moment = timezone.now()
    CompetenceRecord.objects.filter(pk=first.pk).update(created_at=moment - timedelta(days=1))
    CompetenceRecord.objects.filter(pk__in=[r.pk for r in tied]).update(created_at=moment)

    # when A's member lists them
    ids, _sql = listed(signed_in(world.a.member), "competence-record-list", "competenceRecords")

    # then the newest first, the tie by id, highest first
    assert ids == [str(r.pk) for r in sorted(tied, key=lambda r: r.pk, reverse=True)] + [str(first.pk)]


def test_bodies_are_listed_by_name_ties_by_id(world):
    # given two more bodies with the same legal name
    twins = sorted([BodyFactory(legal_name="Body A Verification ehf."), BodyFactory()], key=lambda b: b.pk)
    Body.objects.filter(pk__in=[b.pk for b in twins]).update(legal_name="Body A Verification ehf.")

    # when staff list bodies
    ids, _sql = listed(signed_in(world.staff), "body-list", "bodies")

    # then by name, the three of the same name by id
    same_name = sorted([world.a.body.pk, *[b.pk for b in twins]])
    assert ids == [str(pk) for pk in same_name] + [str(world.b.body.pk)]


# --- the orders are indexes' orders -------------------------------------------------------------------------


def plan_nodes(plan: dict[str, Any]) -> Iterator[str]:
    """Each node's type, and the index it reads if any."""
    yield plan["Node Type"]
    if "Index Name" in plan:
        yield plan["Index Name"]
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def page_plan(sql: list[str], table: str) -> list[str]:
    """The page query's plan (node types and indexes) when sorting is priced out: a plain Sort remains only if
    no index gives the list's order."""
    (page,) = [q for q in sql if f'FROM "{table}"' in q and "LIMIT" in q]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {page}")
            plan = cursor.fetchone()[0][0]["Plan"]
        finally:
            cursor.execute("RESET enable_sort")
            cursor.execute("RESET enable_seqscan")
    return list(plan_nodes(plan))


@pytest.mark.parametrize(
    ("who", "name", "key", "table", "index"),
    [
        (
            "staff",
            "competence-record-list",
            "competenceRecords",
            "competence_competencerecord",
            "competence_created",
        ),
        (
            "member",
            "competence-record-list",
            "competenceRecords",
            "competence_competencerecord",
            "competence_body_created",
        ),
        ("staff", "body-list", "bodies", "bodies_body", "body_name"),
        ("staff", "person-list", "people", "bodies_membership", "user_name_email"),
        ("staff", "deadline-list", "deadlines", "reminders_deadline", "deadline_due"),
        ("staff", "audit-event-list", "auditEvents", "core_auditevent", "auditevent_created"),
        ("staff", "document-list", "documents", "documents_document", "document_requested"),
    ],
)
def test_each_list_is_read_in_an_indexs_order(world, auditor_a, who, name, key, table, index):
    # given a few rows of each list
    CompetenceRecordFactory(membership=auditor_a)
    CompetenceRecordFactory(membership=auditor_a, sector=sector("ghg", "3"))
    accreditation = AccreditationFactory(body=world.a.body)
    with transaction.atomic():
        deadline_upsert(
            kind=ACCREDITATION_EXPIRY, subject=accreditation, body=world.a.body, due_on=accreditation.valid_to
        )
        audit_record(
            actor=world.a.admin, action="bodies.body.profile_updated", obj=world.a.body, body=world.a.body
        )
        document_request(kind=APPROVAL_LETTER, subject=world.a.body, body=world.a.body, actor=None)
    user = world.staff if who == "staff" else world.a.member

    # when the list is read
    ids, sql = listed(signed_in(user), name, key)

    # then its page query walks the list's index and needs no sort of its own (people: only within one name,
    # an incremental sort)
    assert ids
    plan = page_plan(sql, table)
    assert index in plan
    assert "Sort" not in plan
