"""`/api/v1/` links to each collection and the docs; the schema's description explains the API's conventions."""

from __future__ import annotations

import pytest
from django.conf import settings

from core.api.resources import token_resources
from tests.helpers import url

pytestmark = pytest.mark.django_db


def test_the_root_links_every_collection_and_the_docs(anon):
    response = anon.get(url("root"))

    assert response.status_code == 200
    data = response.json()
    resources = data["resources"]
    base = "http://testserver/api/v1/"
    for name, path in {
        "bodies": "bodies/",
        "accreditations": "accreditations/",
        "auditEvents": "audit-events/",
        "referenceSectors": "reference/sectors/",
        "directory": "directory/",
        "tokens": "tokens/",
        "me": "me/",
    }.items():
        assert resources[name] == base + path, name
    assert data["docs"] == {"schema": base + "schema/", "swagger": base + "docs/", "redoc": base + "redoc/"}
    # every link answers (a public one 200, the others ask for credentials)
    for link in resources.values():
        assert anon.get(link).status_code in (200, 401, 403), link


def test_the_schema_description_explains_the_conventions(anon):
    description = anon.get(url("schema"), {"format": "json"}).json()["info"]["description"]

    assert description == settings.SPECTACULAR_SETTINGS["DESCRIPTION"]
    for words in (
        "Authorization: Bearer <token>",
        "body token",
        "registry token",
        "Token scopes",
        "`read`",
        "`write`",
        '"pagination"',
        '{"code", "message", "fieldErrors"}',
        "unknown_filter",
        "Rate limits",
        settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"],
        '{"scheme": "iaf", "code": "28"}',
    ):
        assert words in description, words


def test_the_description_names_real_token_resources():
    from djangorestframework_camel_case.util import camelize

    description = settings.SPECTACULAR_SETTINGS["DESCRIPTION"]
    named = [
        "bodies",
        "accreditations",
        "eligibility",
        "people",
        "competence",
        "documents",
        "deadlines",
        "auditEvents",
    ]
    routed = {next(iter(camelize({resource.name: None}))) for resource in token_resources()}
    assert [name for name in named if name not in routed] == []
    assert all(f"`{name}`" in description for name in named)
