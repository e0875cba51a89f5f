"""Portal pages of a body: apply, profile, accreditations, eligibility, people, API tokens; the directory."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from PIL import Image

from accounts.models import ApiToken
from accounts.services import api_token_create
from bodies.middleware import SESSION_KEY
from bodies.models import Accreditation, Body, BodyStatusChange, Membership, Role
from bodies.services import APPROVAL_LETTER
from core.models import AuditEvent
from documents.services import document_render, document_request
from reference.models import Sector
from tests.bodies.certificates import pdf
from tests.factories import (
    AccreditationBodyFactory,
    AccreditationFactory,
    BodyFactory,
    MembershipFactory,
    UserFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def image_upload(
    fmt: str = "PNG", name: str = "logo.png", size: tuple[int, int] = (40, 20)
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (15, 92, 77)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def body_form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "legal_name": "Hekla Verification ehf.",
        "short_name": "Hekla",
        "country": "IS",
        "kind": Body.Kind.VVB,
        "registration_number": "560123-4560",
        "address": "Laugavegur 1\n101 Reykjavík",
        "website": "https://hekla.example",
        "contact_name": "Sigríður Jónsdóttir",
        "contact_email": "sigridur@hekla.example",
        "contact_phone": "+354 555 1234",
        "time_zone": "Atlantic/Reykjavik",
        "activities": ["validation", "verification"],
        "sectors": [str(Sector.objects.get(scheme="ghg", code="1", is_current=True).pk)],
    }
    data.update(overrides)
    return data


def accreditation_form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "accreditation_body": str(AccreditationBodyFactory().pk),
        "certificate": pdf(),
        "standard": Accreditation.Standard.ISO_14065,
        "programme_name": "",
        "certificate_number": "VVB-9001",
        "valid_from": "2024-03-01",
        "valid_to": "2027-02-28",
        "last_onsite_assessment": "",
        "scope_activities": ["verification"],
        "scope_standards": ["iso-14064-3"],
        "scope_sectors": [str(Sector.objects.get(scheme="ghg", code="3", is_current=True).pk)],
    }
    data.update(overrides)
    return data


# --- applying -----------------------------------------------------------------------------------------------


def test_apply_makes_the_person_admin_of_a_new_applicant_body_and_switches_to_it(login, world):
    # given
    person = UserFactory(email="sigridur@hekla.example", full_name="Sigríður Jónsdóttir")
    client = login(person)
    assert client.get(reverse("bodies:apply")).status_code == 200
    # when
    response = client.post(reverse("bodies:apply"), body_form_data())
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("bodies:profile")
    body = Body.objects.get(legal_name="Hekla Verification ehf.")
    assert body.status == Body.Status.APPLICANT
    assert sorted(body.activities.values_list("code", flat=True)) == ["validation", "verification"]
    assert Membership.objects.get(body=body).user == person
    assert Membership.objects.get(body=body).roles == [Role.BODY_ADMIN]
    assert client.session[SESSION_KEY] == str(body.pk)
    profile = client.get(reverse("bodies:profile")).content.decode()
    assert "Hekla Verification ehf." in profile
    assert "Applicant" in profile


def test_apply_with_bad_input_shows_the_errors_and_creates_nothing(login, world):
    # given
    person = UserFactory(email="someone@example.org")
    # when
    response = login(person).post(
        reverse("bodies:apply"), body_form_data(legal_name="", contact_email="not-an-email", country="XX")
    )
    # then
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"legal_name", "contact_email", "country"}
    assert not Body.objects.filter(contact_email="not-an-email").exists()
    assert Body.objects.count() == 2
    assert not Membership.objects.filter(user=person).exists()


def test_apply_needs_a_login(client, db):
    # when
    response = client.get(reverse("bodies:apply"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- profile ------------------------------------------------------------------------------------------------


def test_profile_shows_status_reason_and_the_approval_decisions(login, world):
    # given
    body = world.a.body
    body.status_reason = "All requirements met."
    body.save(update_fields=["status_reason"])
    BodyStatusChange.objects.create(
        body=body,
        from_status="under_review",
        to_status="approved",
        reason="All requirements met.",
        decided_by=world.staff,
        decided_at=timezone.now(),
    )
    # when
    response = login(world.a.member).get(reverse("bodies:profile"))
    # then
    assert response.status_code == 200
    assert [c.reason for c in response.context["status_changes"]] == ["All requirements met."]
    html = response.content.decode()
    assert "Under review" in html and "Approved" in html
    assert "Registry Staff" in html
    assert reverse("bodies:profile-edit") not in html  # a member cannot edit


def test_profile_shows_the_approval_letter_while_it_renders_and_then_its_download_link(login, world):
    # given
    letter = document_request(
        kind=APPROVAL_LETTER, subject=world.a.body, body=world.a.body, actor=world.staff
    )
    client = login(world.a.admin)
    # when
    pending = client.get(reverse("bodies:profile")).content.decode()
    document_render(document_id=letter.pk)
    ready = client.get(reverse("bodies:profile")).content.decode()
    # then
    assert reverse("documents:status", args=[letter.pk]) in pending  # polls until the PDF is ready
    assert reverse("documents:download", args=[letter.pk]) not in pending
    assert reverse("documents:download", args=[letter.pk]) in ready


def test_profile_edit_saves_through_the_service_and_records_the_change(login, world):
    # given
    client = login(world.a.admin)
    assert client.get(reverse("bodies:profile-edit")).status_code == 200
    # when
    response = client.post(
        reverse("bodies:profile-edit"),
        body_form_data(
            legal_name="Body A Verification ehf.", short_name="Body A", contact_phone="+354 111 2222"
        ),
    )
    # then
    assert response.status_code == 302
    body = Body.objects.get(pk=world.a.body.pk)
    assert body.contact_phone == "+354 111 2222"
    event = AuditEvent.objects.get(action="bodies.body.profile_updated")
    assert event.after["contact_phone"] == "+354 111 2222"


def test_profile_edit_is_refused_to_a_member_and_nothing_changes(login, world):
    # when
    get = login(world.a.member).get(reverse("bodies:profile-edit"))
    post = login(world.a.member).post(reverse("bodies:profile-edit"), body_form_data(legal_name="Hijacked"))
    # then
    assert (get.status_code, post.status_code) == (403, 403)
    assert Body.objects.get(pk=world.a.body.pk).legal_name == "Body A Verification ehf."
    assert not AuditEvent.objects.filter(action="bodies.body.profile_updated").exists()


def test_profile_edit_accepts_a_png_logo(login, world):
    # when
    response = login(world.a.admin).post(
        reverse("bodies:profile-edit"),
        {**body_form_data(legal_name="Body A Verification ehf."), "logo": image_upload()},
    )
    # then
    assert response.status_code == 302
    body = Body.objects.get(pk=world.a.body.pk)
    assert body.logo.name.startswith("logos/logo")
    assert body.logo.name.endswith(".png")


def test_profile_edit_refuses_a_gif_logo(login, world):
    # when
    response = login(world.a.admin).post(
        reverse("bodies:profile-edit"),
        {**body_form_data(), "logo": image_upload("GIF", "logo.gif")},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == ["Upload a PNG or JPEG file."]  # the one upload wording
    assert Body.objects.get(pk=world.a.body.pk).logo.name == ""


def test_profile_edit_refuses_a_logo_over_the_size_limit(login, world, settings):
    # given
    upload = image_upload("JPEG", "logo.jpg", size=(300, 300))
    settings.LOGO_MAX_BYTES = upload.size - 1
    # when
    response = login(world.a.admin).post(reverse("bodies:profile-edit"), {**body_form_data(), "logo": upload})
    # then
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["logo"]] == ["logo_too_large"]
    assert Body.objects.get(pk=world.a.body.pk).logo.name == ""


def test_profile_edit_refuses_a_file_that_is_not_an_image(login, world):
    # when
    response = login(world.a.admin).post(
        reverse("bodies:profile-edit"),
        {**body_form_data(), "logo": SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", "image/png")},
    )
    # then
    assert response.status_code == 200
    assert "logo" in response.context["form"].errors
    assert Body.objects.get(pk=world.a.body.pk).logo.name == ""


def test_members_page_lists_the_body_people_and_roles(login, world):
    # when
    response = login(world.a.member).get(reverse("bodies:members"))
    # then
    assert response.status_code == 200
    assert [m.user.email for m in response.context["memberships"]] == [
        "admin.a@example.org",
        "member.a@example.org",
    ]
    html = response.content.decode()
    assert "Body administrator" in html and "Auditor" in html
    assert "admin.b@example.org" not in html


# --- accreditations -----------------------------------------------------------------------------------------


def test_accreditation_list_shows_only_the_active_body_accreditations(login, world):
    # given
    AccreditationFactory(body=world.a.body, certificate_number="A-001")
    AccreditationFactory(body=world.b.body, certificate_number="B-001")
    # when
    response = login(world.a.member).get(reverse("bodies:accreditation-list"))
    # then
    assert [a.certificate_number for a in response.context["accreditations"]] == ["A-001"]
    assert "B-001" not in response.content.decode()


def test_accreditation_detail_renders_with_its_scope_and_history(login, world):
    # given
    accreditation = AccreditationFactory(body=world.a.body, certificate_number="A-001")
    # when
    response = login(world.a.admin).get(reverse("bodies:accreditation-detail", args=[accreditation.pk]))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "A-001" in html
    assert "ISO 14064-3" in html
    assert reverse("bodies:accreditation-decide", args=[accreditation.pk]) in html


def test_accreditation_create_records_it_with_its_scope(login, world):
    # given
    client = login(world.a.admin)
    assert client.get(reverse("bodies:accreditation-create")).status_code == 200
    # when
    response = client.post(reverse("bodies:accreditation-create"), accreditation_form_data())
    # then
    accreditation = Accreditation.objects.get(certificate_number="VVB-9001")
    assert response.status_code == 302
    assert response["Location"] == reverse("bodies:accreditation-detail", args=[accreditation.pk])
    assert accreditation.body == world.a.body
    assert list(accreditation.scope_activities.values_list("code", flat=True)) == ["verification"]
    assert (
        AuditEvent.objects.filter(
            action="bodies.accreditation.created", object_id=str(accreditation.pk)
        ).count()
        == 1
    )


def test_accreditation_cycle_of_five_years_and_a_day_is_refused_with_the_field_error(login, world):
    # when: valid from 1 March 2024, the last allowed day is 28 February 2029
    response = login(world.a.admin).post(
        reverse("bodies:accreditation-create"),
        accreditation_form_data(valid_from="2024-03-01", valid_to="2029-03-01"),
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["valid_to"] == [
        f"An accreditation cycle is at most 5 years: the last allowed day is {date_format(date(2029, 2, 28))}."
    ]
    assert not Accreditation.objects.filter(certificate_number="VVB-9001").exists()
    assert not AuditEvent.objects.filter(action="bodies.accreditation.created").exists()


def test_accreditation_cycle_ending_on_the_last_allowed_day_is_accepted(login, world):
    # when
    response = login(world.a.admin).post(
        reverse("bodies:accreditation-create"),
        accreditation_form_data(valid_from="2024-03-01", valid_to="2029-02-28"),
    )
    # then
    assert response.status_code == 302
    assert Accreditation.objects.get(certificate_number="VVB-9001").valid_to == date(2029, 2, 28)


def test_accreditation_with_an_empty_scope_shows_every_scope_error(login, world):
    # when
    response = login(world.a.admin).post(
        reverse("bodies:accreditation-create"),
        accreditation_form_data(scope_activities=[], scope_standards=[], scope_sectors=[]),
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "scope_activities": ["The scope needs at least one activity."],
        "scope_standards": ["The scope needs at least one standard."],
        "scope_sectors": ["The scope needs at least one sector."],
    }
    assert Accreditation.objects.count() == 0


def test_accreditation_with_unparseable_dates_is_a_form_error_not_a_crash(login, world):
    # when
    response = login(world.a.admin).post(
        reverse("bodies:accreditation-create"),
        accreditation_form_data(valid_from="yesterday", valid_to="2029-13-01"),
    )
    # then
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"valid_from", "valid_to"}
    assert Accreditation.objects.count() == 0


def test_accreditation_create_is_refused_to_a_member(login, world):
    # when
    response = login(world.a.member).post(reverse("bodies:accreditation-create"), accreditation_form_data())
    # then
    assert response.status_code == 403
    assert Accreditation.objects.count() == 0


def test_accreditation_edit_saves_through_the_service(login, world):
    # given
    accreditation = AccreditationFactory(body=world.a.body, certificate_number="A-001")
    client = login(world.a.admin)
    edit_page = client.get(reverse("bodies:accreditation-edit", args=[accreditation.pk]))
    assert edit_page.context["form"].initial["certificate_number"] == "A-001"
    # when
    response = client.post(
        reverse("bodies:accreditation-edit", args=[accreditation.pk]),
        accreditation_form_data(
            certificate_number="A-001-R1",
            valid_from=accreditation.valid_from.isoformat(),
            valid_to=accreditation.valid_to.isoformat(),
        ),
    )
    # then
    assert response.status_code == 302
    assert Accreditation.objects.get(pk=accreditation.pk).certificate_number == "A-001-R1"
    # and a verified accreditation the body changed waits for the registry again
    assert Accreditation.objects.get(pk=accreditation.pk).verification == "pending"
    assert (
        AuditEvent.objects.get(action="bodies.accreditation.updated").after["certificate_number"]
        == "A-001-R1"
    )


def test_accreditation_decision_suspends_with_a_reason(login, world):
    # given
    accreditation = AccreditationFactory(body=world.a.body)
    # when
    response = login(world.a.admin).post(
        reverse("bodies:accreditation-decide", args=[accreditation.pk]),
        {"action": "suspend", "reason": "ISAC suspended the accreditation on 3 May."},
    )
    # then
    assert response.status_code == 302
    accreditation.refresh_from_db()
    assert (accreditation.status, accreditation.status_reason) == (
        Accreditation.Status.SUSPENDED,
        "ISAC suspended the accreditation on 3 May.",
    )


def test_accreditation_decision_without_a_reason_shows_the_error_and_changes_nothing(login, world):
    # given
    accreditation = AccreditationFactory(body=world.a.body)
    # when
    response = login(world.a.admin).post(
        reverse("bodies:accreditation-decide", args=[accreditation.pk]), {"action": "suspend", "reason": "  "}
    )
    # then
    assert response.status_code == 400
    assert response.context["decide_form"].errors == {"reason": ["Give a reason."]}
    assert Accreditation.objects.get(pk=accreditation.pk).status == Accreditation.Status.ACTIVE


def test_accreditation_decision_not_allowed_in_the_current_state_shows_a_message(login, world):
    # given
    accreditation = AccreditationFactory(body=world.a.body)
    client = login(world.a.admin)
    # when
    response = client.post(
        reverse("bodies:accreditation-decide", args=[accreditation.pk]),
        {"action": "reinstate", "reason": "Back again."},
        follow=True,
    )
    # then
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "An accreditation that is Active cannot become Active."
    ]
    assert Accreditation.objects.get(pk=accreditation.pk).status == Accreditation.Status.ACTIVE


def test_accreditation_decision_with_an_unknown_action_is_a_form_error(login, world):
    # given
    accreditation = AccreditationFactory(body=world.a.body)
    # when
    response = login(world.a.admin).post(
        reverse("bodies:accreditation-decide", args=[accreditation.pk]), {"action": "delete", "reason": "x"}
    )
    # then
    assert response.status_code == 400
    assert "action" in response.context["decide_form"].errors
    assert Accreditation.objects.get(pk=accreditation.pk).status == Accreditation.Status.ACTIVE


def test_accreditation_decision_is_refused_to_a_member(login, world):
    # given
    accreditation = AccreditationFactory(body=world.a.body)
    # when
    response = login(world.a.member).post(
        reverse("bodies:accreditation-decide", args=[accreditation.pk]), {"action": "withdraw", "reason": "x"}
    )
    # then
    assert response.status_code == 403
    assert Accreditation.objects.get(pk=accreditation.pk).status == Accreditation.Status.ACTIVE


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "bodies:accreditation-detail", None),
        ("get", "bodies:accreditation-edit", None),
        ("post", "bodies:accreditation-edit", "form"),
        ("post", "bodies:accreditation-decide", {"action": "withdraw", "reason": "Taking over."}),
    ],
)
def test_another_body_accreditation_is_a_404_and_nothing_changes(login, world, method, name, data):
    # given
    theirs = AccreditationFactory(body=world.b.body, certificate_number="B-001")
    events_before = AuditEvent.objects.count()
    payload = accreditation_form_data(certificate_number="STOLEN") if data == "form" else data
    # when
    client = login(world.a.admin)
    response = (
        client.get(reverse(name, args=[theirs.pk]))
        if method == "get"
        else client.post(reverse(name, args=[theirs.pk]), payload)
    )
    # then
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.certificate_number, theirs.status) == ("B-001", Accreditation.Status.ACTIVE)
    assert AuditEvent.objects.count() == events_before


def test_an_unknown_accreditation_is_the_same_404(login, world):
    # when
    response = login(world.a.admin).get(
        reverse("bodies:accreditation-detail", args=["00000000-0000-4000-8000-000000000000"])
    )
    # then
    assert response.status_code == 404


# --- eligibility --------------------------------------------------------------------------------------------


def eligibility_data(start: date, end: date, sector_code: str = "1") -> dict[str, str]:
    return {
        "activity": "verification",
        "standard": "iso-14064-3",
        "sector": str(Sector.objects.get(scheme="ghg", code=sector_code, is_current=True).pk),
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


def test_eligibility_answers_eligible_with_the_covering_accreditation_as_an_htmx_partial(login, world):
    # given
    accreditation = AccreditationFactory(body=world.a.body, certificate_number="A-001")
    today = timezone.localdate()
    client = login(world.a.member)
    assert client.get(reverse("bodies:eligibility")).status_code == 200
    # when
    response = client.post(
        reverse("bodies:eligibility"),
        eligibility_data(today + timedelta(days=10), today + timedelta(days=20)),
        HTTP_HX_REQUEST="true",
    )
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert response.context["result"].eligible is True
    assert response.context["result"].accreditation == accreditation
    assert "Eligible" in html and "A-001" in html


def test_eligibility_lists_every_reason_it_fails(login, world):
    # given: an applicant without agreement and no accreditation for sector 7
    Body.objects.filter(pk=world.a.body.pk).update(status=Body.Status.UNDER_REVIEW, agreement_reference="")
    AccreditationFactory(body=world.a.body)
    today = timezone.localdate()
    # when
    response = login(world.a.member).post(
        reverse("bodies:eligibility"),
        eligibility_data(today, today + timedelta(days=3), sector_code="7"),
        HTTP_HX_REQUEST="true",
    )
    # then
    assert [r.code for r in response.context["result"].reasons] == [
        "body_not_approved",
        "agreement_not_signed",
        "sector_not_in_scope",
    ]
    html = response.content.decode()
    assert "Not eligible" in html
    assert 'data-code="agreement_not_signed"' in html


def test_eligibility_end_before_start_is_a_field_error(login, world):
    # given
    today = timezone.localdate()
    # when
    response = login(world.a.member).post(
        reverse("bodies:eligibility"),
        eligibility_data(today, today - timedelta(days=1)),
        HTTP_HX_REQUEST="true",
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"end": ["The planned end cannot be before the planned start."]}
    assert "result" not in response.context


# --- API tokens ---------------------------------------------------------------------------------------------


def token_form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Registry sync",
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "scope_bodies": "read",
        "scope_accreditations": "write",
        "scope_eligibility": "none",
        "scope_documents": "none",
        "scope_deadlines": "none",
        "scope_audit_events": "none",
    }
    data.update(overrides)
    return data


def test_token_creation_shows_the_secret_once(login, world):
    # given
    client = login(world.a.admin)
    # when
    response = client.post(reverse("bodies:tokens"), token_form_data())
    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    token = ApiToken.objects.get(name="Registry sync")
    assert (token.body, token.scopes) == (world.a.body, {"bodies": "read", "accreditations": "write"})
    assert ApiToken.objects.get_from_key(secret) == token
    assert secret in response.content.decode()
    listing = client.get(reverse("bodies:tokens")).content.decode()
    assert "Registry sync" in listing
    assert secret not in listing


def test_token_without_scopes_or_name_shows_the_errors_and_creates_nothing(login, world):
    # when
    response = login(world.a.admin).post(
        reverse("bodies:tokens"), token_form_data(name=" ", scope_bodies="none", scope_accreditations="none")
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["Name the integration that will use this token."],
        "__all__": ["Give the token at least one scope."],
    }
    assert ApiToken.objects.count() == 0


def test_token_expiry_in_the_past_is_a_field_error(login, world):
    # when
    response = login(world.a.admin).post(
        reverse("bodies:tokens"),
        token_form_data(expires_on=(timezone.localdate() - timedelta(days=2)).isoformat()),
    )
    # then
    assert response.context["form"].errors == {"expires_on": ["The expiry must be in the future."]}
    assert ApiToken.objects.count() == 0


def test_token_revoke(login, world):
    # given
    token, _secret = api_token_create(
        body=world.a.body,
        actor=world.a.admin,
        name="Old sync",
        scopes={"bodies": "read"},
        expires_at=timezone.now() + timedelta(days=10),
    )
    client = login(world.a.admin)
    # when
    response = client.post(reverse("bodies:token-revoke", args=[token.uuid]), follow=True)
    again = client.post(reverse("bodies:token-revoke", args=[token.uuid]), follow=True)
    # then
    assert response.status_code == 200
    assert ApiToken.objects.get(pk=token.pk).revoked is True
    assert [str(m) for m in again.context["messages"]] == ["This token is already revoked."]
    assert AuditEvent.objects.filter(action="accounts.api_token.revoked").count() == 1


def test_another_body_token_cannot_be_revoked(login, world):
    # given
    theirs, _secret = api_token_create(
        body=world.b.body,
        actor=world.b.admin,
        name="B sync",
        scopes={"bodies": "read"},
        expires_at=timezone.now() + timedelta(days=10),
    )
    # when
    response = login(world.a.admin).post(reverse("bodies:token-revoke", args=[theirs.uuid]))
    # then
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked is False


def test_tokens_are_refused_to_a_member_and_nothing_is_created(login, world):
    # when
    get = login(world.a.member).get(reverse("bodies:tokens"))
    post = login(world.a.member).post(reverse("bodies:tokens"), token_form_data())
    # then
    assert (get.status_code, post.status_code) == (403, 403)
    assert ApiToken.objects.count() == 0


# --- the public directory -----------------------------------------------------------------------------------


def test_directory_is_public_and_lists_approved_and_suspended_bodies_only(client, world):
    # given
    Body.objects.filter(pk=world.b.body.pk).update(status=Body.Status.SUSPENDED)
    BodyFactory(legal_name="Fresh Applicant ehf.", status=Body.Status.APPLICANT)
    AccreditationFactory(body=world.a.body, certificate_number="A-001")
    # when
    response = client.get(reverse("bodies:directory"))
    # then
    assert response.status_code == 200
    assert [b.legal_name for b in response.context["bodies"]] == [
        "Body A Verification ehf.",
        "Body B Verification ehf.",
    ]
    html = response.content.decode()
    assert "Fresh Applicant ehf." not in html
    assert "Suspended" in html
    assert "A-001" in html and "ISO 14064-3" in html and "GHG scope 14" in html


def test_directory_filters_by_country_kind_and_activity(client, world):
    # given
    BodyFactory(legal_name="Oslo Certification AS", country="NO", kind=Body.Kind.MS_CB, activities=[])
    # when
    by_country = client.get(reverse("bodies:directory"), {"country": "NO"})
    by_kind = client.get(reverse("bodies:directory"), {"kind": Body.Kind.VVB})
    by_activity = client.get(reverse("bodies:directory"), {"activity": "verification"})
    # then
    assert [b.legal_name for b in by_country.context["bodies"]] == ["Oslo Certification AS"]
    assert [b.legal_name for b in by_kind.context["bodies"]] == [
        "Body A Verification ehf.",
        "Body B Verification ehf.",
    ]
    assert [b.legal_name for b in by_activity.context["bodies"]] == [
        "Body A Verification ehf.",
        "Body B Verification ehf.",
    ]


def test_directory_answers_an_unknown_filter_value_with_a_message_and_no_bodies(client, world):
    # when
    response = client.get(
        reverse("bodies:directory"), {"kind": "nonsense", "activity": "nope", "country": "IS"}
    )
    # then
    assert response.status_code == 400
    assert list(response.context["bodies"]) == []
    assert sorted(response.context["filter_form"].errors) == ["activity", "kind"]
    html = response.content.decode()
    assert "These filters could not be applied, so nothing is listed:" in html
    assert "Kind: Select a valid choice. nonsense is not one of the available choices." in html
    assert "Body A Verification ehf." not in html


def test_directory_detail_shows_an_approved_body(client, world):
    # given
    AccreditationFactory(body=world.a.body, certificate_number="A-001")
    # when
    response = client.get(reverse("bodies:directory-detail", args=[world.a.body.pk]))
    # then
    assert response.status_code == 200
    assert "A-001" in response.content.decode()


@pytest.mark.parametrize("status", [Body.Status.APPLICANT, Body.Status.UNDER_REVIEW, Body.Status.WITHDRAWN])
def test_directory_detail_is_a_404_for_a_body_that_is_not_listed(client, db, status):
    # given
    body = BodyFactory(status=status)
    # when
    response = client.get(reverse("bodies:directory-detail", args=[body.pk]))
    # then
    assert response.status_code == 404


# --- constant query counts ----------------------------------------------------------------------------------


def test_accreditation_list_runs_a_constant_number_of_queries(login, world, django_assert_num_queries):
    # given
    client = login(world.a.admin)
    AccreditationFactory.create_batch(2, body=world.a.body)
    few = count_queries(client, reverse("bodies:accreditation-list"))
    AccreditationFactory.create_batch(10, body=world.a.body)
    # when / then
    with django_assert_num_queries(few):
        response = client.get(reverse("bodies:accreditation-list"))
    assert len(response.context["accreditations"]) == 12


def test_directory_runs_a_constant_number_of_queries(client, world, django_assert_num_queries):
    # given
    for body in (world.a.body, world.b.body):
        AccreditationFactory(body=body)
    few = count_queries(client, reverse("bodies:directory"))
    for _ in range(10):
        AccreditationFactory(body=BodyFactory())
    # when / then
    with django_assert_num_queries(few):
        response = client.get(reverse("bodies:directory"))
    assert len(response.context["bodies"]) == 12


def test_members_page_runs_a_constant_number_of_queries(login, world, django_assert_num_queries):
    # given: two people in body A already
    client = login(world.a.admin)
    few = count_queries(client, reverse("bodies:members"))
    for _ in range(10):
        MembershipFactory(body=world.a.body, roles=[Role.AUDITOR, Role.LEAD_AUDITOR])
    # when / then
    with django_assert_num_queries(few):
        response = client.get(reverse("bodies:members"))
    assert len(response.context["memberships"]) == 12


def test_tokens_page_runs_a_constant_number_of_queries(login, world, django_assert_num_queries):
    # given
    def make_tokens(count: int) -> None:
        for n in range(count):
            api_token_create(
                body=world.a.body,
                actor=world.a.admin,
                name=f"Sync {n}",
                scopes={"bodies": "read"},
                expires_at=timezone.now() + timedelta(days=10),
            )

    client = login(world.a.admin)
    make_tokens(2)
    few = count_queries(client, reverse("bodies:tokens"))
    make_tokens(10)
    # when / then
    with django_assert_num_queries(few):
        response = client.get(reverse("bodies:tokens"))
    assert len(response.context["tokens"]) == 12
