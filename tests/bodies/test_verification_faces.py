"""The registry's verification through every face: the admin (verify/refuse view, the queue filter, a decision
form offering only the allowed transitions), the API (verify/refuse actions, the certificate, the new fields),
the portal (the state and the refusal reason, the certificate), and what counts in the directory and letter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from bodies.models import Accreditation, Body
from bodies.selectors import directory_list
from core.models import AuditEvent
from tests.bodies.certificates import pdf
from tests.factories import AccreditationFactory, BodyFactory, today
from tests.helpers import assert_flat_queries, bearer, make_token, signed_in, url

pytestmark = pytest.mark.django_db


def pending_of(body: Body, **fields) -> Accreditation:  # type: ignore[no-untyped-def]
    accreditation = AccreditationFactory(body=body, verification="pending", **fields)
    accreditation.certificate.save("certificate.pdf", ContentFile(b"%PDF-1.7 certificate"))
    return accreditation


def verification_of(accreditation: Accreditation) -> tuple[str, str]:
    row = Accreditation.objects.get(pk=accreditation.pk)
    return row.verification, row.verification_reason


# --- admin --------------------------------------------------------------------------------------------------


def test_staff_verify_in_the_admin(login, world):
    accreditation = pending_of(world.a.body)
    client = login(world.staff)
    page = reverse("admin:bodies_accreditation_verify", args=[accreditation.pk])

    shown = client.get(page)
    done = client.post(page, {"decision": "verify", "reason": ""})

    assert shown.status_code == 200
    assert (
        reverse("admin:bodies_accreditation_certificate", args=[accreditation.pk]) in shown.content.decode()
    )
    assert done.status_code == 302
    assert verification_of(accreditation) == ("verified", "")


def test_refusing_in_the_admin_needs_a_reason(login, world):
    accreditation = pending_of(world.a.body)
    client = login(world.staff)
    page = reverse("admin:bodies_accreditation_verify", args=[accreditation.pk])

    without = client.post(page, {"decision": "refuse", "reason": " "})
    assert without.status_code == 200
    assert without.context["form"].errors == {"reason": ["Give the reason for refusing the accreditation."]}
    assert verification_of(accreditation) == ("pending", "")

    with_reason = client.post(page, {"decision": "refuse", "reason": "Certificate unreadable."})
    assert with_reason.status_code == 302
    assert verification_of(accreditation) == ("refused", "Certificate unreadable.")


def test_a_decided_accreditation_cannot_be_decided_again_in_the_admin(login, world):
    accreditation = AccreditationFactory(body=world.a.body)  # verified
    response = login(world.staff).post(
        reverse("admin:bodies_accreditation_verify", args=[accreditation.pk]),
        {"decision": "refuse", "reason": "x"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "An accreditation that is verified cannot become refused."
    ]
    assert verification_of(accreditation) == ("verified", "")


def test_the_admin_certificate_is_the_pdf(login, world):
    accreditation = pending_of(world.a.body)
    response = login(world.staff).get(
        reverse("admin:bodies_accreditation_certificate", args=[accreditation.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_verification_queue_filter(login, world):
    waiting = pending_of(world.a.body)
    AccreditationFactory(body=world.b.body)
    response = login(world.staff).get(
        reverse("admin:bodies_accreditation_changelist"), {"verification__exact": "pending"}
    )
    assert response.status_code == 200
    assert [a.pk for a in response.context["cl"].result_list] == [waiting.pk]
    assert "Awaiting verification" in response.content.decode()


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (Body.Status.APPLICANT, ["start_review", "withdraw"]),
        (Body.Status.UNDER_REVIEW, ["approve", "withdraw"]),
        (Body.Status.APPROVED, ["suspend", "withdraw"]),
        (Body.Status.SUSPENDED, ["reinstate", "withdraw"]),
        (Body.Status.WITHDRAWN, []),
    ],
)
def test_the_admin_decision_form_offers_only_the_allowed_transitions(login, world, status, offered):
    body = BodyFactory(status=status)
    response = login(world.staff).get(reverse("admin:bodies_body_decide", args=[body.pk]))
    assert [value for value, _label in response.context["form"].fields["action"].choices] == offered


def test_a_transition_not_offered_is_refused_by_the_form(login, world):
    body = BodyFactory(status=Body.Status.APPLICANT)
    response = login(world.staff).post(
        reverse("admin:bodies_body_decide", args=[body.pk]), {"action": "approve", "reason": "x"}
    )
    assert response.status_code == 200
    assert "action" in response.context["form"].errors
    assert Body.objects.get(pk=body.pk).status == Body.Status.APPLICANT


# --- API ----------------------------------------------------------------------------------------------------


def test_staff_verify_and_refuse_through_the_api(world):
    first, second = pending_of(world.a.body), pending_of(world.a.body)
    client = signed_in(world.staff)

    verified = client.post(url("accreditation-verify", first.pk), {}, format="json")
    refused = client.post(
        url("accreditation-refuse", second.pk), {"reason": "Wrong body named."}, format="json"
    )

    assert verified.status_code == 200, verified.content
    assert (verified.json()["verification"], verified.json()["verifiedAt"] is not None) == ("verified", True)
    assert refused.status_code == 200
    assert (refused.json()["verification"], refused.json()["verificationReason"]) == (
        "refused",
        "Wrong body named.",
    )


def test_api_refusal_needs_a_reason_and_a_second_decision_conflicts(world):
    accreditation = pending_of(world.a.body)
    client = signed_in(world.staff)

    blank = client.post(url("accreditation-refuse", accreditation.pk), {"reason": ""}, format="json")
    assert (blank.status_code, blank.json()["code"]) == (400, "reason_required")
    assert verification_of(accreditation) == ("pending", "")

    client.post(url("accreditation-verify", accreditation.pk), {}, format="json")
    again = client.post(url("accreditation-refuse", accreditation.pk), {"reason": "late"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "verification_not_pending")
    assert verification_of(accreditation) == ("verified", "")


def test_a_body_cannot_verify_its_own_accreditation_through_the_api(world):
    accreditation = pending_of(world.a.body)
    _, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"accreditations": "write"})
    events = AuditEvent.objects.count()

    own_admin = signed_in(world.a.admin).post(
        url("accreditation-verify", accreditation.pk), {}, format="json"
    )
    token = bearer(secret).post(url("accreditation-verify", accreditation.pk), {}, format="json")
    other = signed_in(world.b.admin).post(url("accreditation-verify", accreditation.pk), {}, format="json")

    assert (own_admin.status_code, token.status_code, other.status_code) == (403, 403, 404)
    assert verification_of(accreditation) == ("pending", "")
    assert AuditEvent.objects.count() == events


def test_the_api_shows_the_accreditation_body_by_id_and_the_certificate(world):
    accreditation = pending_of(world.a.body)
    data = signed_in(world.a.member).get(url("accreditation-detail", accreditation.pk)).json()

    assert data["accreditationBody"] == accreditation.accreditation_body_id
    assert data["iafMla"] is True
    assert data["verification"] == "pending"
    assert data["certificate"].endswith(url("accreditation-certificate", accreditation.pk))
    download = signed_in(world.a.member).get(url("accreditation-certificate", accreditation.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert signed_in(world.b.admin).get(url("accreditation-certificate", accreditation.pk)).status_code == 404


def test_the_accreditation_list_stays_flat(world):
    def grow(n: int) -> None:
        for _ in range(n):
            pending_of(world.a.body)

    assert_flat_queries(signed_in(world.a.admin), url("accreditation-list"), grow)


def test_a_non_pdf_certificate_is_a_field_error_in_the_api(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    accreditation = AccreditationFactory(body=world.a.body)
    response = signed_in(world.a.admin).patch(
        url("accreditation-detail", accreditation.pk),
        {"certificate": SimpleUploadedFile("c.pdf", b"GIF89a not a pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()["fieldErrors"]) == ["certificate"]
    assert verification_of(accreditation) == ("verified", "")


# --- portal -------------------------------------------------------------------------------------------------


def test_the_body_sees_pending_verification_and_the_refusal_reason(login, world):
    pending = pending_of(world.a.body, certificate_number="P-1")
    refused = AccreditationFactory(
        body=world.a.body, verification="refused", verification_reason="The certificate has expired."
    )
    client = login(world.a.member)

    listing = client.get(reverse("bodies:accreditation-list")).content.decode()
    pending_page = client.get(reverse("bodies:accreditation-detail", args=[pending.pk])).content.decode()
    refused_page = client.get(reverse("bodies:accreditation-detail", args=[refused.pk])).content.decode()

    assert "Pending verification" in listing and "Refused" in listing
    assert "Pending verification" in pending_page
    assert reverse("bodies:accreditation-certificate", args=[pending.pk]) in pending_page
    assert "The certificate has expired." in refused_page


def test_the_portal_form_chooses_from_the_list_and_attaches_the_certificate(login, world):
    from reference.models import Sector
    from tests.factories import AccreditationBodyFactory

    ab = AccreditationBodyFactory()
    client = login(world.a.admin)
    form = client.get(reverse("bodies:accreditation-create")).context["form"]
    assert list(form.fields["accreditation_body"].queryset) == list(
        type(ab).objects.order_by("name")
    )  # the registry's list
    response = client.post(
        reverse("bodies:accreditation-create"),
        {
            "accreditation_body": str(ab.pk),
            "certificate": pdf(),
            "standard": "iso_14065",
            "certificate_number": "NEW-1",
            "valid_from": today().isoformat(),
            "valid_to": (today() + timedelta(days=300)).isoformat(),
            "scope_activities": ["verification"],
            "scope_standards": ["iso-14064-3"],
            "scope_sectors": [str(Sector.objects.get(scheme="ghg", code="1", is_current=True).pk)],
        },
    )
    assert response.status_code == 302
    created = Accreditation.objects.get(certificate_number="NEW-1")
    assert (created.accreditation_body, created.verification) == (ab, "pending")
    assert created.certificate.name.endswith(".pdf")


def test_a_new_accreditation_without_certificate_is_a_form_error(login, world):
    response = login(world.a.admin).post(
        reverse("bodies:accreditation-create"), {"certificate_number": "NEW-2", "standard": "iso_14065"}
    )
    assert response.status_code == 200
    assert "certificate" in response.context["form"].errors
    assert not Accreditation.objects.filter(certificate_number="NEW-2").exists()


# --- only verified, active accreditations count -------------------------------------------------------------


def test_the_directory_lists_only_verified_active_accreditations(world):
    verified = AccreditationFactory(body=world.a.body)
    pending_of(world.a.body)
    AccreditationFactory(body=world.a.body, verification="refused")
    listed = {body.pk: body for body in directory_list()}
    assert [a.pk for a in listed[world.a.body.pk].active_accreditations] == [verified.pk]


def test_the_approval_letter_lists_only_verified_active_accreditations(world):
    from bodies.documents import approval_letter_context
    from documents.services import document_request

    verified = AccreditationFactory(body=world.a.body, certificate_number="COUNTED")
    pending_of(world.a.body, certificate_number="NOT-YET")
    document = document_request(
        kind="bodies.approval_letter", subject=world.a.body, body=world.a.body, actor=None
    )

    context = approval_letter_context(document)

    assert [a.pk for a in context["accreditations"]] == [verified.pk]
