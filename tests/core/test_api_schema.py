"""The OpenAPI schema and its Swagger UI are served, and describe this API's endpoints."""

from __future__ import annotations

import pytest

from tests.helpers import url

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/bodies/",
    "/api/v1/bodies/{id}/",
    "/api/v1/bodies/{id}/agreement/",
    "/api/v1/bodies/{id}/eligibility/",
    "/api/v1/bodies/{body_id}/decisions/",
    "/api/v1/bodies/{body_id}/members/",
    "/api/v1/accreditations/",
    "/api/v1/accreditations/{id}/",
    "/api/v1/accreditations/{id}/status/",
    "/api/v1/directory/",
    "/api/v1/directory/{id}/",
    "/api/v1/reference/activities/",
    "/api/v1/reference/standards/",
    "/api/v1/reference/sectors/",
    "/api/v1/tokens/",
    "/api/v1/tokens/{uuid}/revoke/",
    "/api/v1/me/",
    "/api/v1/audit-events/",
    "/api/v1/audit-events/{id}/",
]


def test_the_schema_describes_every_endpoint_and_the_envelopes(anon):
    # when the schema is fetched as JSON
    response = anon.get(url("schema"), {"format": "json"})

    # then it has every path, and list envelopes name their plural in camelCase
    assert response.status_code == 200
    schema = response.json()
    assert [path for path in PATHS if path not in schema["paths"]] == []
    components = schema["components"]["schemas"]
    assert components["PaginatedAuditEventList"]["required"] == ["auditEvents", "pagination"]
    assert components["PaginatedBodyOutputList"]["required"] == ["bodies", "pagination"]
    assert set(components["PaginatedBodyOutputList"]["properties"]["pagination"]["properties"]) == {
        "total",
        "currentPage",
        "pageCount",
        "nextPage",
        "prevPage",
    }
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert set(schema["paths"]["/api/v1/audit-events/"]) == {"get"}


def test_the_swagger_ui_is_served_without_a_cdn(anon):
    response = anon.get(url("docs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn" not in html.lower()
