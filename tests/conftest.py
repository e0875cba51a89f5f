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


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):  # type: ignore[no-untyped-def]
    """A transactional test's flush empties every table; post_migrate recreates content types, permissions and
    the registry-staff group, but the reference lists come from a data migration. Reload them when missing."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        import importlib

        from django.apps import apps

        from reference.models import Sector

        if not Sector.objects.exists():
            importlib.import_module("reference.migrations.0002_load_reference_data").load(apps, None)
    yield
