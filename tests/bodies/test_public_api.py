"""Public endpoints: the directory of approved bodies, reference data, and their rate limit."""

from __future__ import annotations

import pytest

from bodies.models import Accreditation, Body
from reference.models import Activity, Standard
from tests.factories import AccreditationFactory, BodyFactory, sector
from tests.helpers import code_refs, signed_in, url

pytestmark = pytest.mark.django_db


def test_the_directory_lists_only_approved_and_suspended_bodies(world, anon):
    # given bodies in every status
    for status in (Body.Status.APPLICANT, Body.Status.UNDER_REVIEW, Body.Status.WITHDRAWN):
        BodyFactory(legal_name=f"Hidden {status}", status=status)
    BodyFactory(legal_name="Body S Suspended ehf.", status=Body.Status.SUSPENDED)

    # when anyone, without logging in, reads the directory
    response = anon.get(url("directory-list"))

    # then only approved and suspended bodies appear, with their status
    assert response.status_code == 200
    assert [(b["legalName"], b["status"]) for b in response.json()["bodies"]] == [
        ("Body A Verification ehf.", "approved"),
        ("Body B Verification ehf.", "approved"),
        ("Body S Suspended ehf.", "suspended"),
    ]
    assert response.json()["pagination"]["total"] == 3


def test_a_directory_entry_shows_only_active_accreditations_and_public_fields(world, anon):
    # given an active and a withdrawn accreditation of A
    active = AccreditationFactory(body=world.a.body)
    AccreditationFactory(body=world.a.body, status=Accreditation.Status.WITHDRAWN)

    # when
    response = anon.get(url("directory-detail", world.a.body.pk))

    # then
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {
        "id",
        "legalName",
        "shortName",
        "country",
        "kind",
        "status",
        "website",
        "activities",
        "accreditations",
    }
    assert data["activities"] == code_refs(Activity, "validation", "verification")
    assert len(data["accreditations"]) == 1
    entry = data["accreditations"][0]
    assert entry["id"] == str(active.pk)
    assert entry["standard"] == "iso_14065"
    assert entry["validTo"] == active.valid_to.isoformat()
    assert entry["scopeStandards"] == code_refs(Standard, "icr-programme", "iso-14064-2", "iso-14064-3")
    assert [s["code"] for s in entry["scopeSectors"]] == ["1", "3", "14"]
    assert entry["scopeSectors"][0] == {
        "scheme": "ghg",
        "code": "1",
        "name": sector("ghg", "1").name,
        "version": sector("ghg", "1").version,
    }


def test_a_body_outside_the_directory_is_not_found(world, anon):
    applicant = BodyFactory(status=Body.Status.APPLICANT)

    assert anon.get(url("directory-detail", applicant.pk)).status_code == 404
    assert anon.get("/api/v1/directory/not-a-uuid/").status_code == 404


def test_directory_filters(world, anon):
    # given a Norwegian product CB approved for certification
    norwegian = BodyFactory(
        legal_name="Fjord Cert AS", country="NO", kind=Body.Kind.PRODUCT_CB, activities=[]
    )
    norwegian.activities.set(["certification"])

    def names(**params: str) -> list[str]:
        return [b["legalName"] for b in anon.get(url("directory-list"), params).json()["bodies"]]

    # then
    assert names(country="NO") == ["Fjord Cert AS"]
    assert names(kind="vvb") == ["Body A Verification ehf.", "Body B Verification ehf."]
    assert names(activity="certification") == ["Fjord Cert AS"]
    assert names(activity="verification", country="is") == [
        "Body A Verification ehf.",
        "Body B Verification ehf.",
    ]


def test_the_directory_is_read_only(world, anon):
    assert anon.post(url("directory-list"), {"legalName": "x"}, format="json").status_code == 405
    assert signed_in(world.staff).delete(url("directory-detail", world.a.body.pk)).status_code == 405
    assert Body.objects.filter(pk=world.a.body.pk).exists()


def test_public_endpoints_are_rate_limited_as_anonymous(world, anon, settings):
    # given an anonymous rate of three requests a minute
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "3/min"},
    }

    # when a fourth request comes within the minute
    codes = [anon.get(url("directory-list")).status_code for _ in range(4)]

    # then it is refused in the error shape
    assert codes == [200, 200, 200, 429]
    refused = anon.get(url("reference-sector-list"))
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert "Retry-After" in refused.headers


def test_a_signed_in_caller_is_throttled_as_anonymous_on_public_endpoints(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "1/min"},
    }
    client = signed_in(world.staff)

    assert [client.get(url("directory-list")).status_code for _ in range(2)] == [200, 429]


# --- reference data -----------------------------------------------------------------------------------------


def test_reference_activities_and_standards(anon, db):
    activities = anon.get(url("reference-activity-list"))
    standards = anon.get(url("reference-standard-list"), {"kind": "management_system"})

    assert activities.status_code == 200
    assert activities.json()["activities"] == [
        {"code": "certification", "name": "Certification"},
        {"code": "methodology_assessment", "name": "Methodology assessment"},
        {"code": "validation", "name": "Validation"},
        {"code": "verification", "name": "Verification"},
    ]
    assert [s["code"] for s in standards.json()["standards"]] == [
        "iso-14001",
        "iso-45001",
        "iso-50001",
        "iso-9001",
    ]
    assert set(standards.json()["standards"][0]) == {"code", "name", "kind", "sectorScheme"}


def test_reference_sectors_filter_by_scheme_and_currency(anon, db):
    # given an old version of GHG scope 1 beside the current list
    from reference.models import Sector

    Sector.objects.create(
        scheme="ghg", code="1", name="Energy (old)", version="UNFCCC-SS:2010", is_current=False
    )

    # when
    current = anon.get(url("reference-sector-list"), {"scheme": "ghg", "current": "true", "limit": 500})
    old = anon.get(url("reference-sector-list"), {"scheme": "ghg", "current": "false"})

    # then
    assert current.status_code == 200
    codes = [s["code"] for s in current.json()["sectors"]]
    assert codes == sorted(codes, key=int)
    assert (
        current.json()["pagination"]["total"] == Sector.objects.filter(scheme="ghg", is_current=True).count()
    )
    assert {s["scheme"] for s in current.json()["sectors"]} == {"ghg"}
    assert [(s["code"], s["version"], s["isCurrent"]) for s in old.json()["sectors"]] == [
        ("1", "UNFCCC-SS:2010", False)
    ]
