"""Activities and standards are addressed the same way in every endpoint, as the reference endpoints show them:
answered as `{"code", "name"}`, sent as the code itself or as that object."""

from __future__ import annotations

import pytest

from bodies.models import Body
from competence.models import CompetenceRecord
from reference.models import Activity, Standard
from tests.factories import AccreditationFactory, CompetenceRecordFactory
from tests.helpers import signed_in, url

pytestmark = pytest.mark.django_db


def _reference(anon, name: str, key: str) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """code → the entry as the reference endpoint shows it, trimmed to the reference's own fields."""
    listed = anon.get(url(name), {"limit": 500}).json()[key]
    return {entry["code"]: {"code": entry["code"], "name": entry["name"]} for entry in listed}


def test_a_body_answers_its_activities_as_the_reference_list_shows_them(world, anon):
    activities = _reference(anon, "reference-activity-list", "activities")

    # when a body's activities are sent as a code and as the object an answer holds
    response = signed_in(world.a.admin).patch(
        url("body-detail", world.a.body.pk),
        {"activities": ["verification", {"code": "validation"}]},
        format="json",
    )

    # then both are taken and answered as {code, name}, as /reference/activities/ shows them
    assert response.status_code == 200, response.content
    assert {a.code for a in Body.objects.get(pk=world.a.body.pk).activities.all()} == {
        "validation",
        "verification",
    }
    assert response.json()["activities"] == [activities["validation"], activities["verification"]]
    listed = signed_in(world.a.admin).get(url("body-list")).json()["bodies"]
    mine = next(row for row in listed if row["id"] == str(world.a.body.pk))
    assert mine["activities"] == [activities["validation"], activities["verification"]]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (["verification", "no-such-activity"], "Unknown value(s): no-such-activity."),
        ([{"name": "Verification"}], None),
        ("verification", "Send a list."),
    ],
)
def test_an_unknown_or_malformed_activity_is_a_field_error_and_nothing_changes(world, given, message):
    before = set(world.a.body.activities.values_list("code", flat=True))

    response = signed_in(world.a.admin).patch(
        url("body-detail", world.a.body.pk), {"activities": given}, format="json"
    )

    assert response.status_code == 400
    errors = response.json()["fieldErrors"]
    assert [key.split(".")[0].split("[")[0] for key in errors] == ["activities"]
    if message:
        assert errors == {"activities": [message]}
    assert set(Body.objects.get(pk=world.a.body.pk).activities.values_list("code", flat=True)) == before


def test_accreditations_and_the_directory_name_activities_and_standards_alike(world, anon):
    activities = _reference(anon, "reference-activity-list", "activities")
    standards = _reference(anon, "reference-standard-list", "standards")
    accreditation = AccreditationFactory(body=world.a.body)
    expected_activities = [activities[code] for code in ("validation", "verification")]
    expected_standards = [standards[code] for code in ("icr-programme", "iso-14064-2", "iso-14064-3")]

    shown = signed_in(world.a.admin).get(url("accreditation-detail", accreditation.pk)).json()
    public = anon.get(url("directory-detail", world.a.body.pk)).json()

    assert sorted(shown["scopeActivities"], key=lambda a: a["code"]) == expected_activities
    assert sorted(shown["scopeStandards"], key=lambda s: s["code"]) == expected_standards
    (listed,) = [a for a in public["accreditations"] if a["id"] == str(accreditation.pk)]
    assert sorted(listed["scopeActivities"], key=lambda a: a["code"]) == expected_activities
    assert sorted(listed["scopeStandards"], key=lambda s: s["code"]) == expected_standards
    assert all(set(a) == {"code", "name"} for a in public["activities"])


def test_an_accreditation_takes_scope_codes_or_objects(world, anon):
    accreditation = AccreditationFactory(body=world.a.body)

    response = signed_in(world.a.admin).patch(
        url("accreditation-detail", accreditation.pk),
        {"scopeActivities": [{"code": "verification"}], "scopeStandards": ["iso-14064-3"]},
        format="json",
    )

    assert response.status_code == 200, response.content
    accreditation.refresh_from_db()
    assert [a.code for a in accreditation.scope_activities.all()] == ["verification"]
    assert [s.code for s in accreditation.scope_standards.all()] == ["iso-14064-3"]
    standard = Standard.objects.get(code="iso-14064-3")
    assert response.json()["scopeStandards"] == [{"code": standard.code, "name": standard.name}]


def test_a_competence_record_names_its_standard_as_the_reference_list_does(world, anon, auditor_a):
    standards = _reference(anon, "reference-standard-list", "standards")
    CompetenceRecordFactory(membership=auditor_a)

    listed = signed_in(world.a.admin).get(url("competence-record-list")).json()["competenceRecords"]
    response = signed_in(world.a.admin).post(
        url("competence-record-list"),
        {
            "person": str(auditor_a.pk),
            "standard": {"code": "iso-14064-3"},
            "sector": {"scheme": "ghg", "code": "3"},
            "role": "auditor",
            "basis": ["training"],
            "validUntil": "2029-06-30",
        },
        format="json",
    )

    assert all(row["standard"] == standards[row["standard"]["code"]] for row in listed)
    assert response.status_code == 201, response.content
    assert response.json()["standard"] == standards["iso-14064-3"]
    assert CompetenceRecord.objects.filter(standard_id="iso-14064-3", sector__code="3").count() == 1


def test_the_schema_documents_one_shape_for_activities_and_standards(anon):
    schema = anon.get(url("schema"), {"format": "json"}).json()
    components = schema["components"]["schemas"]

    def ref(component: str, field: str) -> str:
        prop = components[component]["properties"][field]
        return (prop.get("items") or prop).get("$ref", "")

    assert ref("BodyOutput", "activities").endswith("/CodeRef")
    assert ref("AccreditationOutput", "scopeActivities").endswith("/CodeRef")
    assert ref("AccreditationOutput", "scopeStandards").endswith("/CodeRef")
    assert ref("DirectoryBodyOutput", "activities").endswith("/CodeRef")
    assert set(components["CodeRef"]["properties"]) == {"code", "name"}
    assert Activity.objects.exists()
