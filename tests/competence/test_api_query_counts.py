"""Every list of the people and competence API costs the same number of queries for few rows as for many."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bodies.models import Role
from competence.importing import competence_import_preview
from competence.models import CompetenceEvidence, PeriodicEvaluation, TrainingEntry, WitnessedAudit
from reference.models import Standard
from tests.factories import CompetenceRecordFactory, MembershipFactory, UserFactory, sector, today
from tests.helpers import assert_flat_queries, count_queries, signed_in, url

pytestmark = pytest.mark.django_db


def add_people(body: object, count: int) -> None:
    """People each holding competences in two columns, so rows and cells grow together."""
    for _ in range(count):
        membership = MembershipFactory(body=body, undertaking_signed_on=date(2024, 1, 1))
        CompetenceRecordFactory(membership=membership)
        CompetenceRecordFactory(membership=membership, role=Role.LEAD_AUDITOR, sector=sector("ghg", "3"))


def test_people_list(world):
    # given 3 people in A (the two of the world and one more), when there are 12, then the list costs the same
    client = signed_in(world.a.admin)
    assert_flat_queries(client, url("person-list"), lambda n: add_people(world.a.body, n))
    assert client.get(url("person-list")).json()["pagination"]["total"] == 12


def test_competence_records_list(world):
    client = signed_in(world.a.member)
    assert_flat_queries(client, url("competence-record-list"), lambda n: add_people(world.a.body, n))
    assert client.get(url("competence-record-list")).json()["pagination"]["total"] == 20


@pytest.mark.parametrize("export", [None, "csv", "xlsx"])
def test_matrix(world, django_assert_num_queries, export):
    add_people(world.a.body, 1)
    client = signed_in(world.a.member)
    path = url("competence-matrix") + (f"?format={export}" if export else "")
    few = count_queries(client, path)

    add_people(world.a.body, 9)

    with django_assert_num_queries(few):
        response = client.get(path)
    if export is None:
        assert len(response.json()["rows"]) == 12


def test_imports_list(world, django_assert_num_queries):
    def preview() -> None:
        upload = SimpleUploadedFile("people.csv", b"email,full_name\nnew@example.org,New Person\n")
        competence_import_preview(body=world.a.body, actor=world.a.admin, upload=upload)

    preview()
    client = signed_in(world.a.admin)
    few = count_queries(client, url("competence-import-list"))

    for _ in range(8):
        preview()

    with django_assert_num_queries(few):
        response = client.get(url("competence-import-list"))
    assert response.json()["pagination"]["total"] == 9


def test_a_persons_history_and_evidence_lists(world, django_assert_num_queries):
    # given one entry of each kind for one person of A
    record = CompetenceRecordFactory(membership__body=world.a.body)
    membership = record.membership
    standard = Standard.objects.get(code="iso-14064-3")

    def add(index: int) -> None:
        day = today() - timedelta(days=index + 1)
        TrainingEntry.objects.create(
            body=world.a.body,
            membership=membership,
            title=f"T{index}",
            completed_on=day,
            hours=2,
            standard=standard,
        )
        WitnessedAudit.objects.create(
            body=world.a.body,
            membership=membership,
            witnessed_by=UserFactory(),
            witnessed_on=day,
            standard=standard,
            sector=sector("ghg", "1"),
            outcome="satisfactory",
        )
        PeriodicEvaluation.objects.create(
            body=world.a.body,
            membership=membership,
            evaluated_by=UserFactory(),
            evaluated_on=day,
            outcome="satisfactory",
        )
        CompetenceEvidence.objects.create(
            record=record,
            body=world.a.body,
            file=f"evidence/{index}.pdf",
            description=f"E{index}",
            sha256="0" * 64,
            uploaded_by=UserFactory(),
        )

    add(0)
    client = signed_in(world.a.admin)
    paths = [
        url("person-training", membership.pk),
        url("person-witnessed-audits", membership.pk),
        url("person-evaluations", membership.pk),
        url("competence-record-evidence", record.pk),
    ]
    few = [count_queries(client, path) for path in paths]

    for index in range(1, 8):
        add(index)

    for path, count in zip(paths, few, strict=True):
        with django_assert_num_queries(count):
            response = client.get(path)
        assert response.json()["pagination"]["total"] == 8
