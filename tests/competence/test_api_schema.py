"""The OpenAPI schema describes the people and competence endpoints and their envelopes."""

from __future__ import annotations

import pytest

from accounts.services import TOKEN_RESOURCES
from tests.helpers import url

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/people/": {"get", "post"},
    "/api/v1/people/{id}/": {"get", "patch"},
    "/api/v1/people/{id}/competence-record-pdf/": {"post"},
    "/api/v1/people/{person_id}/training/": {"get", "post"},
    "/api/v1/people/{person_id}/witnessed-audits/": {"get", "post"},
    "/api/v1/people/{person_id}/evaluations/": {"get", "post"},
    "/api/v1/competence-records/": {"get", "post"},
    "/api/v1/competence-records/{id}/": {"get"},
    "/api/v1/competence-records/{id}/approve/": {"post"},
    "/api/v1/competence-records/{id}/renew/": {"post"},
    "/api/v1/competence-records/{id}/suspend/": {"post"},
    "/api/v1/competence-records/{record_id}/evidence/": {"get", "post"},
    "/api/v1/competence-matrix/": {"get"},
    "/api/v1/competence-checks/person/": {"post"},
    "/api/v1/competence-checks/team/": {"post"},
    "/api/v1/competence-imports/": {"get", "post"},
    "/api/v1/competence-imports/{id}/": {"get"},
    "/api/v1/competence-imports/{id}/apply/": {"post"},
}


def test_the_schema_describes_every_endpoint_and_envelope(anon):
    # when
    schema = anon.get(url("schema"), {"format": "json"}).json()

    # then every path with exactly its methods, and the list envelopes in camelCase
    assert {path: set(schema["paths"].get(path, {})) - {"parameters"} for path in PATHS} == PATHS
    components = schema["components"]["schemas"]
    assert components["PaginatedPersonOutputList"]["required"] == ["people", "pagination"]
    assert components["PaginatedCompetenceRecordOutputList"]["required"] == [
        "competenceRecords",
        "pagination",
    ]
    assert components["PaginatedImportBatchOutputList"]["required"] == ["competenceImports", "pagination"]
    assert components["PaginatedWitnessedAuditOutputList"]["required"] == ["witnessedAudits", "pagination"]
    matrix = schema["paths"]["/api/v1/competence-matrix/"]["get"]
    assert set(matrix["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert {"body", "format", "expiringWithinDays"} <= {p["name"] for p in matrix["parameters"]}


def test_tokens_can_be_scoped_to_people_and_competence():
    assert {"people", "competence"} <= set(TOKEN_RESOURCES)
