"""Shared fixtures: two bodies with a user of every role in each, plus registry staff."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from bodies.models import Body, Role

from .factories import BodyFactory, MembershipFactory, StaffFactory, UserFactory


@dataclass
class Tenant:
    body: Body
    admin: User
    member: User


@dataclass
class World:
    a: Tenant
    b: Tenant
    staff: User


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    """Body A and body B, each with a body administrator and an ordinary member (an auditor)."""

    def tenant(label: str) -> Tenant:
        body = BodyFactory(legal_name=f"Body {label} Verification ehf.", short_name=f"Body {label}")
        admin = UserFactory(email=f"admin.{label.lower()}@example.org", full_name=f"Admin {label}")
        member = UserFactory(email=f"member.{label.lower()}@example.org", full_name=f"Member {label}")
        MembershipFactory(user=admin, body=body, roles=[Role.BODY_ADMIN])
        MembershipFactory(user=member, body=body, roles=[Role.AUDITOR])
        return Tenant(body=body, admin=admin, member=member)

    return World(
        a=tenant("A"),
        b=tenant("B"),
        staff=StaffFactory(email="staff@icr.example", full_name="Registry Staff"),
    )


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    yield
