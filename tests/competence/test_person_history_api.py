"""Training, witnessed audits and periodic evaluations of a person, under /people/{id}/."""

from __future__ import annotations

from datetime import timedelta

import pytest

from competence.models import PeriodicEvaluation, TrainingEntry, WitnessedAudit
from tests.factories import today
from tests.helpers import bearer, make_token, membership_of, signed_in, url

pytestmark = pytest.mark.django_db


def test_body_admin_records_and_lists_training(world, auditor_a):
    # given
    client = signed_in(world.a.admin)
    completed = today() - timedelta(days=10)

    # when
    created = client.post(
        url("person-training", auditor_a.pk),
        {
            "title": "ISO 14064-3 lead verifier",
            "provider": "ICR Academy",
            "completedOn": completed,
            "hours": "7.5",
            "standard": "iso-14064-3",
        },
        format="json",
    )
    listed = client.get(url("person-training", auditor_a.pk))

    # then
    assert created.status_code == 201, created.content
    entry = TrainingEntry.objects.get()
    assert created.json() == {
        "id": str(entry.pk),
        "kind": "training",
        "title": "ISO 14064-3 lead verifier",
        "provider": "ICR Academy",
        "completedOn": completed.isoformat(),
        "hours": 7.5,
        "standard": {"code": "iso-14064-3", "name": entry.standard.name},
        "createdAt": created.json()["createdAt"],
    }
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["training"]] == [str(entry.pk)]


