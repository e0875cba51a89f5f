"""The ICR approval life cycle: apply, review, approve, suspend, reinstate, withdraw."""

from __future__ import annotations

import pytest

from bodies import services
from bodies.models import Body, BodyStatusChange, Membership, Role
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from tests.factories import AccreditationFactory, BodyFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "legal_name": "Arctic Assurance ehf.",
    "country": "IS",
    "kind": Body.Kind.VVB,
    "contact_name": "Sigrún Jónsdóttir",
    "contact_email": "sigrun@arctic.example",
}


def test_apply_creates_applicant_with_the_applicant_as_body_admin():
    # given
    person = UserFactory()
    # when
    body = services.body_apply(actor=person, fields=PROFILE)
    # then
    assert body.status == Body.Status.APPLICANT
    membership = Membership.objects.get(body=body)
    assert membership.user == person
    assert membership.roles == [Role.BODY_ADMIN]
    assert person.has_perm("bodies.manage_body", body)
    event = AuditEvent.objects.get(body=body)
    assert event.action == "bodies.body.applied"
    assert event.actor == person
    assert event.after["legal_name"] == "Arctic Assurance ehf."


def test_apply_refuses_status_and_agreement_fields():
    person = UserFactory()
    with pytest.raises(ValidationError) as exc:
        services.body_apply(actor=person, fields={**PROFILE, "status": "approved"})
    assert "status" in exc.value.message_dict
    assert Body.objects.count() == 0


def test_apply_with_invalid_country_changes_nothing():
    person = UserFactory()
    with pytest.raises(ValidationError) as exc:
        services.body_apply(actor=person, fields={**PROFILE, "country": "XX"})
    assert "country" in exc.value.message_dict
    assert Body.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_full_life_cycle_records_every_decision(world, django_capture_on_commit_callbacks):
    # given an applicant with a recorded agreement
    body = BodyFactory(status=Body.Status.APPLICANT, agreement_reference="", agreement_signed_on=None)
    AccreditationFactory(body=body)
    staff = world.staff
    services.body_record_agreement(
        body=body, actor=staff, reference="ICR-AGR-2026-17", signed_on=body.applied_at.date()
    )
    # when
    services.body_start_review(body=body, actor=staff, reason="Application complete")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.body_approve(body=body, actor=staff, reason="Meets ICR VVB requirements")
    services.body_suspend(body=body, actor=staff, reason="Accreditation suspended by ISAC")
    services.body_reinstate(body=body, actor=staff, reason="Accreditation restored")
    services.body_withdraw(body=body, actor=staff, reason="Agreement terminated")
    # then
    body.refresh_from_db()
    assert body.status == Body.Status.WITHDRAWN
    assert body.status_reason == "Agreement terminated"
    history = list(
        BodyStatusChange.objects.filter(body=body)
        .order_by("decided_at")
        .values_list("from_status", "to_status")
    )
    assert history == [
        ("applicant", "under_review"),
        ("under_review", "approved"),
        ("approved", "suspended"),
        ("suspended", "approved"),
        ("approved", "withdrawn"),
    ]
    actions = list(AuditEvent.objects.filter(body=body).order_by("sequence").values_list("action", flat=True))
    assert actions == [
        "bodies.body.agreement_recorded",
        "bodies.body.review_started",
        "bodies.body.approved",
        "documents.document.requested",
        "bodies.body.suspended",
        "bodies.body.reinstated",
        "bodies.body.withdrawn",
    ]
    approved = AuditEvent.objects.get(body=body, action="bodies.body.approved")
    assert approved.before == {"status": "under_review"}
    assert approved.after == {"status": "approved", "reason": "Meets ICR VVB requirements"}
    assert len(callbacks) == 1  # the approval letter render is enqueued after commit, once


@pytest.mark.parametrize(
    ("start", "service"),
    [
        (Body.Status.APPLICANT, services.body_approve),
        (Body.Status.APPLICANT, services.body_suspend),
        (Body.Status.UNDER_REVIEW, services.body_reinstate),
        (Body.Status.APPROVED, services.body_start_review),
        (Body.Status.APPROVED, services.body_reinstate),
        (Body.Status.WITHDRAWN, services.body_approve),
        (Body.Status.WITHDRAWN, services.body_reinstate),
    ],
)
def test_transition_from_wrong_state_is_refused_and_changes_nothing(world, start, service):
    body = BodyFactory(status=start)
    with pytest.raises(TransitionNotAllowed):
        service(body=body, actor=world.staff, reason="because")
    body.refresh_from_db()
    assert body.status == start
    assert not BodyStatusChange.objects.filter(body=body).exists()
    assert not AuditEvent.objects.filter(body=body).exists()


def test_decision_needs_a_reason(world):
    body = BodyFactory(status=Body.Status.APPROVED)
    with pytest.raises(ValidationError) as exc:
        services.body_suspend(body=body, actor=world.staff, reason="   ")
    assert "reason" in exc.value.message_dict
    body.refresh_from_db()
    assert body.status == Body.Status.APPROVED


def test_approval_needs_the_agreement(world):
    body = BodyFactory(status=Body.Status.UNDER_REVIEW, agreement_reference="", agreement_signed_on=None)
    with pytest.raises(ValidationError) as exc:
        services.body_approve(body=body, actor=world.staff, reason="ok")
    assert "agreement" in exc.value.message_dict
    body.refresh_from_db()
    assert body.status == Body.Status.UNDER_REVIEW


