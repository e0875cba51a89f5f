"""Fixtures of the people and competence API tests: the API helpers, a freelance auditor, competence records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from bodies.models import Membership, Role
from competence.models import CompetenceRecord
from tests.api.conftest import bearer, make_token, queries_of, signed_in, url
from tests.factories import CompetenceRecordFactory, MembershipFactory, UserFactory, today

__all__ = ["bearer", "make_token", "membership_of", "queries_of", "record_state", "signed_in", "url"]


def membership_of(user: User, body: Any) -> Membership:
    return Membership.objects.get(user=user, body=body)


def record_state(record: CompetenceRecord) -> tuple[Any, ...]:
    """Everything a refused call must leave as it was."""
    record.refresh_from_db()
    return (
        record.status,
        record.status_reason,
        record.evaluated_by_id,
        record.evaluated_on,
        record.valid_until,
        record.basis,
        record.updated_at,
    )


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@dataclass
class Freelancer:
    """One auditor working for body A and for body B, with a competence record in each."""

    user: User
    in_a: Membership
    in_b: Membership
    record_a: CompetenceRecord
    record_b: CompetenceRecord


@pytest.fixture
def freelancer(world) -> Freelancer:  # type: ignore[no-untyped-def]
    user = UserFactory(email="freelance@auditors.example", full_name="Freya Freelance")
    signed = today() - timedelta(days=300)
    in_a = MembershipFactory(user=user, body=world.a.body, roles=[Role.AUDITOR], undertaking_signed_on=signed)
    in_b = MembershipFactory(
        user=user, body=world.b.body, roles=[Role.LEAD_AUDITOR], undertaking_signed_on=signed
    )
    record_a = CompetenceRecordFactory(membership=in_a, role=Role.AUDITOR)
    record_b = CompetenceRecordFactory(membership=in_b, role=Role.LEAD_AUDITOR)
    return Freelancer(user=user, in_a=in_a, in_b=in_b, record_a=record_a, record_b=record_b)


@pytest.fixture
def auditor_a(world) -> Membership:  # type: ignore[no-untyped-def]
    """An auditor of body A who signed the undertaking long ago."""
    return MembershipFactory(
        user=UserFactory(email="ragna@auditors.example", full_name="Ragna Lind"),
        body=world.a.body,
        roles=[Role.AUDITOR],
        undertaking_signed_on=today() - timedelta(days=400),
    )
