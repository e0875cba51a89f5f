"""Who reaches which competence page: every URL of the app for every role, and body B never touches body A.

Object URLs are filled with body A's records. The table is the one the authorization matrix
(tests/test_authorization_matrix.py) needs for the competence portal.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bodies.models import Membership
from competence.importing import competence_import_preview
from competence.models import CompetenceEvidence, CompetenceRecord, TrainingEntry
from competence.services import evidence_add
from core.models import AuditEvent
from documents.models import Document
from imports.models import ImportBatch
from tests.helpers import membership_of, pdf_upload, proposed_record_for

from .test_portal_import_pages import csv_upload, good_lines

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "member_a", "admin_a", "member_b", "admin_b", "staff")


def portal(
    member_a: int = 200, admin_a: int = 200, member_b: int = 200, admin_b: int = 200
) -> tuple[int, ...]:
    """Login needed (302); registry staff without a body are sent to the back office (302)."""
    return (302, member_a, admin_a, member_b, admin_b, 302)


def admin_only() -> tuple[int, ...]:
    return portal(member_a=403, member_b=403)


def object_of_a(member_a: int = 200, admin_a: int = 200) -> tuple[int, ...]:
    return portal(member_a=member_a, admin_a=admin_a, member_b=404, admin_b=404)


# URL name → (argument: a record of body A, or None) and GET statuses for ROLES
# fmt: off
POLICY: dict[str, tuple[str | None, tuple[int, ...]]] = {
    "competence:people": (None, portal()),
    "competence:person-add": (None, admin_only()),
    "competence:person-detail": ("membership", object_of_a()),
    "competence:person-edit": ("membership", object_of_a(member_a=403)),
    "competence:record-create": ("membership", object_of_a(member_a=403)),
    "competence:training-add": ("membership", object_of_a(member_a=403)),
    "competence:witnessed-add": ("membership", object_of_a(member_a=403)),
    "competence:evaluation-add": ("membership", object_of_a(member_a=403)),
    "competence:person-pdf": ("membership", object_of_a(member_a=405, admin_a=405)),
    "competence:record-detail": ("competence_record", object_of_a()),
    "competence:record-approve": ("competence_record", object_of_a(member_a=403, admin_a=405)),
    "competence:record-renew": ("competence_record", object_of_a(member_a=403, admin_a=405)),
    "competence:record-suspend": ("competence_record", object_of_a(member_a=403, admin_a=405)),
    "competence:evidence-add": ("competence_record", object_of_a(member_a=403, admin_a=405)),
    "competence:evidence-download": ("evidence", object_of_a()),
    "competence:matrix": (None, portal()),
    "competence:matrix-export": (None, portal()),
    "competence:team-check": (None, portal()),
    "competence:team-check-row": (None, portal(400, 400, 400, 400)),
    "competence:records-policy": (None, admin_only()),
    "competence:import": (None, admin_only()),
    "competence:import-template": (None, admin_only()),
    "competence:import-preview": ("import_batch", object_of_a(member_a=403)),
    "competence:import-apply": ("import_batch", object_of_a(member_a=403, admin_a=405)),
}
# fmt: on


@pytest.fixture
def objects(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    record = proposed_record_for(world.a.member, world.a.body)
    return {
        "membership": membership_of(world.a.member, world.a.body),
        "competence_record": record,
        "evidence": evidence_add(
            record=record, actor=world.a.admin, upload=pdf_upload(), description="Certificate"
        ),
        "import_batch": competence_import_preview(
            body=world.a.body, actor=world.a.admin, upload=csv_upload(*good_lines(world.a.admin.email))
        ).batch,
    }


def _users(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "anonymous": None,
        "member_a": world.a.member,
        "admin_a": world.a.admin,
        "member_b": world.b.member,
        "admin_b": world.b.admin,
        "staff": world.staff,
    }


def _state() -> tuple[int, ...]:
    return (
        AuditEvent.objects.count(),
        Membership.objects.count(),
        CompetenceRecord.objects.filter(status="proposed").count(),
        CompetenceEvidence.objects.count(),
        TrainingEntry.objects.count(),
        ImportBatch.objects.filter(status="previewed").count(),
        Document.objects.count(),
    )


def test_the_policy_names_every_competence_url():
    from django.urls import get_resolver

    names = {
        f"competence:{name}"
        for name in get_resolver().namespace_dict["competence"][1].reverse_dict
        if isinstance(name, str)
    }
    assert names == set(POLICY)


def test_get_statuses_for_every_role(world, objects, client):
    # given
    users = _users(world)
    before = _state()
    failures = []
    # when
    for name, (arg, expected) in POLICY.items():
        url = reverse(name, args=[objects[arg].pk] if arg else [])
        for role, status in zip(ROLES, expected, strict=True):
            client.logout()
            if users[role] is not None:
                client.force_login(users[role])
            got = client.get(url).status_code
            if got != status:
                failures.append(f"{role:<9} GET {url} → {got}, expected {status} [{name}]")
    # then
    assert failures == []
    assert _state() == before


def test_body_b_gets_404_for_every_post_to_body_as_records_and_nothing_changes(world, objects, client):
    # given
    before = _state()
    data = {
        "reason": "x",
        "evaluated_on": "2026-01-01",
        "valid_until": "2030-01-01",
        "roles": ["body_admin"],
        "employment": "employee",
        "kind": "training",
        "title": "Course",
        "completed_on": "2026-01-01",
        "hours": "8",
        "outcome": "satisfactory",
        "description": "Hijack",
    }
    failures = []
    # when
    for user in (world.b.admin, world.b.member):
        client.force_login(user)
        for name, (arg, _expected) in POLICY.items():
            if not arg:
                continue
            url = reverse(name, args=[objects[arg].pk])
            status = client.post(url, {**data, "file": pdf_upload()}).status_code
            if status != 404:
                failures.append(f"{user.email} POST {url} → {status} [{name}]")
    # then
    assert failures == []
    assert _state() == before
    assert Membership.objects.get(user=world.a.member, body=world.a.body).roles == ["auditor"]
