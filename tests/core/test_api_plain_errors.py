"""No framework wording leaks into the API's error messages: DRF's defaults become plain, translated messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from rest_framework.exceptions import ErrorDetail
from rest_framework.test import APIClient

from core.api.exceptions import plain_field_message
from tests.helpers import bearer, make_token, signed_in, url

pytestmark = pytest.mark.django_db

LEAKS = [
    r"\bpk\b",
    r"Expected",
    r"JSON parse",
    r"credentials were not provided",
    r"may not be null",
    r"Incorrect type",
    r"Method \"",
    r"Invalid data",
    r"not a file",
    r"encoding type",
    r"Not a valid string",
    r"valid integer",
    r"Must be a valid",
    r"has wrong format",
    r"Incorrect authentication",
    r"Unsupported media type",
    r"Accept header",
]


def messages_of(body: dict[str, Any]) -> list[str]:
    found = [body["message"]]
    for messages in body["fieldErrors"].values():
        found.extend(messages)
    return found


def bad_requests(world) -> list[tuple[str, Callable[[], Any]]]:  # type: ignore[no-untyped-def]
    staff = signed_in(world.staff)
    admin = signed_in(world.a.admin)
    _, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})
    body = world.a.body
    return [
        ("anonymous", lambda: APIClient().get(url("body-list"))),
        ("bad token", lambda: bearer("nope.nope").get(url("body-list"))),
        ("token scope", lambda: bearer(secret).get(url("accreditation-list"))),
        (
            "malformed JSON",
            lambda: admin.generic("POST", url("body-list"), "{not json", content_type="application/json"),
        ),
        ("method", lambda: staff.delete(url("body-detail", body.pk))),
        ("media type", lambda: admin.generic("POST", url("body-list"), "x", content_type="text/plain")),
        ("not acceptable", lambda: staff.get(url("body-list"), HTTP_ACCEPT="application/xml")),
        ("missing", lambda: staff.get(url("body-detail", "00000000-0000-0000-0000-000000000000"))),
        ("a list, not an object", lambda: admin.post(url("body-list"), [1, 2], format="json")),
        (
            "nulls and wrong types",
            lambda: admin.post(
                url("body-list"),
                {
                    "legalName": None,
                    "country": None,
                    "kind": 5,
                    "contactName": "",
                    "contactEmail": "x",
                    "activities": "verification",
                    "website": 7,
                },
                format="json",
            ),
        ),
        (
            "decision: null action, list reason",
            lambda: staff.post(
                url("body-decisions", body.pk), {"action": None, "reason": [1]}, format="json"
            ),
        ),
        (
            "agreement: bad date",
            lambda: staff.post(
                url("body-agreement", body.pk), {"reference": "x", "signedOn": "tomorrow"}, format="json"
            ),
        ),
        (
            "token: scopes not an object, bad datetime, unknown body",
            lambda: admin.post(
                url("token-list"),
                {"body": 12, "name": "x", "scopes": "all", "expiresAt": "soon"},
                format="json",
            ),
        ),
        (
            "eligibility: unknown codes",
            lambda: staff.get(
                url("body-eligibility", body.pk),
                {"activity": "juggling", "standard": 3, "sector": "x", "start": "2026-13-01", "end": ""},
            ),
        ),
        ("unread is not a boolean", lambda: admin.get(url("notification-list"), {"unread": "perhaps"})),
        ("unknown page", lambda: staff.get(url("body-list"), {"page": 99})),
    ]


def test_no_framework_wording_in_any_error(world):
    leaks = []
    for name, request in bad_requests(world):
        response = request()
        assert 400 <= response.status_code < 500, (name, response.status_code)
        body = response.json()
        assert set(body) == {"code", "message", "fieldErrors"}, name
        for message in messages_of(body):
            for leak in LEAKS:
                if re.search(leak, message):
                    leaks.append((name, message))
    assert leaks == []


def test_the_plain_messages(world):
    admin = signed_in(world.a.admin)

    anonymous = APIClient().get(url("body-list")).json()
    malformed = admin.generic("POST", url("body-list"), "{", content_type="application/json").json()
    method = signed_in(world.staff).delete(url("body-detail", world.a.body.pk)).json()
    nulls = admin.post(
        url("body-list"), {"legalName": None, "kind": 5, "activities": "x"}, format="json"
    ).json()

    assert anonymous == {
        "code": "not_authenticated",
        "message": "Sign in, or send an API token as “Authorization: Bearer <token>”.",
        "fieldErrors": {},
    }
    assert malformed["code"] == "parse_error"
    assert malformed["message"].startswith("The request body could not be read.")
    assert method == {
        "code": "method_not_allowed",
        "message": "This address does not accept DELETE.",
        "fieldErrors": {},
    }
    assert nulls["fieldErrors"]["legalName"] == ["This field cannot be empty."]
    assert nulls["fieldErrors"]["activities"] == ["Send a list."]
    assert nulls["fieldErrors"]["kind"] == ['"5" is not a valid choice.']


def test_messages_the_platform_wrote_pass_unchanged():
    own = ErrorDetail("Attach the accreditation certificate (PDF).", code="invalid")

    assert plain_field_message(own) is own


def test_framework_messages_are_matched_in_the_request_language():
    with translation.override("is"):
        from rest_framework.fields import IntegerField

        drf = ErrorDetail(str(IntegerField.default_error_messages["invalid"]), code="invalid")
        plain = plain_field_message(drf)

    assert plain is not drf
    assert str(plain) != str(drf)
