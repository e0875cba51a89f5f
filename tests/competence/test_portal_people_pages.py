"""The people pages: the list, adding a person, a person's page and details, training, witnessing, evaluations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bodies.models import Membership, Role
from competence.models import PeriodicEvaluation, TrainingEntry, WitnessedAudit
from core.models import AuditEvent
from documents.models import Document
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import count_queries, membership_of, record_for

pytestmark = pytest.mark.django_db


# --- the list -----------------------------------------------------------------------------------------------


def test_every_member_sees_the_bodys_people_with_undertaking_status(login, world):
    # given
    signed = membership_of(world.a.member, world.a.body)
    signed.undertaking_signed_on = date(2026, 1, 5)
    signed.save(update_fields=["undertaking_signed_on"])
    # when
    response = login(world.a.member).get(reverse("competence:people"))
    # then
    assert response.status_code == 200
    assert [m.user.email for m in response.context["people"]] == [
        "admin.a@example.org",
        "member.a@example.org",
    ]
    html = response.content.decode()
    assert "Not signed" in html  # the admin has not signed
    assert "Member B" not in html
    assert reverse("competence:person-add") not in html  # a member cannot add people


def test_people_search_by_name(login, world):
    # when
    response = login(world.a.admin).get(reverse("competence:people"), {"q": "member"})
    # then
    assert [m.user.full_name for m in response.context["people"]] == ["Member A"]


def test_a_search_the_form_refuses_answers_400_with_its_message_and_nobody(login, world):
    # when the search is longer than the form takes
    response = login(world.a.admin).get(reverse("competence:people"), {"q": "m" * 101, "page": "1"})
    # then
    assert response.status_code == 400
    assert list(response.context["people"]) == []
    html = response.content.decode()
    assert "These filters could not be applied, so nothing is listed:" in html
    assert "Name or email: Ensure this value has at most 100 characters (it has 101)." in html
    assert "Admin A" not in html


def test_people_list_runs_the_same_number_of_queries_for_3_or_15_people(
    login, world, django_assert_num_queries
):
    # given 3 people
    client = login(world.a.admin)
    MembershipFactory(body=world.a.body)
    few = count_queries(client, reverse("competence:people"))
    # when there are 15
    for _ in range(12):
        MembershipFactory(body=world.a.body, roles=[Role.AUDITOR, Role.LEAD_AUDITOR])
    # then
    with django_assert_num_queries(few):
        response = client.get(reverse("competence:people"))
    assert len(response.context["people"]) == 15


# --- adding a person ----------------------------------------------------------------------------------------


def test_admin_adds_a_new_person_with_an_account_without_password(login, world):
    # given
    client = login(world.a.admin)
    assert client.get(reverse("competence:person-add")).status_code == 200
    # when
    response = client.post(
        reverse("competence:person-add"),
        {
            "email": "Ragna@Auditors.example",
            "full_name": "Ragna Lind",
            "employment": "external_auditor",
            "roles": ["lead_auditor", "auditor"],
        },
    )
    # then
    membership = Membership.objects.get(body=world.a.body, user__email="ragna@auditors.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("competence:person-detail", args=[membership.pk])
    assert membership.roles == ["auditor", "lead_auditor"]
    assert membership.employment == "external_auditor"
    assert membership.user.full_name == "Ragna Lind"
    assert membership.user.has_usable_password() is False
    assert (
        AuditEvent.objects.filter(action="bodies.membership.added", object_id=str(membership.pk)).count() == 1
    )


def test_adding_a_person_who_works_for_another_body_reuses_their_account(login, world):
    # when body A adds body B's member (a freelance auditor)
    response = login(world.a.admin).post(
        reverse("competence:person-add"),
        {"email": "member.b@example.org", "full_name": "Another Name", "employment": "external_auditor"},
    )
    # then
    assert response.status_code == 302
    assert User.objects.filter(email="member.b@example.org").count() == 1
    assert User.objects.get(email="member.b@example.org").full_name == "Member B"
    assert sorted(
        Membership.objects.filter(user=world.b.member).values_list("body__short_name", flat=True)
    ) == [
        "Body A",
        "Body B",
    ]


def test_adding_someone_already_in_the_body_shows_the_error_on_the_email(login, world):
    # given
    before = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    # when
    response = login(world.a.admin).post(
        reverse("competence:person-add"),
        {"email": "member.a@example.org", "full_name": "Member A", "employment": "employee"},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["This person already belongs to the body."]}
    assert (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()) == before


def test_adding_with_an_unknown_employment_or_bad_email_is_a_form_error(login, world):
    # given
    before = (User.objects.count(), Membership.objects.count())
    # when
    response = login(world.a.admin).post(
        reverse("competence:person-add"), {"email": "not-an-email", "full_name": "", "employment": "boss"}
    )
    # then
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "full_name", "employment"}
    assert (User.objects.count(), Membership.objects.count()) == before


def test_a_member_cannot_add_people_and_nothing_changes(login, world):
    # given
    before = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    client = login(world.a.member)
    # when
    get = client.get(reverse("competence:person-add"))
    post = client.post(
        reverse("competence:person-add"),
        {"email": "new@example.org", "full_name": "New Person", "employment": "employee"},
    )
    # then
    assert (get.status_code, post.status_code) == (403, 403)
    assert (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()) == before


# --- a person's page ----------------------------------------------------------------------------------------


def test_person_page_shows_profile_and_every_section(login, world):
    # given
    member = world.a.member
    member.languages, member.countries, member.phone = ["is", "en"], ["IS", "NO"], "+354 555 1234"
    member.save(update_fields=["languages", "countries", "phone"])
    membership = membership_of(member, world.a.body)
    soon = timezone.localdate() + timedelta(days=20)
    record_for(member, world.a.body, valid_until=soon)
    TrainingEntry.objects.create(
        body=world.a.body,
        membership=membership,
        title="ISO 14064-3 lead auditor course",
        completed_on=date(2025, 3, 1),
        hours=40,
    )
    # when
    response = login(world.a.member).get(reverse("competence:person-detail", args=[membership.pk]))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Icelandic, English" in html
    assert "Iceland, Norway" in html
    assert "+354 555 1234" in html
    assert "expires in 20 days" in html
    assert "ISO 14064-3 lead auditor course" in html
    assert "No witnessed audit is recorded yet." in html
    assert "No evaluation is recorded yet." in html
    # a member sees, but cannot change
    assert reverse("competence:record-create", args=[membership.pk]) not in html
    assert reverse("competence:person-edit", args=[membership.pk]) not in html


def test_freelance_auditor_in_a_and_b_shows_only_a_records_to_a(login, world):
    # given a freelance auditor who works for both bodies, with one competence in each
    freelancer = UserFactory(email="freelancer@example.org", full_name="Frí Lans")
    in_a = MembershipFactory(user=freelancer, body=world.a.body, roles=[Role.AUDITOR])
    in_b = MembershipFactory(user=freelancer, body=world.b.body, roles=[Role.LEAD_AUDITOR])
    record_for(freelancer, world.a.body, notes="A")
    record_b = record_for(freelancer, world.b.body, role=Role.LEAD_AUDITOR, notes="B")
    client = login(world.a.admin)
    # when
    own = client.get(reverse("competence:person-detail", args=[in_a.pk]))
    other = client.get(reverse("competence:person-detail", args=[in_b.pk]))
    other_record = client.get(reverse("competence:record-detail", args=[record_b.pk]))
    # then
    assert own.status_code == 200
    assert [(r.body_id, r.role) for r in own.context["records"]] == [(world.a.body.pk, "auditor")]
    assert "Lead auditor" not in own.content.decode().split('id="competences"')[1].split("</table>")[0]
    assert (other.status_code, other_record.status_code) == (404, 404)


def test_person_of_another_body_is_not_found(login, world):
    # given
    membership_b = membership_of(world.b.member, world.b.body)
    # when
    response = login(world.a.admin).get(reverse("competence:person-detail", args=[membership_b.pk]))
    # then
    assert response.status_code == 404


# --- editing details ----------------------------------------------------------------------------------------


def test_admin_edits_roles_employment_and_undertaking(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    client = login(world.a.admin)
    assert client.get(reverse("competence:person-edit", args=[membership.pk])).status_code == 200
    # when
    response = client.post(
        reverse("competence:person-edit", args=[membership.pk]),
        {
            "roles": ["lead_auditor", "auditor"],
            "employment": "external_auditor",
            "undertaking_signed_on": "2026-02-01",
        },
    )
    # then
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.roles, membership.employment, membership.undertaking_signed_on) == (
        ["auditor", "lead_auditor"],
        "external_auditor",
        date(2026, 2, 1),
    )
    actions = set(AuditEvent.objects.filter(object_id=str(membership.pk)).values_list("action", flat=True))
    assert {"bodies.membership.roles_changed", "bodies.membership.details_changed"} <= actions


def test_an_undertaking_in_the_future_changes_nothing_not_even_the_roles(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    before = AuditEvent.objects.count()
    # when
    response = login(world.a.admin).post(
        reverse("competence:person-edit", args=[membership.pk]),
        {"roles": ["lead_auditor"], "employment": "employee", "undertaking_signed_on": future},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "undertaking_signed_on": ["The undertaking cannot be signed in the future."]
    }
    membership.refresh_from_db()
    assert (membership.roles, membership.undertaking_signed_on) == (["auditor"], None)
    assert AuditEvent.objects.count() == before


def test_the_last_admin_cannot_drop_their_own_admin_role(login, world):
    # given
    membership = membership_of(world.a.admin, world.a.body)
    # when
    response = login(world.a.admin).post(
        reverse("competence:person-edit", args=[membership.pk]),
        {"roles": ["auditor"], "employment": "employee"},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "roles": ["A body must keep at least one active body administrator."]
    }
    membership.refresh_from_db()
    assert membership.roles == ["body_admin"]


def test_a_member_cannot_edit_details_and_nothing_changes(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    # when
    response = login(world.a.member).post(
        reverse("competence:person-edit", args=[membership.pk]),
        {"roles": ["body_admin"], "employment": "employee"},
    )
    # then
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.roles == ["auditor"]


# --- training, witnessed audits, evaluations ------------------------------------------------------------------


def test_admin_records_training_witnessed_audit_and_evaluation(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    client = login(world.a.admin)
    for name in ("training-add", "witnessed-add", "evaluation-add"):
        assert client.get(reverse(f"competence:{name}", args=[membership.pk])).status_code == 200
    from reference.models import Sector

    sector = Sector.objects.get(scheme="ghg", code="1", is_current=True)
    # when
    training = client.post(
        reverse("competence:training-add", args=[membership.pk]),
        {
            "kind": "cpd",
            "title": "Verification webinar",
            "provider": "ICR",
            "completed_on": "2026-03-01",
            "hours": "2.5",
        },
    )
    witnessed = client.post(
        reverse("competence:witnessed-add", args=[membership.pk]),
        {
            "witnessed_by": str(world.a.admin.pk),
            "witnessed_on": "2026-03-10",
            "standard": "iso-14064-3",
            "sector": str(sector.pk),
            "outcome": "satisfactory",
            "engagement_reference": "VER-2026-001",
        },
    )
    evaluation = client.post(
        reverse("competence:evaluation-add", args=[membership.pk]),
        {"evaluated_on": "2026-03-15", "outcome": "satisfactory", "next_due_on": "2027-03-15"},
    )
    # then
    detail = reverse("competence:person-detail", args=[membership.pk])
    assert [training["Location"], witnessed["Location"], evaluation["Location"]] == [detail, detail, detail]
    assert TrainingEntry.objects.get(membership=membership).hours == 2.5
    assert WitnessedAudit.objects.get(membership=membership).witnessed_by == world.a.admin
    assert PeriodicEvaluation.objects.get(membership=membership).evaluated_by == world.a.admin
    html = client.get(detail).content.decode()
    assert "Verification webinar" in html and "VER-2026-001" in html and "Witnessed by Admin A" in html


def test_a_person_cannot_witness_their_own_audit(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    from reference.models import Sector

    sector = Sector.objects.get(scheme="ghg", code="1", is_current=True)
    # when
    response = login(world.a.admin).post(
        reverse("competence:witnessed-add", args=[membership.pk]),
        {
            "witnessed_by": str(world.a.member.pk),
            "witnessed_on": "2026-03-10",
            "standard": "iso-14064-3",
            "sector": str(sector.pk),
            "outcome": "satisfactory",
        },
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"witnessed_by": ["A person cannot witness their own audit."]}
    assert not WitnessedAudit.objects.exists()


def test_the_admin_cannot_evaluate_themselves(login, world):
    # given
    membership = membership_of(world.a.admin, world.a.body)
    # when
    response = login(world.a.admin).post(
        reverse("competence:evaluation-add", args=[membership.pk]),
        {"evaluated_on": "2026-03-15", "outcome": "satisfactory"},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["A person cannot evaluate themselves."]
    assert not PeriodicEvaluation.objects.exists()


def test_future_training_is_refused_by_the_service(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    # when
    response = login(world.a.admin).post(
        reverse("competence:training-add", args=[membership.pk]),
        {"kind": "training", "title": "Course", "completed_on": future, "hours": "8"},
    )
    # then
    assert response.context["form"].errors == {
        "completed_on": ["Training cannot be completed in the future."]
    }
    assert not TrainingEntry.objects.exists()


def test_a_member_cannot_add_training_and_nothing_changes(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    # when
    response = login(world.a.member).post(
        reverse("competence:training-add", args=[membership.pk]),
        {"kind": "training", "title": "Course", "completed_on": "2026-01-01", "hours": "8"},
    )
    # then
    assert response.status_code == 403
    assert not TrainingEntry.objects.exists()


# --- the competence record PDF ------------------------------------------------------------------------------


def test_admin_requests_the_pdf_and_gets_the_polling_status(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    # when
    response = login(world.a.admin).post(
        reverse("competence:person-pdf", args=[membership.pk]), headers={"HX-Request": "true"}
    )
    # then
    document = Document.objects.get(kind="competence.person_record")
    assert response.status_code == 200
    assert document.subject_id == str(membership.pk)
    assert document.body == world.a.body
    html = response.content.decode()
    assert reverse("documents:status", args=[document.pk]) in html
    assert 'hx-trigger="every 2s"' in html


def test_the_person_may_request_their_own_pdf_without_htmx(login, world):
    # given
    membership = membership_of(world.a.member, world.a.body)
    # when
    response = login(world.a.member).post(reverse("competence:person-pdf", args=[membership.pk]))
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("competence:person-detail", args=[membership.pk])
    assert Document.objects.filter(kind="competence.person_record", requested_by=world.a.member).count() == 1


def test_a_member_cannot_request_someone_elses_pdf(login, world):
    # given
    membership = membership_of(world.a.admin, world.a.body)
    # when
    response = login(world.a.member).post(reverse("competence:person-pdf", args=[membership.pk]))
    # then
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_person_page_shows_the_latest_pdf_with_its_download_link(login, world):
    # given
    from django.db import transaction

    from documents.services import document_render, document_request

    membership = membership_of(world.a.member, world.a.body)
    with transaction.atomic():
        document = document_request(
            kind="competence.person_record", subject=membership, body=world.a.body, actor=world.a.admin
        )
    document_render(document_id=document.pk)
    # when
    html = (
        login(world.a.admin).get(reverse("competence:person-detail", args=[membership.pk])).content.decode()
    )
    # then
    assert reverse("documents:download", args=[document.pk]) in html


def test_admin_marks_a_person_as_left(client, world):
    from django.urls import reverse

    from bodies.models import Membership

    membership = Membership.objects.get(body=world.a.body, user=world.a.member)
    client.force_login(world.a.admin)
    response = client.post(
        reverse("competence:person-edit", args=[membership.pk]),
        {"roles": ["auditor"], "employment": "employee", "status": "left"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.LEFT
