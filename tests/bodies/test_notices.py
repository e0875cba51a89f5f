"""The bodies capability's notices: registry staff hear of applications, accreditations to verify and replies;
a body's administrators hear of every registry decision, with its reason and a link to their portal page."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from bodies import notices
from bodies.models import Accreditation, Body
from bodies.services import body_apply, body_reinstate, body_suspend, body_withdraw
from core.errors import TransitionNotAllowed
from reminders.models import Notification
from reminders.notices import find_kind, notify
from tests.factories import AccreditationFactory, UserFactory

STAFF_KINDS = (
    notices.BODY_APPLIED,
    notices.ACCREDITATION_AWAITING_VERIFICATION,
    notices.BODY_REPLIED,
)
BODY_KINDS = (
    notices.BODY_REVIEW_STARTED,
    notices.BODY_APPROVED,
    notices.BODY_SUSPENDED,
    notices.BODY_REINSTATED,
    notices.BODY_WITHDRAWN,
)
ACCREDITATION_KINDS = (notices.ACCREDITATION_VERIFIED, notices.ACCREDITATION_REFUSED)


def an_accreditation(body: Body, **fields) -> Accreditation:  # type: ignore[no-untyped-def]
    """An accreditation of `body` as a notice sees it (its name, id and model; nothing else is read)."""
    fields.setdefault("standard", Accreditation.Standard.ISO_14065)
    fields.setdefault("certificate_number", "VVB-0001")
    return Accreditation(id=uuid.uuid4(), body=body, **fields)


def subject_of(kind: str, body: Body):  # type: ignore[no-untyped-def]
    return an_accreditation(body) if "accreditation" in kind else body


def told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__email", flat=True))


def test_the_ten_kinds_are_declared():
    assert all(find_kind(key) is not None for key in (*STAFF_KINDS, *BODY_KINDS, *ACCREDITATION_KINDS))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", STAFF_KINDS)
def test_registry_staff_hear_of_applications_accreditations_to_verify_and_replies(world, kind):
    # given
    subject = subject_of(kind, world.a.body)

    # when body A's event is told
    count = notify(kind=kind, subject=subject, body=world.a.body)

    # then only registry staff, linked to the record's page in the back office, naming the body
    assert count == 1
    assert told(kind) == ["staff@icr.example"]
    note = Notification.objects.get(kind=kind)
    model = subject._meta.model_name
    assert note.url == reverse(f"admin:bodies_{model}_change", args=[subject.pk])
    assert "Body A" in note.title
    assert note.body_id == world.a.body.pk


@pytest.mark.django_db
@pytest.mark.parametrize("kind", BODY_KINDS + ACCREDITATION_KINDS)
def test_each_registry_decision_reaches_the_body_s_administrators_with_the_reason(world, kind):
    # given
    subject = subject_of(kind, world.a.body)

    # when the registry's decision on body A is told
    count = notify(kind=kind, subject=subject, body=world.a.body, reason="Checked against the certificate.")

    # then body A's administrator only (not its auditor, not body B, not staff), with the reason
    assert count == 1
    assert told(kind) == ["admin.a@example.org"]
    note = Notification.objects.get(kind=kind)
    assert "Body A" in note.message
    assert note.message.endswith("\n\nReason: Checked against the certificate.")
    if kind in ACCREDITATION_KINDS:
        assert note.url == reverse("bodies:accreditation-detail", args=[subject.pk])
    else:
        assert note.url == reverse("bodies:profile")


@pytest.mark.django_db
def test_the_decisions_read_as_sentences(world):
    # when
    notify(kind=notices.BODY_APPROVED, subject=world.a.body, body=world.a.body, reason="All in order.")
    notify(
        kind=notices.ACCREDITATION_REFUSED,
        subject=an_accreditation(world.a.body),
        body=world.a.body,
        reason="The certificate names another body.",
    )

    # then
    approved = Notification.objects.get(kind=notices.BODY_APPROVED)
    assert approved.title == "Body A is approved by ICR"
    assert approved.message == (
        "The ICR registry has approved Body A. The body is listed in the directory, and its approval letter "
        "can be downloaded from the body's profile.\n\nReason: All in order."
    )
    refused = Notification.objects.get(kind=notices.ACCREDITATION_REFUSED)
    assert refused.title == "Accreditation ISO 14065 VVB-0001 is refused"
    assert refused.message.startswith(
        "The ICR registry has refused the accreditation ISO 14065 VVB-0001 of Body A."
    )


@pytest.mark.django_db
def test_a_reply_says_what_the_body_changed(world):
    # when body A changes its profile, then an accreditation, while under review
    notify(kind=notices.BODY_REPLIED, subject=world.a.body, body=world.a.body)
    notify(kind=notices.BODY_REPLIED, subject=an_accreditation(world.a.body), body=world.a.body)

    # then
    messages = sorted(
        Notification.objects.filter(kind=notices.BODY_REPLIED).values_list("message", flat=True)
    )
    assert messages == [
        "Body A changed its profile while its application waits for the registry's decision. Look at the "
        "changes before deciding.",
        "Body A changed the accreditation ISO 14065 VVB-0001 while its application waits for the registry's "
        "decision. Look at the changes before deciding.",
    ]


@pytest.mark.django_db
def test_an_accreditation_is_named_in_each_recipient_s_language(world):
    # given an Icelandic member of staff beside the English one
    icelandic = UserFactory(is_staff=True, language="is")
    accreditation = an_accreditation(
        world.a.body, standard=Accreditation.Standard.GHG_PROGRAMME, certificate_number="GHG-7"
    )

    # when
    notify(kind=notices.ACCREDITATION_AWAITING_VERIFICATION, subject=accreditation, body=world.a.body)

    # then the standard's label is each person's
    english_note = Notification.objects.get(
        kind=notices.ACCREDITATION_AWAITING_VERIFICATION, user=world.staff
    )
    icelandic_note = Notification.objects.get(
        kind=notices.ACCREDITATION_AWAITING_VERIFICATION, user=icelandic
    )
    assert "Approved GHG programme GHG-7" in english_note.title
    assert "Samþykkt GHL-kerfi GHG-7" in icelandic_note.title


@pytest.mark.django_db
def test_a_notification_names_its_kind_in_words(world):
    # when
    notify(kind=notices.BODY_APPROVED, subject=world.a.body, body=world.a.body, reason="All in order.")

    # then
    assert Notification.objects.get(kind=notices.BODY_APPROVED).kind_label == "Body approved"
    assert all(find_kind(key).label for key in (*STAFF_KINDS, *BODY_KINDS, *ACCREDITATION_KINDS))


# --- through the services: who hears of each decision ------------------------------------------------------------


@pytest.mark.django_db
def test_suspending_reinstating_and_withdrawing_a_body_reach_its_administrators_with_the_reason(
    world, django_capture_on_commit_callbacks
):
    # given body A holds a verified accreditation (reinstatement needs one, like approval)
    AccreditationFactory(body=world.a.body)
    # when registry staff decide on body A, each decision committing
    with django_capture_on_commit_callbacks(execute=True):
        body = body_suspend(body=world.a.body, actor=world.staff, reason="Fees unpaid.")
    with django_capture_on_commit_callbacks(execute=True):
        body = body_reinstate(body=body, actor=world.staff, reason="Fees paid.")
    with django_capture_on_commit_callbacks(execute=True):
        body_withdraw(body=body, actor=world.staff, reason="The body asked to leave.")

    # then body A's administrator, and nobody else, was told each one with its reason, in the centre and by email
    for kind, reason in (
        (notices.BODY_SUSPENDED, "Fees unpaid."),
        (notices.BODY_REINSTATED, "Fees paid."),
        (notices.BODY_WITHDRAWN, "The body asked to leave."),
    ):
        assert told(kind) == ["admin.a@example.org"]
        assert Notification.objects.get(kind=kind).message.endswith(f"Reason: {reason}")
    assert [email.to for email in mail.outbox] == [["admin.a@example.org"]] * 3
    assert mail.outbox[0].subject == "ICR has suspended the approval of Body A"


@pytest.mark.django_db
def test_a_refused_decision_tells_nobody(world):
    # when staff try to reinstate a body that is not suspended
    with pytest.raises(TransitionNotAllowed):
        body_reinstate(body=world.a.body, actor=world.staff, reason="Fees paid.")

    # then
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_an_application_reaches_registry_staff_and_not_the_applicant(world):
    # given a person applying for a new body
    applicant = UserFactory(email="applicant@new-body.example")

    # when
    body = body_apply(
        actor=applicant,
        fields={
            "legal_name": "New Verification ehf.",
            "short_name": "NewV",
            "country": "IS",
            "kind": Body.Kind.VVB,
            "contact_name": "Anna",
            "contact_email": "anna@new-body.example",
        },
    )

    # then
    assert told(notices.BODY_APPLIED) == ["staff@icr.example"]
    note = Notification.objects.get(kind=notices.BODY_APPLIED)
    assert note.title == "New application to ICR: NewV"
    assert note.url == reverse("admin:bodies_body_change", args=[body.pk])
