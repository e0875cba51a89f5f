"""Stable error codes: services raise them, the API returns them in `code`, an integrator branches on them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from accounts.error_codes import AccountsErrorCode
from bodies.error_codes import BodiesErrorCode
from bodies.models import Accreditation, Body, BodyStatusChange
from competence.error_codes import CompetenceErrorCode
from core.error_codes import CoreErrorCode, ErrorCode, declared_codes
from core.errors import (
    PermissionDenied,
    TransitionNotAllowed,
    ValidationError,
    coded,
    error_code,
    field_error,
)
from core.models import AuditEvent
from documents.error_codes import DocumentsErrorCode
from documents.models import Document
from tests.factories import AccreditationFactory, BodyFactory
from tests.helpers import signed_in, url

ENUMS = [CoreErrorCode, BodiesErrorCode, CompetenceErrorCode, DocumentsErrorCode, AccountsErrorCode]


# --- the mechanism ------------------------------------------------------------------------------------------


def test_every_app_declares_snake_case_codes_under_one_base():
    # then every app's codes are ErrorCode subclasses with snake_case values, each declared once
    values = [member.value for enum in ENUMS for member in enum]
    assert all(issubclass(enum, ErrorCode) for enum in ENUMS)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", value) for value in values)
    assert len(values) == len(set(values))
    assert set(values) <= declared_codes()


def test_the_code_of_a_validation_error_is_its_first_declared_one():
    # given errors on two fields, the first with a Django validator's own code, the second with a declared one
    error = ValidationError(
        {
            "legal_name": ValidationError("This field cannot be blank.", code="blank"),
            "valid_to": coded("Too long.", BodiesErrorCode.CYCLE_TOO_LONG),
            "reason": coded("Give a reason.", CoreErrorCode.REASON_REQUIRED),
        }
    )

    # then the first declared code is the error's code; a Django code alone is just "invalid"
    assert error_code(error) == "cycle_too_long"
    assert error_code(ValidationError({"legal_name": ValidationError("Blank.", code="blank")})) == "invalid"
    assert error_code(ValidationError({"name": "No code at all."})) == "invalid"
    assert error_code(ValidationError("General.", code=DocumentsErrorCode.ONE_LOOKUP_REQUIRED)) == (
        "one_lookup_required"
    )


def test_field_error_keeps_the_message_by_field():
    # when a field error is built
    error = field_error("agreement", "Record the agreement.", BodiesErrorCode.AGREEMENT_MISSING)

    # then people read the message by field and integrators the code
    assert error.message_dict == {"agreement": ["Record the agreement."]}
    assert error_code(error) == "agreement_missing"


def test_transition_and_permission_errors_carry_codes():
    # then a refusal without a more specific code is "invalid_transition" / "permission_denied"
    assert TransitionNotAllowed("No.").code == "invalid_transition"
    assert TransitionNotAllowed("No.", code=BodiesErrorCode.VALIDITY_ENDED).code == "validity_ended"
    assert error_code(PermissionDenied("No.")) == "permission_denied"
    assert error_code(PermissionDenied("No.", code=DocumentsErrorCode.REQUEST_NOT_ALLOWED)) == (
        "request_not_allowed"
    )
    assert error_code(DjangoPermissionDenied("No.")) == "permission_denied"
    # and the kernel's PermissionDenied is still Django's, so every face treats it as a 403
    assert issubclass(PermissionDenied, DjangoPermissionDenied)


# --- through the API ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_approving_without_an_agreement_answers_agreement_missing(world):
    # given a body under review without a signed agreement
    body = BodyFactory(
        status=Body.Status.UNDER_REVIEW, approved_at=None, agreement_reference="", agreement_signed_on=None
    )

    # when registry staff approve it through the API
    response = signed_in(world.staff).post(
        url("body-decisions", body.pk), {"action": "approve", "reason": "Looks fine"}, format="json"
    )

    # then 400 with a code an integrator can branch on, the message by field, and nothing changed
    assert response.status_code == 400
    assert response.json() == {
        "code": "agreement_missing",
        "message": "Some fields are not valid.",
        "fieldErrors": {"agreement": ["Record the signed ICR agreement before approving the body."]},
    }
    body.refresh_from_db()
    assert body.status == Body.Status.UNDER_REVIEW
    assert not BodyStatusChange.objects.filter(body=body).exists()
    assert not AuditEvent.objects.filter(body=body).exists()


@pytest.mark.django_db
def test_approving_twice_answers_invalid_transition(world, monkeypatch):
    # given a body under review with a signed agreement, approved once
    monkeypatch.setattr("documents.services._enqueue_render", lambda document_id: None)
    body = BodyFactory(status=Body.Status.UNDER_REVIEW, approved_at=None)
    AccreditationFactory(body=body)  # approval needs a verified accreditation
    client = signed_in(world.staff)
    first = client.post(url("body-decisions", body.pk), {"action": "approve", "reason": "OK"}, format="json")
    events = AuditEvent.objects.count()

    # when it is approved again
    second = client.post(
        url("body-decisions", body.pk), {"action": "approve", "reason": "Again"}, format="json"
    )

    # then the second answers 409 "invalid_transition" and changed nothing
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "invalid_transition"
    assert second.json()["message"] == "A body that is Approved cannot become Approved."
    assert BodyStatusChange.objects.filter(body=body, to_status=Body.Status.APPROVED).count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_decision_without_a_reason_answers_reason_required(world):
    # given an active accreditation of body A
    accreditation = AccreditationFactory(body=world.a.body)

    # when its administrator suspends it with a blank reason
    response = signed_in(world.a.admin).post(
        url("accreditation-status", accreditation.pk), {"action": "suspend", "reason": " "}, format="json"
    )

    # then 400 "reason_required" with the service's message, and nothing changed
    assert response.status_code == 400
    assert response.json() == {
        "code": "reason_required",
        "message": "Some fields are not valid.",
        "fieldErrors": {"reason": ["Give a reason."]},
    }
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.ACTIVE
    assert not AuditEvent.objects.filter(action="bodies.accreditation.suspended").exists()


@pytest.mark.django_db
def test_reinstating_after_the_validity_ended_answers_validity_ended(world):
    # given a suspended accreditation of body A whose validity ended yesterday
    from tests.factories import days, today

    accreditation = AccreditationFactory(
        body=world.a.body, status=Accreditation.Status.SUSPENDED, valid_to=today() - days(1)
    )

    # when its administrator reinstates it
    response = signed_in(world.a.admin).post(
        url("accreditation-status", accreditation.pk),
        {"action": "reinstate", "reason": "Restored by ISAC"},
        format="json",
    )

    # then 409 with the specific code, and nothing changed
    assert response.status_code == 409
    assert response.json() == {
        "code": "validity_ended",
        "message": "The accreditation's validity has ended.",
        "fieldErrors": {},
    }
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.SUSPENDED
    assert not AuditEvent.objects.filter(action="bodies.accreditation.reinstated").exists()


@pytest.mark.django_db
def test_a_document_the_caller_may_not_request_answers_request_not_allowed(api, world):
    # given a member of body A (not its administrator)
    api.force_authenticate(world.a.member)

    # when they ask for body A's approval letter
    response = api.post(
        "/api/v1/documents/",
        {"kind": "bodies.approval_letter", "subjectId": str(world.a.body.pk)},
        format="json",
    )

    # then 403 with the documents app's code, and nothing was created
    assert response.status_code == 403
    assert response.json()["code"] == "request_not_allowed"
    assert Document.objects.count() == 0
    assert not AuditEvent.objects.filter(action="documents.document.requested").exists()


# --- the rule, kept true --------------------------------------------------------------------------------------

SERVICE_MODULES = [
    "accounts/services.py",
    "bodies/services/accreditations.py",
    "bodies/services/bodies.py",
    "bodies/services/memberships.py",
    "competence/services.py",
    "documents/services.py",
]


def _uncoded_validation_errors(path: Path) -> list[str]:
    """The places in a module that build a ValidationError (or fill an errors dict) without a stable code."""

    def is_coded(node: ast.AST) -> bool:
        if isinstance(node, ast.List):
            return all(is_coded(item) for item in node.elts)
        if isinstance(node, ast.ListComp):
            return is_coded(node.elt)
        return isinstance(node, ast.Call) and getattr(node.func, "id", None) == "coded"

    problems = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ValidationError":
            if any(keyword.arg == "code" for keyword in node.keywords):
                continue
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Name):
                continue  # an errors dict, checked where it is filled
            if isinstance(first, ast.Dict) and all(is_coded(value) for value in first.values if value):
                continue
            if isinstance(first, ast.DictComp) and is_coded(first.value):
                continue
            problems.append(f"{path}:{node.lineno}")
        if (
            isinstance(node, ast.Assign)
            and any(
                isinstance(target, ast.Subscript) and getattr(target.value, "id", None) == "errors"
                for target in node.targets
            )
            and not is_coded(node.value)
        ):
            problems.append(f"{path}:{node.lineno}")
    return problems


def test_every_validation_error_the_services_raise_carries_a_code():
    # then no service module builds a ValidationError without a stable code
    root = Path(__file__).resolve().parents[2]
    assert [
        problem for module in SERVICE_MODULES for problem in _uncoded_validation_errors(root / module)
    ] == []
