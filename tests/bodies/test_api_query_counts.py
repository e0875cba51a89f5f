"""Every list endpoint costs the same number of queries for few rows as for many."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from bodies.models import Body, BodyStatusChange
from core.audit import audit_record
from reference.models import Sector
from tests.factories import AccreditationFactory, BodyFactory, MembershipFactory, UserFactory, sector
from tests.helpers import count_queries, make_token, signed_in, url

pytestmark = pytest.mark.django_db


def test_bodies_list(world, django_assert_num_queries):
    # given staff reading a short list (with sectors: they are read once per page, named by scheme and code)
    client = signed_in(world.staff)
    world.a.body.sectors.set([sector("ghg", "1")])
    few = count_queries(client, url("body-list"))

    # when many bodies with activities and sectors exist
    for _ in range(12):
        body = BodyFactory()
        body.sectors.set([sector("ghg", "1"), sector("ghg", "3")])

    # then the list costs the same
    with django_assert_num_queries(few):
        response = client.get(url("body-list"))
    assert response.json()["pagination"]["total"] == 14


def test_accreditations_list(world, django_assert_num_queries):
    client = signed_in(world.a.admin)
    AccreditationFactory(body=world.a.body)
    few = count_queries(client, url("accreditation-list"))

    for _ in range(10):
        AccreditationFactory(body=world.a.body)

    with django_assert_num_queries(few):
        response = client.get(url("accreditation-list"))
    assert response.json()["pagination"]["total"] == 11


def test_directory_list(world, anon, django_assert_num_queries):
    AccreditationFactory(body=world.a.body)
    few = count_queries(anon, url("directory-list"))

    for _ in range(8):
        AccreditationFactory(body=BodyFactory(status=Body.Status.APPROVED))
        AccreditationFactory(body=world.b.body)

    with django_assert_num_queries(few):
        response = anon.get(url("directory-list"))
    assert response.json()["pagination"]["total"] == 10


def test_audit_events_list(world, django_assert_num_queries):
    client = signed_in(world.a.admin)
    with transaction.atomic():
        audit_record(
            actor=world.a.admin, action="bodies.body.profile_updated", obj=world.a.body, body=world.a.body
        )
    few = count_queries(client, url("audit-event-list"))

    with transaction.atomic():
        for _ in range(15):
            audit_record(
                actor=world.a.admin, action="bodies.body.profile_updated", obj=world.a.body, body=world.a.body
            )

    with django_assert_num_queries(few):
        response = client.get(url("audit-event-list"))
    assert response.json()["pagination"]["total"] == 16


def test_tokens_list(world, django_assert_num_queries):
    client = signed_in(world.a.admin)
    make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})
    few = count_queries(client, url("token-list"))

    for index in range(6):
        creator = UserFactory()
        MembershipFactory(user=creator, body=world.a.body, roles=["body_admin"])
        make_token(body=world.a.body, creator=creator, scopes={"bodies": "read"}, days=10 + index)

    with django_assert_num_queries(few):
        response = client.get(url("token-list"))
    assert response.json()["pagination"]["total"] == 7


def test_reference_sectors_list(anon, db, django_assert_num_queries):
    few = count_queries(anon, url("reference-sector-list") + "?limit=500")

    for code in range(100, 140):
        Sector.objects.create(
            scheme="iaf", code=str(code), name=f"Extra {code}", version="IAF-ID1:2024", sort_key=code
        )

    with django_assert_num_queries(few):
        response = anon.get(url("reference-sector-list") + "?limit=500")
    assert response.json()["pagination"]["total"] == Sector.objects.count()


def test_decisions_and_members_lists(world, django_assert_num_queries):
    def decide(index: int) -> None:
        BodyStatusChange.objects.create(
            body=world.a.body,
            from_status="approved",
            to_status="suspended",
            reason=f"r{index}",
            decided_by=UserFactory(is_staff=True),
            decided_at=world.a.body.applied_at + timedelta(days=index),
        )

    decide(0)
    client = signed_in(world.staff)
    few_members = count_queries(client, url("body-members", world.a.body.pk))
    few_decisions = count_queries(client, url("body-decisions", world.a.body.pk))

    for index in range(1, 7):
        MembershipFactory(body=world.a.body)
        decide(index)

    with django_assert_num_queries(few_members):
        assert client.get(url("body-members", world.a.body.pk)).json()["pagination"]["total"] == 8
    with django_assert_num_queries(few_decisions):
        assert client.get(url("body-decisions", world.a.body.pk)).json()["pagination"]["total"] == 7
