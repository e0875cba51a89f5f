"""The registry verifies what it approves: an accreditation is pending until registry staff verify it or refuse
it with a reason; a change by the body sends it back; only a verified, active one counts; people are told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bodies import services
from bodies.models import Accreditation, Body
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from reference.models import Activity, Sector, Standard
from reminders.models import Notification
from tests.bodies.certificates import pdf
from tests.factories import AccreditationBodyFactory, AccreditationFactory, BodyFactory, today

pytestmark = pytest.mark.django_db


def told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__email", flat=True))


def state(accreditation: Accreditation) -> tuple:
    row = Accreditation.objects.get(pk=accreditation.pk)
    return (row.verification, row.verification_reason, row.verified_by_id, row.verified_at)


def new_accreditation(body: Body, actor, **fields) -> Accreditation:  # type: ignore[no-untyped-def]
    return services.accreditation_create(
        body=body,
        actor=actor,
        fields={
            "accreditation_body": AccreditationBodyFactory(),
            "standard": Accreditation.Standard.ISO_14065,
            "certificate_number": "VVB-77",
            "valid_from": today() - timedelta(days=10),
            "valid_to": today() + timedelta(days=700),
            "certificate": pdf(),
            **fields,
        },
        scope_activities=Activity.objects.filter(code="verification"),
        scope_standards=Standard.objects.filter(code="iso-14064-3"),
        scope_sectors=Sector.objects.filter(scheme="ghg", code="1"),
    )


# --- recording ----------------------------------------------------------------------------------------------


def test_a_new_accreditation_waits_for_verification_and_registry_staff_are_told(world):
    # when body A's administrator records an accreditation (A is approved: no reply to a review)
    accreditation = new_accreditation(world.a.body, world.a.admin)

    # then it is pending, its certificate is stored under a name taken from its content, and staff are told
    assert accreditation.verification == Accreditation.Verification.PENDING
    assert accreditation.certificate.name.endswith(".pdf")
    assert told("bodies.accreditation.awaiting_verification") == ["staff@icr.example"]
    assert told("bodies.body.replied") == []
    assert not Accreditation.objects.counting().filter(pk=accreditation.pk).exists()


def test_an_applicant_s_new_accreditation_is_its_reply_to_the_review(world):
    Body.objects.filter(pk=world.a.body.pk).update(status=Body.Status.UNDER_REVIEW)
    world.a.body.refresh_from_db()

    new_accreditation(world.a.body, world.a.admin)

    assert told("bodies.accreditation.awaiting_verification") == ["staff@icr.example"]
    assert told("bodies.body.replied") == ["staff@icr.example"]


def test_a_new_accreditation_needs_its_certificate(world):
    with pytest.raises(ValidationError) as exc:
        new_accreditation(world.a.body, world.a.admin, certificate=None)
    assert exc.value.error_dict["certificate"][0].code == "certificate_required"
    assert Accreditation.objects.count() == 0
    assert told("bodies.accreditation.awaiting_verification") == []


def test_the_certificate_is_judged_by_its_content(world):
    fake = SimpleUploadedFile(
        "certificate.pdf", b"\x89PNG\r\n\x1a\n not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as exc:
        new_accreditation(world.a.body, world.a.admin, certificate=fake)
    assert exc.value.error_dict["certificate"][0].code == "certificate_type"
    assert Accreditation.objects.count() == 0


def test_the_certificate_size_is_the_upload_limit(world, settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as exc:
        new_accreditation(world.a.body, world.a.admin)
    assert exc.value.error_dict["certificate"][0].code == "certificate_too_large"


# --- verify and refuse --------------------------------------------------------------------------------------


def test_staff_verify_a_pending_accreditation_and_only_the_body_s_administrators_are_told(world):
    # given a pending accreditation of body A
    accreditation = AccreditationFactory(body=world.a.body, verification="pending")

    # when registry staff verify it
    verified = services.accreditation_verify(accreditation=accreditation, actor=world.staff)

    # then it counts, the decision is audited with before/after, and A's administrator (only) is told
    assert verified.verification == Accreditation.Verification.VERIFIED
    assert (verified.verified_by, verified.verified_at is not None) == (world.staff, True)
    assert Accreditation.objects.counting().filter(pk=accreditation.pk).exists()
    event = AuditEvent.objects.get(action="bodies.accreditation.verified", object_id=str(accreditation.pk))
    assert (event.actor, event.body_id) == (world.staff, world.a.body.pk)
    assert event.before == {"verification": "pending", "verification_reason": ""}
    assert event.after == {"verification": "verified", "verification_reason": ""}
    assert told("bodies.accreditation.verified") == ["admin.a@example.org"]


def test_staff_refuse_with_a_reason_the_body_s_administrators_read(world):
    accreditation = AccreditationFactory(body=world.a.body, verification="pending")

    refused = services.accreditation_refuse(
        accreditation=accreditation, actor=world.staff, reason="The certificate is for another body."
    )

    assert (refused.verification, refused.verification_reason) == (
        "refused",
        "The certificate is for another body.",
    )
    assert not Accreditation.objects.counting().filter(pk=accreditation.pk).exists()
    assert told("bodies.accreditation.refused") == ["admin.a@example.org"]
    notification = Notification.objects.get(kind="bodies.accreditation.refused")
    assert "The certificate is for another body." in notification.message
    event = AuditEvent.objects.get(action="bodies.accreditation.refused")
    assert event.after == {
        "verification": "refused",
        "verification_reason": "The certificate is for another body.",
    }


def test_refusing_needs_a_reason_and_changes_nothing_without_one(world):
    accreditation = AccreditationFactory(body=world.a.body, verification="pending")
    before = state(accreditation)

    with pytest.raises(ValidationError) as exc:
        services.accreditation_refuse(accreditation=accreditation, actor=world.staff, reason="  ")

    assert exc.value.error_dict["reason"][0].code == "reason_required"
    assert state(accreditation) == before
    assert not AuditEvent.objects.filter(action__startswith="bodies.accreditation.").exists()
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("current", ["verified", "refused"])
@pytest.mark.parametrize("decide", [services.accreditation_verify, services.accreditation_refuse])
def test_only_a_pending_accreditation_is_verified_or_refused(world, current, decide):
    accreditation = AccreditationFactory(body=world.a.body, verification=current)
    before = state(accreditation)

    with pytest.raises(TransitionNotAllowed) as exc:
        decide(accreditation=accreditation, actor=world.staff, reason="again")

    assert exc.value.code == "verification_not_pending"
    assert state(accreditation) == before
    assert not AuditEvent.objects.filter(action__startswith="bodies.accreditation.").exists()


@pytest.mark.parametrize("who", ["admin_a", "member_a", "admin_b"])
def test_only_registry_staff_verify(world, who):
    actor = {"admin_a": world.a.admin, "member_a": world.a.member, "admin_b": world.b.admin}[who]
    accreditation = AccreditationFactory(body=world.a.body, verification="pending")
    before = state(accreditation)

    with pytest.raises(PermissionDenied):
        services.accreditation_verify(accreditation=accreditation, actor=actor)
    with pytest.raises(PermissionDenied):
        services.accreditation_refuse(accreditation=accreditation, actor=actor, reason="no")

    assert state(accreditation) == before
    assert Notification.objects.count() == 0


# --- the body's changes send it back ------------------------------------------------------------------------


@pytest.mark.parametrize("current", ["verified", "refused"])
def test_a_changed_accreditation_goes_back_to_verification(world, current):
    # given a verified (or refused) accreditation
    accreditation = AccreditationFactory(
        body=world.a.body, verification=current, verification_reason="noted", verified_by=world.staff
    )

    # when the body changes its end date
    services.accreditation_update(
        accreditation=accreditation,
        actor=world.a.admin,
        fields={"valid_to": accreditation.valid_to - timedelta(days=1)},
    )

    # then it waits for verification again, and staff are told
    assert state(accreditation) == ("pending", "", None, None)
    event = AuditEvent.objects.get(action="bodies.accreditation.updated")
    assert (event.before["verification"], event.after["verification"]) == (current, "pending")
    assert told("bodies.accreditation.awaiting_verification") == ["staff@icr.example"]


def test_a_new_certificate_is_a_change(world):
    accreditation = AccreditationFactory(body=world.a.body)
    services.accreditation_update(
        accreditation=accreditation, actor=world.a.admin, fields={"certificate": pdf()}
    )
    assert state(accreditation)[0] == "pending"


def test_saving_without_a_change_keeps_it_verified(world):
    accreditation = AccreditationFactory(body=world.a.body)
    services.accreditation_update(
        accreditation=accreditation,
        actor=world.a.admin,
        fields={"certificate_number": accreditation.certificate_number},
    )
    assert state(accreditation)[0] == "verified"
    assert Notification.objects.count() == 0


def test_a_reinstated_accreditation_is_verified_again(world):
    accreditation = AccreditationFactory(body=world.a.body, status=Accreditation.Status.SUSPENDED)

    services.accreditation_reinstate(
        accreditation=accreditation, actor=world.a.admin, reason="Lifted by ISAC"
    )

    accreditation.refresh_from_db()
    assert (accreditation.status, accreditation.verification) == ("active", "pending")
    event = AuditEvent.objects.get(action="bodies.accreditation.reinstated")
    assert (event.before["verification"], event.after["verification"]) == ("verified", "pending")
    assert told("bodies.accreditation.awaiting_verification") == ["staff@icr.example"]


def test_counting_is_verified_and_active(world):
    counted = AccreditationFactory(body=world.a.body)
    AccreditationFactory(body=world.a.body, verification="pending")
    AccreditationFactory(body=world.a.body, verification="refused")
    AccreditationFactory(body=world.a.body, status=Accreditation.Status.SUSPENDED)
    assert list(Accreditation.objects.counting()) == [counted]


def test_bodies_elsewhere_are_not_told(world):
    other = BodyFactory()
    accreditation = AccreditationFactory(body=other, verification="pending")
    services.accreditation_verify(accreditation=accreditation, actor=world.staff)
    assert told("bodies.accreditation.verified") == []  # `other` has no administrators; A and B hear nothing
