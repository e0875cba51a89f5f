"""Every error of the API answers in its one JSON shape (`{"code", "message", "fieldErrors"}`), never Django's
HTML page, and the served schema documents the errors each operation can answer.

The detail routes are read from the URL resolver (every `api-v1:` route with a record id in its path), so a new
capability's routes are checked without editing a list here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.helpers import signed_in, url

pytestmark = pytest.mark.django_db

NOT_A_UUID = "not-a-uuid"
#: path arguments that name a record (`id`, `uuid`, `pk`, `body_id`, `file_id`, `token`...)
ID_KWARGS = ("id", "uuid", "pk", "token")


def _api_routes(patterns: Any = None, namespace: str | None = None) -> Iterator[tuple[URLPattern, str]]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and namespace == "api-v1" and pattern.name:
            yield pattern, pattern.name


def _id_kwargs(pattern: URLPattern) -> list[str]:
    names = list(pattern.pattern.regex.groupindex)
    return [name for name in names if name in ID_KWARGS or name.endswith(("_id", "_pk"))]


def _methods(pattern: URLPattern) -> list[str]:
    """The HTTP methods the route serves (a viewset's mapping, or an APIView's handlers)."""
    actions = getattr(pattern.callback, "actions", None)
    if actions is not None:
        # DRF adds "head" to a viewset's actions the first time its GET is served (so the walk would depend on which
        # tests ran before in the process); a HEAD answer has no body to check
        return sorted(m for m in actions if m not in ("options", "head"))
    view = pattern.callback.cls  # type: ignore[attr-defined]
    return sorted(m for m in view.http_method_names if m not in ("options", "head") and hasattr(view, m))


def detail_routes() -> list[tuple[str, str, str]]:
    """(route name, id argument, method) for every API route with a record id in its path."""
    found = []
    for pattern, name in _api_routes():
        for kwarg in _id_kwargs(pattern):
            found.extend((name, kwarg, method) for method in _methods(pattern))
    return found


def _malformed_path(name: str, kwarg: str) -> str:
    pattern = next(p for p, n in _api_routes() if n == name)
    ids = {key: str(uuid.uuid4()) for key in pattern.pattern.regex.groupindex}
    path = reverse(f"api-v1:{name}", kwargs=ids)
    return path.replace(ids[kwarg], NOT_A_UUID)


def json_404_failure(response: Any) -> str | None:
    """What is wrong with a response that should be the API's JSON 404, or None."""
    if response.status_code != 404:
        return f"answered {response.status_code}"
    if not response["Content-Type"].startswith("application/json"):
        return f"answered {response['Content-Type']}"
    body = response.json()
    if body != {"code": "not_found", "message": body.get("message"), "fieldErrors": {}}:
        return f"answered {body}"
    return None


def test_the_detail_routes_are_found():
    # the generated list covers the kernel and the capabilities alike (the walk itself works)
    names = {name for name, _, _ in detail_routes()}
    assert {"body-detail", "token-revoke", "engagement-team-member", "finding-file"} <= names
    assert len(names) > 60


def test_a_malformed_id_answers_the_json_404_on_every_detail_route(world):
    # a signed-in person (a token would meet its scope first on some routes; a malformed id must not reach it);
    # one test for all routes: one set of records, ~150 requests
    client = signed_in(world.a.admin)
    failures = []
    for name, kwarg, method in detail_routes():
        path = _malformed_path(name, kwarg)
        failure = json_404_failure(getattr(client, method)(path, format="json"))
        if failure:
            failures.append(f"{method.upper()} {path} ({name}): {failure}")
    assert failures == []


@pytest.mark.parametrize("path", ["/api/v1/no-such-collection/", "/api/v1/bodies/x/y/z/", "/api/nothing"])
def test_a_path_no_route_matches_under_api_answers_the_json_404(anon, path):
    assert json_404_failure(anon.get(path)) is None


