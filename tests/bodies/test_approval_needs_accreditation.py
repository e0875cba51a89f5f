"""Approval needs a verified, active accreditation whose standard fits the body's kind and activities; every
registry decision reaches the body's administrators (and only them) with its reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bodies import services
from bodies.models import Accreditation, Body, BodyStatusChange
from core.dates import today_in
from core.errors import ValidationError
from core.models import AuditEvent
from reference.models import AccreditationStandard, Activity
from reminders.models import Notification
from tests.factories import (
    AccreditationBodyFactory,
    AccreditationFactory,
    BodyFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def under_review(**fields) -> Body:  # type: ignore[no-untyped-def]
    return BodyFactory(status=Body.Status.UNDER_REVIEW, approved_at=None, **fields)


def approve(body: Body, staff) -> Body:  # type: ignore[no-untyped-def]
    return services.body_approve(body=body, actor=staff, reason="Criteria met")


def refusal(body: Body, staff) -> ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        approve(body, staff)
    body.refresh_from_db()
    assert body.status == Body.Status.UNDER_REVIEW  # nothing changed
    assert not BodyStatusChange.objects.filter(body=body).exists()
    assert not AuditEvent.objects.filter(body=body, action="bodies.body.approved").exists()
    return exc.value


@pytest.mark.parametrize(
    ("last_day", "approved"),
    [(-1, False), (0, True), (1, True)],
    ids=["valid-to-the-day-before", "valid-to-the-day-of-approval", "valid-to-the-day-after"],
)
def test_the_accreditation_must_be_valid_on_the_day_of_approval(world, last_day, approved):
    # given a VVB under review whose accreditation ends around the approval day (in the body's time zone)
    body = under_review()
    day = today_in(body.time_zone)
    AccreditationFactory(
        body=body, valid_from=day - timedelta(days=300), valid_to=day + timedelta(days=last_day)
    )

    # then
    if approved:
        assert approve(body, world.staff).status == Body.Status.APPROVED
    else:
        error = refusal(body, world.staff)
        assert error.error_dict["accreditations"][0].code == "verified_accreditation_missing"


def test_an_accreditation_starting_tomorrow_does_not_count_yet(world):
    body = under_review()
    day = today_in(body.time_zone)
    AccreditationFactory(body=body, valid_from=day + timedelta(days=1), valid_to=day + timedelta(days=300))
    refusal(body, world.staff)


@pytest.mark.parametrize(
    ("verification", "approved", "state"),
    [
        ("pending", False, "ISO 14065 VVB-42 is waiting for verification"),
        ("verified", True, ""),
        ("refused", False, "ISO 14065 VVB-42 was refused by the registry"),
    ],
)
def test_only_a_verified_accreditation_counts_for_approval(world, verification, approved, state):
    body = under_review()
    AccreditationFactory(body=body, verification=verification, certificate_number="VVB-42")
    if approved:
        assert approve(body, world.staff).status == Body.Status.APPROVED
        return
    error = refusal(body, world.staff)
    assert error.message_dict["accreditations"] == [
        "Approval needs a verified, active accreditation under ISO 14065, ISO/IEC 17029 or Approved GHG "
        "programme for GHG validation, verification and methodology assessment. "
        f"On record: {state}."
    ]


def test_a_suspended_accreditation_does_not_count(world):
    body = under_review()
    AccreditationFactory(body=body, status=Accreditation.Status.SUSPENDED)
    refusal(body, world.staff)


def test_a_management_system_accreditation_does_not_make_a_vvb_approvable(world):
    # given a VVB whose only (verified, active) accreditation is under ISO/IEC 17021-1
    body = under_review()
    AccreditationFactory(body=body, standard=AccreditationStandard.ISO_17021_1)

    # then approval is refused, naming the accreditation it needs
    error = refusal(body, world.staff)
    assert error.message_dict["accreditations"] == [
        "Approval needs a verified, active accreditation under ISO 14065, ISO/IEC 17029 or Approved GHG "
        "programme for GHG validation, verification and methodology assessment."
    ]


def test_a_body_without_any_accreditation_is_not_approved(world):
    body = under_review()
    error = refusal(body, world.staff)
    assert [e.code for e in error.error_dict["accreditations"]] == ["verified_accreditation_missing"]


@pytest.mark.parametrize(
    ("kind", "accredited", "approved"),
    [
        (Body.Kind.MS_CB, AccreditationStandard.ISO_17021_1, True),
        (Body.Kind.MS_CB, AccreditationStandard.ISO_17065, False),
        (Body.Kind.MS_CB, AccreditationStandard.ISO_14065, False),
        (Body.Kind.PRODUCT_CB, AccreditationStandard.ISO_17065, True),
        (Body.Kind.PRODUCT_CB, AccreditationStandard.ISO_17021_1, False),
        (Body.Kind.VVB, AccreditationStandard.ISO_17029, True),
        (Body.Kind.VVB, AccreditationStandard.GHG_PROGRAMME, True),
    ],
)
def test_the_standard_must_fit_the_body_s_kind(world, kind, accredited, approved):
    activities = ["certification"] if kind != Body.Kind.VVB else ["validation", "verification"]
    body = under_review(kind=kind, activities=Activity.objects.filter(code__in=activities))
    AccreditationFactory(body=body, standard=accredited, programme_name="ICR Programme")
    if approved:
        assert approve(body, world.staff).status == Body.Status.APPROVED
    else:
        refusal(body, world.staff)


def test_a_certification_body_also_approved_for_ghg_work_needs_both(world):
    body = under_review(
        kind=Body.Kind.MS_CB, activities=Activity.objects.filter(code__in=["certification", "verification"])
    )
    AccreditationFactory(body=body, standard=AccreditationStandard.ISO_17021_1)
    error = refusal(body, world.staff)
    assert len(error.error_dict["accreditations"]) == 1
    assert "for GHG validation, verification and methodology assessment" in error.messages[0]

    AccreditationFactory(body=body, standard=AccreditationStandard.ISO_14065)
    assert approve(body, world.staff).status == Body.Status.APPROVED


def test_a_vvb_s_accreditation_body_must_be_an_iaf_mla_signatory(world):
    body = under_review()
    unsigned = AccreditationBodyFactory(name="Unsigned Accreditation", acronym="UA", mla=[])
    AccreditationFactory(body=body, accreditation_body=unsigned, certificate_number="VVB-9")
    error = refusal(body, world.staff)
    assert (
        "ISO 14065 VVB-9: UA – Unsigned Accreditation is not an IAF MLA signatory for ISO 14065"
        in (error.messages[0])
    )


# --- who is told ---------------------------------------------------------------------------------------------


DECISIONS = [
    ("start_review", Body.Status.APPLICANT, "bodies.body.review_started"),
    ("approve", Body.Status.UNDER_REVIEW, "bodies.body.approved"),
    ("suspend", Body.Status.APPROVED, "bodies.body.suspended"),
    ("reinstate", Body.Status.SUSPENDED, "bodies.body.reinstated"),
    ("withdraw", Body.Status.APPROVED, "bodies.body.withdrawn"),
]


@pytest.mark.parametrize(("action", "start", "kind"), DECISIONS)
def test_every_decision_reaches_the_body_s_administrators_only(world, action, start, kind):
    # given body A in the status the decision comes from, with a second administrator who is inactive
    Body.objects.filter(pk=world.a.body.pk).update(status=start)
    body = Body.objects.get(pk=world.a.body.pk)
    AccreditationFactory(body=body)
    MembershipFactory(
        body=body, user=UserFactory(email="left@example.org", is_active=False), roles=["body_admin"]
    )

    # when registry staff decide
    services.BODY_DECISIONS[action](body=body, actor=world.staff, reason="Because of the review")

    # then A's active administrator is told, with the reason; not A's member, not B, not staff
    notifications = Notification.objects.filter(kind=kind)
    assert sorted(notifications.values_list("user__email", flat=True)) == ["admin.a@example.org"]
    assert "Because of the review" in notifications.get().message
    assert notifications.get().body_id == body.pk


def test_a_refused_approval_tells_nobody(world):
    body = under_review()
    refusal(body, world.staff)
    assert Notification.objects.count() == 0


def test_an_application_reaches_registry_staff(world):
    person = UserFactory(email="applicant@example.org")
    services.body_apply(
        actor=person,
        fields={
            "legal_name": "Arctic Assurance ehf.",
            "country": "IS",
            "kind": Body.Kind.VVB,
            "contact_name": "Sigrún",
            "contact_email": "sigrun@arctic.example",
        },
    )
    assert list(Notification.objects.values_list("kind", "user__email")) == [
        ("bodies.body.applied", "staff@icr.example")
    ]


@pytest.mark.parametrize(
    ("status", "replied"),
    [(Body.Status.APPLICANT, True), (Body.Status.UNDER_REVIEW, True), (Body.Status.APPROVED, False)],
)
def test_a_profile_change_during_the_review_is_the_body_s_reply(world, status, replied):
    Body.objects.filter(pk=world.a.body.pk).update(status=status)
    body = Body.objects.get(pk=world.a.body.pk)

    services.body_update_profile(body=body, actor=world.a.admin, fields={"contact_phone": "+354 555 0199"})
    services.body_update_profile(body=body, actor=world.a.admin, fields={"contact_phone": "+354 555 0199"})

    expected = ["staff@icr.example"] if replied else []  # once: the second save changed nothing
    assert list(
        Notification.objects.filter(kind="bodies.body.replied").values_list("user__email", flat=True)
    ) == (expected)


@pytest.mark.parametrize("verification", ["pending", "verified", "refused"])
def test_reinstating_a_suspended_body_needs_a_verified_accreditation_like_approval(world, verification):
    # given a suspended VVB whose only accreditation is in the given verification state
    body = BodyFactory(status=Body.Status.SUSPENDED)
    AccreditationFactory(body=body, verification=verification)

    # when staff reinstate it
    if verification == "verified":
        services.body_reinstate(body=body, actor=world.staff, reason="Fees paid.")
        body.refresh_from_db()
        assert body.status == Body.Status.APPROVED
        return
    with pytest.raises(ValidationError) as exc:
        services.body_reinstate(body=body, actor=world.staff, reason="Fees paid.")

    # then it is refused with the approval's code, and nothing changed
    assert [e.code for e in exc.value.error_dict["accreditations"]] == ["verified_accreditation_missing"]
    body.refresh_from_db()
    assert body.status == Body.Status.SUSPENDED
    assert not AuditEvent.objects.filter(body=body, action="bodies.body.reinstated").exists()
