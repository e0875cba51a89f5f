"""Shared fixtures: two bodies with a user of every role in each, plus registry staff; logged-in clients, a
freelance auditor in both bodies. Plain helpers are in `tests/helpers.py`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from bodies.models import Body, Membership, Role
from competence.models import CompetenceRecord

from .factories import (
    BodyFactory,
    CompetenceRecordFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
    today,
)


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


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def login(client: Client) -> Callable[..., Client]:
    """login(user) → the test client, logged in as that person (logged out of anyone before)."""

    def _login(user) -> Client:  # type: ignore[no-untyped-def]
        client.logout()
        client.force_login(user)
        return client

    return _login


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


@pytest.fixture
def client_user(world):  # type: ignore[no-untyped-def]
    """An active client user of a client of body A (the `client_a` role of the authorization matrix)."""
    from clients.models import ClientUser

    from .factories import ClientUserFactory, UserFactory

    user = UserFactory(email="client.a@client.example", full_name="Client A Person")
    client_user: ClientUser = ClientUserFactory(client__body=world.a.body, user=user)
    return client_user


#: the statement triggers that refuse TRUNCATE of the audit trail (core migration 0005), by table
AUDIT_TRUNCATE_GUARDS = {
    "core_auditevent": "core_auditevent_no_truncate",
    "core_auditchainhead": "core_auditchainhead_no_truncate",
}


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_truncate_guard():  # type: ignore[no-untyped-def]
    """PostgreSQL refuses TRUNCATE of the audit trail, and a transactional test's flush TRUNCATEs every table. In
    tests only, the flush switches those two triggers off around its TRUNCATE and on again, in its own
    transaction — what any owner of the database could do (the residual risk the chain key and the signed
    checkpoints answer). The application has no such bypass: `manage.py flush` is refused on PostgreSQL."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):  # type: ignore[no-untyped-def]
        sql = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not sql:
            return sql
        guards = AUDIT_TRUNCATE_GUARDS.items()
        off = [f"ALTER TABLE {table} DISABLE TRIGGER {trigger}" for table, trigger in guards]
        on = [f"ALTER TABLE {table} ENABLE TRIGGER {trigger}" for table, trigger in guards]
        return [*off, *sql, *on]

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]
    yield
    DatabaseOperations.sql_flush = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _audit_checkpoint_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Each test writes and reads audit checkpoints in its own directory (never a developer's var/)."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    settings.STORAGES = {
        **settings.STORAGES,
        "audit_checkpoints": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "audit-checkpoints")},
        },
    }
