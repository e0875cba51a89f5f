"""The API answers as its served schema says: schemathesis generates requests from `/api/v1/schema/` (examples,
the coverage phase's boundary and negative cases, a few fuzzed ones) and sends them in-process (WSGI) with a body
administrator's bearer token (every resource, read and write), signed in as that person for the session-only
operations, or with no credentials to the public endpoints.

Checks: no server error, every status code and content type documented, every response body as documented,
schema-invalid requests refused; schema-valid ones accepted where the schema can say what is valid (see
`CONFIG`). Bounded: `max-examples` per operation, deterministic (a fixed seed, no shrinking), one test function
so one set of records and one database transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction

from core.api.resources import token_resources
from tests.helpers import make_token


def _without(check: str, method: str, *paths: str) -> list[dict[str, Any]]:
    """Turn one check off for the named operations (schemathesis's `[[operations]]`)."""
    return [
        {"include-path": path, "include-method": method, "checks": {check: {"enabled": False}}}
        for path in paths
    ]


#: Writes whose schema-valid requests are refused for reasons an OpenAPI schema cannot state, so a generated
#: request is always refused (400) and `positive_data_acceptance` would only report that: they name records by
#: id (`body`, `person`, `engagement`, `client`... "Not found." for an id nothing has) or a document kind, a
#: reference code or a file the generator cannot know, and the services check rules across fields. Their 400s
#: stay checked by every other check (documented, in the error shape, no server error).
REFERENCES_RECORDS = [
    "/api/v1/accreditations/",
    "/api/v1/committee-meetings/",
    "/api/v1/competence-checks/person/",
    "/api/v1/competence-checks/team/",
    "/api/v1/competence-imports/",
    "/api/v1/competence-records/",
    "/api/v1/conflict-checks/",
    "/api/v1/conflict-overrides/",
    "/api/v1/decisions/",
    "/api/v1/documents/",
    "/api/v1/engagements/",
    "/api/v1/findings/",
    "/api/v1/findings/carry-forward/",
    "/api/v1/impartiality-risks/",
    "/api/v1/numberings/",
    "/api/v1/projects/",
    "/api/v1/reviews/",
]

#: schemathesis's configuration (its `schemathesis.toml` keys). The coverage phase (every boundary and
#: negative value of every parameter, ~10,000 requests here) is left out to keep the run near a minute;
#: the examples and a few fuzzed requests per operation, positive and negative, run.
CONFIG: dict[str, Any] = {
    "seed": 20261207,
    "generation": {"max-examples": 4, "deterministic": True, "no-shrink": True, "mode": "all"},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": False},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        "negative_data_rejection": {"enabled": True},
        "positive_data_acceptance": {"enabled": True},
    },
    "operations": [
        *_without("positive_data_acceptance", "POST", *REFERENCES_RECORDS),
        # the matrix's `body` and `sector` filters name a body and a sector of the reference list
        *_without("positive_data_acceptance", "GET", "/api/v1/competence-matrix/"),
        # `body` is required for a signed-in person but defaults to a body token's body (`VisibleRelatedField`):
        # the token this test uses may leave it out
        *_without("negative_data_rejection", "POST", "/api/v1/clients/", "/api/v1/people/"),
    ],
}


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    # Django's request signals close a connection that is inside a transaction (the test's); the test client
    # disconnects them the same way
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        config = schemathesis.Config.from_dict(CONFIG)
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler(), config=config)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(world: Any) -> dict[str, str]:
    """A body administrator's token with every resource's write scope."""
    scopes = {resource.name: "write" for resource in token_resources()}
    _, secret = make_token(body=world.a.body, creator=world.a.admin, scopes=scopes)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def session(world: Any) -> dict[str, dict[str, str]]:
    """The same administrator signed in (a session cookie and a CSRF token): for the session-only operations,
    which a token may not call (`session_only_actions`)."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    browser = Client()
    browser.force_login(world.a.admin)
    csrf = _get_new_csrf_string()
    cookies = {
        settings.SESSION_COOKIE_NAME: browser.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: csrf,
    }
    return {"headers": {"X-CSRFToken": csrf}, "cookies": cookies}


@pytest.fixture(autouse=True)
def _nodeid_for_schemathesis(request: pytest.FixtureRequest) -> None:
    # schemathesis 4.32 reads `node._nodeid` to name each operation's subtest; pytest 9.2 keeps it as `_id`
    request.node._nodeid = request.node.nodeid  # type: ignore[attr-defined]


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_the_api_answers_as_its_schema_says(
    case: Any, bearer: dict[str, str], session: dict[str, dict[str, str]]
) -> None:
    for cache in caches.all():  # the throttles count per token: a long run is not a burst of requests
        cache.clear()
    security = case.operation.definition.raw.get("security")
    with transaction.atomic():  # a savepoint: a database error in one request cannot spoil the next ones
        if security in (None, [{}]):  # public: no credentials
            case.call_and_validate()
        elif security == [{"cookieAuth": []}]:  # session only
            case.call_and_validate(headers=session["headers"], cookies=session["cookies"])
        else:
            case.call_and_validate(headers=bearer)
