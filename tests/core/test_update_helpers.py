"""The write helpers the services share: `core.errors.refuse_other_fields` (what a caller may not set),
`core.audit.audit_changes` (an update records only what it changed) and `core.errors.unique_or_field_error`
(a named unique constraint answers as a field error)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from bodies.models import Accreditation
from core.audit import audit_changes
from core.errors import ValidationError, refuse_other_fields, unique_or_field_error
from core.models import AuditEvent
from tests.factories import AccreditationFactory

pytestmark = pytest.mark.django_db


def test_fields_within_the_editable_ones_pass() -> None:
    # when / then nothing is raised
    refuse_other_fields({"legal_name": "A", "website": ""}, ["legal_name", "website", "logo"], changing=True)
    refuse_other_fields({}, [], changing=False)


@pytest.mark.parametrize(
    ("changing", "message"),
    [(False, "This field cannot be set here."), (True, "This field cannot be changed here.")],
)
def test_each_other_field_is_refused_by_name_with_its_code(changing: bool, message: str) -> None:
    # when
    with pytest.raises(ValidationError) as error:
        refuse_other_fields(["status", "legal_name", "body"], ("legal_name",), changing=changing)
    # then
    assert error.value.message_dict == {"body": [message], "status": [message]}
    assert [e.code for e in error.value.error_dict["body"]] == ["field_not_editable"]
    assert [e.code for e in error.value.error_dict["status"]] == ["field_not_editable"]


def test_an_update_records_only_the_fields_it_changed(world) -> None:
    # given
    body = world.a.body
    before_count = AuditEvent.objects.count()
    # when
    with transaction.atomic():
        changed = audit_changes(
            actor=world.a.admin,
            action="bodies.body.profile_updated",
            obj=body,
            body=body,
            before={"legal_name": "Old", "website": "https://a.example", "kind": "vvb"},
            after={"legal_name": "New", "website": "https://a.example", "kind": "vvb"},
        )
    # then
    assert changed == {"legal_name"}
    event = AuditEvent.objects.order_by("-created_at", "-sequence").first()
    assert AuditEvent.objects.count() == before_count + 1
    assert (event.action, event.before, event.after) == (
        "bodies.body.profile_updated",
        {"legal_name": "Old"},
        {"legal_name": "New"},
    )


def test_an_update_that_changed_nothing_records_nothing(world) -> None:
    # given
    before_count = AuditEvent.objects.count()
    # when
    with transaction.atomic():
        changed = audit_changes(
            actor=world.a.admin,
            action="bodies.body.profile_updated",
            obj=world.a.body,
            body=world.a.body,
            before={"legal_name": "Same"},
            after={"legal_name": "Same"},
        )
    # then
    assert changed == set()
    assert AuditEvent.objects.count() == before_count


def test_a_named_unique_constraint_becomes_a_field_error_and_nothing_is_saved(world) -> None:
    # given an accreditation of body A
    first = AccreditationFactory(body=world.a.body)
    before = Accreditation.objects.count()
    # when the same certificate is saved again under the constraint's name
    with (
        pytest.raises(ValidationError) as error,
        unique_or_field_error(
            "accreditation_certificate_unique", "certificate_number", "Taken.", "duplicate_certificate"
        ),
    ):
        AccreditationFactory(
            body=world.a.body, standard=first.standard, certificate_number=first.certificate_number
        )
    # then
    assert error.value.message_dict == {"certificate_number": ["Taken."]}
    assert [e.code for e in error.value.error_dict["certificate_number"]] == ["duplicate_certificate"]
    assert Accreditation.objects.count() == before


def test_another_integrity_error_passes_through(world) -> None:
    # given
    first = AccreditationFactory(body=world.a.body)
    before = Accreditation.objects.count()
    # when / then
    with (
        pytest.raises(IntegrityError),
        unique_or_field_error("some_other_constraint", "name", "Taken.", "taken"),
    ):
        AccreditationFactory(
            body=world.a.body, standard=first.standard, certificate_number=first.certificate_number
        )
    assert Accreditation.objects.count() == before