def test_a_portal_path_keeps_its_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_405_406_and_415_answer_in_the_error_shape(world):
    staff = signed_in(world.staff)

    not_allowed = staff.delete(url("body-list"))
    not_acceptable = staff.get(url("body-list"), headers={"accept": "application/xml"})
    unsupported = staff.generic("POST", url("body-list"), "legalName=x", content_type="text/plain")

    for response, status, code in (
        (not_allowed, 405, "method_not_allowed"),
        (not_acceptable, 406, "not_acceptable"),
        (unsupported, 415, "unsupported_media_type"),
    ):
        assert response.status_code == status
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["code"] == code
        assert set(response.json()) == {"code", "message", "fieldErrors"}


def test_page_and_limit_are_refused_out_of_their_documented_range(world):
    # given two bodies, listed two a page (one page)
    staff = signed_in(world.staff)

    def status(**params: Any) -> int:
        return int(staff.get(url("body-list"), params).status_code)

    # then the last page and the largest limit are answered; one beyond, zero or not a number is a 400
    assert status(page=1, limit=2) == 200 and status(limit=500) == 200 and status(limit=1) == 200
    assert status(page=2, limit=2) == 400 and status(page=0) == 400 and status(page="x") == 400
    assert status(limit=501) == 400 and status(limit=0) == 400 and status(limit="-1") == 400
    assert status(page=2, limit=1) == 200  # two pages of one


def test_a_nul_character_is_refused_before_any_lookup(world):
    staff = signed_in(world.staff)

    query = staff.get(url("body-list"), {"q": "a\x00b"})
    body = staff.post(url("body-list"), {"legalName": "x\x00"}, format="json")

    assert query.status_code == 400 and query.json()["fieldErrors"] == {
        "q": ["Remove the NUL character from this value."]
    }
    assert body.status_code == 400 and "legalName" in body.json()["fieldErrors"]


def test_a_date_time_filter_takes_any_iso_offset(world):
    staff = signed_in(world.staff)
    # PostgreSQL refuses an offset beyond ±15:59; the filter compares in UTC
    assert (
        staff.get(url("audit-event-list"), {"createdBefore": "2026-11-17T10:59:29-16:00"}).status_code == 200
    )
    assert (
        staff.get(url("audit-event-list"), {"createdBefore": "0001-01-01T00:00:00+01:00"}).status_code == 400
    )


# --- the documented errors ------------------------------------------------------------------------------------

ERROR_REF = "#/components/schemas/Error"


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method, path, operation


def _error_ref(operation: dict[str, Any], code: str) -> str | None:
    response = operation["responses"].get(code)
    if response is None:
        return None
    return response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")


@pytest.fixture(scope="module")
def served_schema(django_db_blocker) -> dict[str, Any]:
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get(url("schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_every_operation_documents_the_errors_it_can_answer(served_schema):
    missing = []
    for method, path, operation in _operations(served_schema):
        public = operation.get("security") in (None, [{}])
        expected = {"429"}
        if not public:
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"400", "415"}
        if method == "get" and any(p["in"] == "query" for p in operation.get("parameters", [])):
            expected.add("400")
        for code in sorted(expected):
            if _error_ref(operation, code) != ERROR_REF:
                missing.append(f"{method.upper()} {path}: {code}")
    assert missing == []


def test_a_public_operation_documents_no_credentials_errors(served_schema):
    directory = served_schema["paths"]["/api/v1/directory/"]["get"]
    assert "401" not in directory["responses"] and "403" not in directory["responses"]
    assert _error_ref(directory, "429") == ERROR_REF


def test_a_views_own_wording_of_an_error_stays(served_schema):
    # a transition's 409 is declared by the view (`transition_action`); the schema class adds, never replaces
    approve = served_schema["paths"]["/api/v1/competence-records/{id}/approve/"]["post"]
    assert (
        approve["responses"]["409"]["description"] == "The record is not in a state that allows this action."
    )
    assert list(approve["responses"]) == sorted(approve["responses"])