def test_only_registry_staff_decide(world):
    body = world.a.body
    with pytest.raises(PermissionDenied):
        services.body_suspend(body=body, actor=world.a.admin, reason="self-suspension")
    body.refresh_from_db()
    assert body.status == Body.Status.APPROVED


def test_second_identical_decision_loses(world):
    # given two staff members both approving the same body (the second reads the stale status)
    body = BodyFactory(status=Body.Status.UNDER_REVIEW)
    AccreditationFactory(body=body)
    stale = Body.objects.get(pk=body.pk)
    services.body_approve(body=body, actor=world.staff, reason="first")
    # when the second acts on its stale copy
    with pytest.raises(TransitionNotAllowed):
        services.body_approve(body=stale, actor=world.staff, reason="second")
    # then exactly one decision is recorded
    assert BodyStatusChange.objects.filter(body=body, to_status="approved").count() == 1


def test_profile_update_records_only_changed_fields(world):
    body = world.a.body
    services.body_update_profile(body=body, actor=world.a.admin, fields={"contact_phone": "+354 555 1234"})
    event = AuditEvent.objects.get(body=body, action="bodies.body.profile_updated")
    assert event.before == {"contact_phone": ""}
    assert event.after == {"contact_phone": "+354 555 1234"}


def test_member_without_admin_role_cannot_update_profile(world):
    body = world.a.body
    with pytest.raises(PermissionDenied):
        services.body_update_profile(body=body, actor=world.a.member, fields={"contact_phone": "1"})
    body.refresh_from_db()
    assert body.contact_phone == ""


def test_admin_of_other_body_cannot_update_profile(world):
    with pytest.raises(PermissionDenied):
        services.body_update_profile(body=world.a.body, actor=world.b.admin, fields={"contact_phone": "1"})
    world.a.body.refresh_from_db()
    assert world.a.body.contact_phone == ""


def test_last_body_admin_cannot_drop_the_role(world):
    membership = Membership.objects.get(body=world.a.body, user=world.a.admin)
    with pytest.raises(ValidationError):
        services.membership_set_roles(membership=membership, roles=[Role.AUDITOR], actor=world.a.admin)
    membership.refresh_from_db()
    assert membership.roles == [Role.BODY_ADMIN]


def test_roles_sync_guardian_grants(world):
    membership = Membership.objects.get(body=world.a.body, user=world.a.member)
    services.membership_set_roles(
        membership=membership, roles=[Role.AUDITOR, Role.BODY_ADMIN], actor=world.a.admin
    )
    member = type(world.a.member).objects.get(pk=world.a.member.pk)  # fresh permission cache
    assert member.has_perm("bodies.manage_accreditations", world.a.body)
    assert not member.has_perm("bodies.manage_accreditations", world.b.body)


def test_changing_the_time_zone_moves_the_body_deadlines(world):
    from reminders.models import Deadline
    from tests.factories import AccreditationFactory

    accreditation = AccreditationFactory(body=world.a.body)
    services.accreditation_update(accreditation=accreditation, actor=world.a.admin, fields={})
    assert Deadline.objects.get(body=world.a.body).time_zone == "Atlantic/Reykjavik"
    services.body_update_profile(
        body=world.a.body, actor=world.a.admin, fields={"time_zone": "Pacific/Auckland"}
    )
    assert Deadline.objects.get(body=world.a.body).time_zone == "Pacific/Auckland"


def _png(size: int = 8) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (size, size), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def test_logo_is_checked_by_content_and_size_in_the_service(world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = world.a.body
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        services.body_update_profile(body=body, actor=world.staff, fields={"logo": fake})
    assert "logo" in exc.value.message_dict
    png = _png()
    settings.LOGO_MAX_BYTES = len(png) - 1
    with pytest.raises(ValidationError):
        services.body_update_profile(
            body=body, actor=world.staff, fields={"logo": SimpleUploadedFile("logo.png", png)}
        )
    body.refresh_from_db()
    assert not body.logo
    settings.LOGO_MAX_BYTES = len(png)  # the last allowed size
    services.body_update_profile(
        body=body, actor=world.staff, fields={"logo": SimpleUploadedFile("logo.png", png)}
    )
    body.refresh_from_db()
    assert body.logo.name.startswith("logos/")


def test_membership_status_changes_follow_into_grants_and_the_trail(world):
    from bodies.models import Membership as M

    admin_b_membership = M.objects.get(body=world.b.body, user=world.b.admin)
    member = M.objects.get(body=world.a.body, user=world.a.member)
    services.membership_set_roles(membership=member, roles=[Role.BODY_ADMIN], actor=world.a.admin)
    # when the second admin leaves
    services.membership_set_status(membership=member, status=M.Status.LEFT, actor=world.a.admin)
    # then their grants are gone and the change is recorded
    fresh = type(world.a.member).objects.get(pk=world.a.member.pk)
    assert not fresh.has_perm("bodies.manage_body", world.a.body)
    event = AuditEvent.objects.get(action="bodies.membership.status_changed")
    assert (event.before, event.after) == ({"status": "active"}, {"status": "left"})
    # and the last active admin cannot be suspended; another body's admin cannot touch it
    last = M.objects.get(body=world.a.body, user=world.a.admin)
    with pytest.raises(ValidationError):
        services.membership_set_status(membership=last, status=M.Status.SUSPENDED, actor=world.a.admin)
    with pytest.raises(PermissionDenied):
        services.membership_set_status(membership=last, status=M.Status.SUSPENDED, actor=world.b.admin)
    last.refresh_from_db()
    admin_b_membership.refresh_from_db()
    assert last.status == admin_b_membership.status == M.Status.ACTIVE
