"""GET status of every people and competence URL for every role, with body A's records in the URLs.

The same table is handed to the suite-wide authorization matrix (`tests/test_authorization_matrix.py`).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from competence.importing import competence_import_preview
from core.models import AuditEvent
from tests.factories import CompetenceRecordFactory
from tests.helpers import signed_in, url

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "member_a", "admin_a", "member_b", "admin_b", "staff")


def statuses(anonymous: int, member_a: int, admin_a: int, member_b: int, admin_b: int, staff: int) -> dict:
    return dict(zip(ROLES, (anonymous, member_a, admin_a, member_b, admin_b, staff), strict=True))


EVERYONE = statuses(401, 200, 200, 200, 200, 200)
OBJECT_OF_A = statuses(401, 200, 200, 404, 404, 200)
POST_ONLY = statuses(401, 405, 405, 405, 405, 405)
# a colleague's training, witnessing, evaluations and evidence: competence managers and the person only
HISTORY_OF_A = statuses(401, 403, 200, 404, 404, 200)

# URL name → (expected GET statuses, object of body A in the URL)
POLICY: dict[str, tuple[dict, str | None]] = {
    "person-list": (EVERYONE, None),
    "person-detail": (OBJECT_OF_A, "membership"),
    "person-competence-record-pdf": (POST_ONLY, "membership"),
    "person-training": (HISTORY_OF_A, "membership"),
    "person-witnessed-audits": (HISTORY_OF_A, "membership"),
    "person-evaluations": (HISTORY_OF_A, "membership"),
    "competence-record-list": (EVERYONE, None),
    "competence-record-detail": (OBJECT_OF_A, "competence_record"),
    "competence-record-approve": (POST_ONLY, "competence_record"),
    "competence-record-renew": (POST_ONLY, "competence_record"),
    "competence-record-suspend": (POST_ONLY, "competence_record"),
    "competence-record-evidence": (HISTORY_OF_A, "competence_record"),
    "competence-record-evidence-download": (HISTORY_OF_A, "evidence"),
    # staff see every body, so they must name one (400); everybody else has exactly one
    "competence-matrix": (statuses(401, 200, 200, 200, 200, 400), None),
    "competence-check-person": (POST_ONLY, None),
    "competence-check-team": (POST_ONLY, None),
    "competence-import-list": (EVERYONE, None),
    "competence-import-detail": (statuses(401, 404, 200, 404, 404, 200), "import_batch"),
    "competence-import-apply": (POST_ONLY, "import_batch"),
    # every member reads the body's confidentiality setting; its administrators change it
    "people-records-policy": (OBJECT_OF_A, "body"),
}


@pytest.fixture
def objects(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Body A's records; the membership is a third person's (neither member_a nor admin_a)."""
    record = CompetenceRecordFactory(membership__body=world.a.body)
    upload = SimpleUploadedFile("people.csv", b"email,full_name\nnew@example.org,New Person\n")
    preview = competence_import_preview(body=world.a.body, actor=world.a.admin, upload=upload)
    from competence.services import evidence_add

    evidence = evidence_add(
        record=record,
        actor=world.a.admin,
        description="Course certificate",
        upload=SimpleUploadedFile("certificate.pdf", b"%PDF-1.7 certificate", content_type="application/pdf"),
    )
    return {
        "body": world.a.body,
        "membership": record.membership,
        "competence_record": record,
        "import_batch": preview.batch,
        "evidence": evidence,
    }


def test_every_competence_url_is_in_the_policy():
    from competence.api.urls import urlpatterns

    assert sorted(pattern.name for pattern in urlpatterns) == sorted(POLICY)


def test_get_statuses_by_role(world, objects):
    # given
    users = {
        "member_a": world.a.member,
        "admin_a": world.a.admin,
        "member_b": world.b.member,
        "admin_b": world.b.admin,
        "staff": world.staff,
    }
    events = AuditEvent.objects.count()

    # when every role GETs every URL
    found: dict[str, dict[str, int]] = {}
    for name, (_expected, key) in POLICY.items():
        if key == "evidence":  # a file of a record: two keys in the URL
            path = reverse(
                f"api-v1:{name}", kwargs={"record_id": objects[key].record_id, "id": objects[key].pk}
            )
        else:
            path = url(name, objects[key].pk) if key else url(name)
        found[name] = {}
        for role in ROLES:
            client = APIClient() if role == "anonymous" else signed_in(users[role])
            found[name][role] = client.get(path).status_code

    # then as declared, and nothing changed
    assert found == {name: expected for name, (expected, _key) in POLICY.items()}
    assert AuditEvent.objects.count() == events