def test_training_in_the_future_is_refused_by_the_service(world, auditor_a):
    response = signed_in(world.a.admin).post(
        url("person-training", auditor_a.pk),
        {"title": "Later", "completedOn": today() + timedelta(days=1), "hours": "2"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"completedOn": ["Training cannot be completed in the future."]}
    assert TrainingEntry.objects.count() == 0


def test_witnessed_audit_defaults_to_the_caller_as_witness(world, auditor_a):
    response = signed_in(world.a.admin).post(
        url("person-witnessed-audits", auditor_a.pk),
        {
            "witnessedOn": today() - timedelta(days=2),
            "standard": "iso-14064-3",
            "sector": {"scheme": "ghg", "code": "1"},
            "outcome": "satisfactory",
            "engagementReference": "ENG-7",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    witnessed = WitnessedAudit.objects.get()
    assert witnessed.witnessed_by == world.a.admin
    assert response.json()["witnessedBy"] == {"id": str(world.a.admin.pk), "fullName": "Admin A"}
    assert response.json()["sector"]["code"] == "1"


def test_a_person_cannot_witness_themselves_and_a_witness_of_another_body_is_not_found(world, auditor_a):
    client = signed_in(world.a.admin)
    body = {
        "witnessedOn": today() - timedelta(days=2),
        "standard": "iso-14064-3",
        "sector": {"scheme": "ghg", "code": "1"},
        "outcome": "satisfactory",
    }

    themselves = client.post(
        url("person-witnessed-audits", auditor_a.pk), {**body, "witnessedBy": auditor_a.pk}, format="json"
    )
    foreign = client.post(
        url("person-witnessed-audits", auditor_a.pk),
        {**body, "witnessedBy": membership_of(world.b.admin, world.b.body).pk},
        format="json",
    )

    assert themselves.status_code == 400
    assert themselves.json()["fieldErrors"] == {"witnessedBy": ["A person cannot witness their own audit."]}
    assert foreign.status_code == 400
    assert foreign.json()["fieldErrors"] == {"witnessedBy": ["Not found."]}
    assert WitnessedAudit.objects.count() == 0


def test_body_admin_records_an_evaluation_but_not_of_themselves(world, auditor_a):
    client = signed_in(world.a.admin)
    evaluated = today() - timedelta(days=1)

    created = client.post(
        url("person-evaluations", auditor_a.pk),
        {"evaluatedOn": evaluated, "outcome": "satisfactory", "nextDueOn": evaluated + timedelta(days=365)},
        format="json",
    )
    own = client.post(
        url("person-evaluations", membership_of(world.a.admin, world.a.body).pk),
        {"evaluatedOn": evaluated, "outcome": "satisfactory"},
        format="json",
    )

    assert created.status_code == 201, created.content
    assert created.json()["evaluatedBy"] == {"id": str(world.a.admin.pk), "fullName": "Admin A"}
    assert own.status_code == 400
    assert own.json()["fieldErrors"] == {"evaluatedBy": ["A person cannot evaluate themselves."]}
    assert PeriodicEvaluation.objects.count() == 1


def test_a_plain_member_records_nothing(world, auditor_a):
    client = signed_in(world.a.member)
    day = today() - timedelta(days=1)

    responses = [
        client.post(
            url("person-training", auditor_a.pk),
            {"title": "T", "completedOn": day, "hours": "1"},
            format="json",
        ),
        client.post(
            url("person-witnessed-audits", auditor_a.pk),
            {
                "witnessedOn": day,
                "standard": "iso-14064-3",
                "sector": {"scheme": "ghg", "code": "1"},
                "outcome": "satisfactory",
            },
            format="json",
        ),
        client.post(
            url("person-evaluations", auditor_a.pk),
            {"evaluatedOn": day, "outcome": "satisfactory"},
            format="json",
        ),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert (
        TrainingEntry.objects.count(),
        WitnessedAudit.objects.count(),
        PeriodicEvaluation.objects.count(),
    ) == (
        0,
        0,
        0,
    )


def test_colleagues_do_not_read_a_persons_history_but_the_person_does(world, auditor_a):
    # given A's plain member, and the auditor themselves
    colleague = signed_in(world.a.member)
    themselves = signed_in(auditor_a.user)

    # then the colleague is refused, the person reads their own
    for name in ("person-training", "person-witnessed-audits", "person-evaluations"):
        assert colleague.get(url(name, auditor_a.pk)).status_code == 403
        assert themselves.get(url(name, auditor_a.pk)).status_code == 200


def test_other_bodies_get_404_and_nothing_is_recorded(world, auditor_a):
    client = signed_in(world.b.admin)
    day = today() - timedelta(days=1)

    responses = [
        client.get(url("person-training", auditor_a.pk)),
        client.post(
            url("person-training", auditor_a.pk),
            {"title": "T", "completedOn": day, "hours": "1"},
            format="json",
        ),
        client.get(url("person-witnessed-audits", auditor_a.pk)),
        client.post(
            url("person-witnessed-audits", auditor_a.pk),
            {
                "witnessedOn": day,
                "standard": "iso-14064-3",
                "sector": {"scheme": "ghg", "code": "1"},
                "outcome": "satisfactory",
            },
            format="json",
        ),
        client.get(url("person-evaluations", auditor_a.pk)),
        client.post(
            url("person-evaluations", auditor_a.pk),
            {"evaluatedOn": day, "outcome": "satisfactory"},
            format="json",
        ),
    ]

    assert [r.status_code for r in responses] == [404] * 6
    assert (
        TrainingEntry.objects.count(),
        WitnessedAudit.objects.count(),
        PeriodicEvaluation.objects.count(),
    ) == (
        0,
        0,
        0,
    )


def test_tokens_read_history_with_people_read_and_write_it_with_people_write(world, auditor_a):
    _, read = make_token(body=world.a.body, creator=world.a.admin, scopes={"people": "read"})
    _, write = make_token(body=world.a.body, creator=world.a.admin, scopes={"people": "write"})
    day = today() - timedelta(days=1)
    body = {"title": "T", "completedOn": day.isoformat(), "hours": "1"}

    assert bearer(read).get(url("person-training", auditor_a.pk)).status_code == 200
    assert bearer(read).post(url("person-training", auditor_a.pk), body, format="json").status_code == 403
    assert TrainingEntry.objects.count() == 0
    assert bearer(write).post(url("person-training", auditor_a.pk), body, format="json").status_code == 201
