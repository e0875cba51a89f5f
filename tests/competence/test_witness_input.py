"""The witnessed-audit input names the witness by membership and hands the service the witness's account
(`WitnessedAuditInput.validate`), now that the API's create is a declared service action."""

from __future__ import annotations

from datetime import timedelta

import pytest

from competence.models import WitnessedAudit
from tests.factories import today
from tests.helpers import membership_of, signed_in, url

pytestmark = pytest.mark.django_db


def _audit() -> dict[str, object]:
    return {
        "witnessedOn": today() - timedelta(days=2),
        "standard": "iso-14064-3",
        "sector": {"scheme": "ghg", "code": "1"},
        "outcome": "satisfactory",
    }


def test_a_named_witness_of_the_same_body_is_recorded_as_that_person(world, auditor_a):
    # given a colleague of the auditor in body A
    witness = membership_of(world.a.member, world.a.body)
    # when the body administrator records an audit that colleague witnessed
    response = signed_in(world.a.admin).post(
        url("person-witnessed-audits", auditor_a.pk), {**_audit(), "witnessedBy": witness.pk}, format="json"
    )
    # then
    assert response.status_code == 201, response.content
    witnessed = WitnessedAudit.objects.get()
    assert (witnessed.membership, witnessed.witnessed_by) == (auditor_a, world.a.member)
    assert response.json()["witnessedBy"] == {
        "id": str(world.a.member.pk),
        "fullName": world.a.member.full_name,
    }


def test_a_witness_the_caller_sees_in_another_body_is_refused_and_nothing_is_recorded(world, auditor_a):
    # given registry staff, who see every body's people
    outsider = membership_of(world.b.admin, world.b.body)
    # when they name a person of body B as the witness of an audit of body A's auditor
    response = signed_in(world.staff).post(
        url("person-witnessed-audits", auditor_a.pk), {**_audit(), "witnessedBy": outsider.pk}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"witnessedBy": ["Not a person of this body."]}
    assert WitnessedAudit.objects.count() == 0
