"""The platform shell: landing page, dashboard, body switcher, language picker and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bodies.middleware import SESSION_KEY
from bodies.models import Role
from core.audit import audit_record
from core.models import AuditEvent
from tests.factories import BodyFactory, MembershipFactory, UserFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def record_events(body, count: int, action: str = "bodies.body.profile_updated") -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        for n in range(count):
            audit_record(
                actor=None,
                action=action,
                obj=body,
                body=body,
                before={"short_name": f"old {n}"},
                after={"short_name": f"new {n}"},
            )


# --- landing page and dashboard -----------------------------------------------------------------------------


def test_home_is_public_and_links_to_the_directory_and_verification(client):
    # when
    response = client.get(reverse("core:home"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("bodies:directory") in html
    assert reverse("documents:verify") in html
    assert reverse("core:audit-trail") not in html  # no tenant navigation for the public


def test_home_sends_people_who_are_logged_in_to_their_dashboard(login, world):
    # when
    response = login(world.a.member).get(reverse("core:home"))
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")


def test_dashboard_needs_a_login(client, world):
    # when
    response = client.get(reverse("core:dashboard"))
    # then
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('core:dashboard')}"


def test_dashboard_shows_the_active_body_and_its_status(login, world):
    # given
    world.a.body.status_reason = "Agreement ICR-AGR-1 signed; scope checked."
    world.a.body.save(update_fields=["status_reason"])
    # when
    response = login(world.a.member).get(reverse("core:dashboard"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Body A Verification ehf." in html
    assert "Approved" in html
    assert "Agreement ICR-AGR-1 signed; scope checked." in html
    assert reverse("reminders:badge") in html  # the notification bell polls its badge


def test_dashboard_sends_registry_staff_without_a_body_to_the_back_office(login, world):
    # when
    response = login(world.staff).get(reverse("core:dashboard"))
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_dashboard_sends_a_person_without_a_body_to_apply(login, world):
    # given
    newcomer = UserFactory(email="newcomer@example.org")
    # when
    response = login(newcomer).get(reverse("core:dashboard"))
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("bodies:apply")


def test_navbar_shows_admin_links_to_body_admins_only(login, world):
    # when
    admin_html = login(world.a.admin).get(reverse("core:dashboard")).content.decode()
    member_html = login(world.a.member).get(reverse("core:dashboard")).content.decode()
    # then
    assert reverse("core:audit-trail") in admin_html
    assert reverse("bodies:tokens") in admin_html
    assert reverse("core:audit-trail") not in member_html
    assert reverse("bodies:tokens") not in member_html


def test_navbar_offers_the_impartiality_pages_each_person_may_use(login, world):
    # given a member who sits on the impartiality committee, and one who does not
    from bodies.models import Membership, Role

    committee = MembershipFactory(body=world.a.body, roles=[Role.AUDITOR, Role.IMPARTIALITY_COMMITTEE]).user
    # when
    pages = {
        who: login(user).get(reverse("core:dashboard")).content.decode()
        for who, user in (("admin", world.a.admin), ("member", world.a.member), ("committee", committee))
    }
    # then everyone has their declarations, the conflict check and the register
    for html in pages.values():
        for name in ("declarations-mine", "conflict-check", "risk-list", "committee"):
            assert reverse(f"impartiality:{name}") in html
    # the review queue and the body's declarations for the roles that review; the override policy for admins
    queue, everything = (
        reverse("impartiality:declaration-review-queue"),
        reverse("impartiality:declaration-list"),
    )
    assert queue in pages["admin"] and queue in pages["committee"] and queue not in pages["member"]
    assert everything in pages["committee"] and everything not in pages["member"]
    policy = reverse("impartiality:policy")
    assert policy in pages["admin"] and policy not in pages["committee"] and policy not in pages["member"]
    # and each link the committee member is offered opens for them
    for name in (
        "declaration-review-queue",
        "declaration-list",
        "risk-list",
        "committee",
        "conflict-overrides",
    ):
        assert login(committee).get(reverse(f"impartiality:{name}")).status_code == 200, name
    assert Membership.objects.filter(user=committee).count() == 1


PORTAL_PAGES = [
    "core:dashboard",
    "bodies:profile",
    "bodies:members",
    "bodies:accreditation-list",
    "bodies:eligibility",
    "accounts:profile",
    "accounts:password-change",
]
ADMIN_PAGES = ["core:audit-trail", "bodies:profile-edit", "bodies:accreditation-create", "bodies:tokens"]


@pytest.mark.parametrize("name", PORTAL_PAGES + ADMIN_PAGES)
def test_every_portal_page_renders_for_a_body_admin(login, world, name):
    # when
    response = login(world.a.admin).get(reverse(name))
    # then
    assert response.status_code == 200
    assert "Body A" in response.content.decode()  # the navbar names the active body


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_portal_pages_render_for_a_member(login, world, name):
    # when
    response = login(world.a.member).get(reverse(name))
    # then
    assert response.status_code == 200


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_are_refused_to_a_member(login, world, name):
    # when
    response = login(world.a.member).get(reverse(name))
    # then
    assert response.status_code == 403


# --- body switcher ------------------------------------------------------------------------------------------


def test_body_switcher_appears_for_people_with_several_bodies(login, world):
    # given
    MembershipFactory(user=world.a.member, body=world.b.body, roles=[Role.AUDITOR])
    # when
    html = login(world.a.member).get(reverse("core:dashboard")).content.decode()
    # then
    assert reverse("core:switch-body") in html
    assert f'value="{world.b.body.pk}"' in html


def test_switching_body_changes_the_active_body_and_goes_back(login, world):
    # given
    MembershipFactory(user=world.a.member, body=world.b.body, roles=[Role.AUDITOR])
    client = login(world.a.member)
    # when
    response = client.post(
        reverse("core:switch-body"),
        {"body_id": str(world.b.body.pk), "next": reverse("bodies:accreditation-list")},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("bodies:accreditation-list")
    assert client.session[SESSION_KEY] == str(world.b.body.pk)
    assert "Body B Verification ehf." in client.get(reverse("core:dashboard")).content.decode()


def test_switching_from_a_record_page_lands_on_the_dashboard(login, world):
    # given: the page of one of body A's records would be a 404 once body B is active
    MembershipFactory(user=world.a.member, body=world.b.body, roles=[Role.AUDITOR])
    client = login(world.a.member)
    record_page = reverse("bodies:accreditation-detail", args=["6f1c1e0e-0000-4000-8000-000000000000"])
    # when
    response = client.post(
        reverse("core:switch-body"), {"body_id": str(world.b.body.pk), "next": record_page}
    )
    # then
    assert response["Location"] == reverse("core:dashboard")


def test_switching_to_a_body_one_does_not_belong_to_is_a_404(login, world):
    # given
    client = login(world.a.member)
    client.get(reverse("core:dashboard"))
    # when
    response = client.post(reverse("core:switch-body"), {"body_id": str(world.b.body.pk)})
    # then
    assert response.status_code == 404
    assert client.session.get(SESSION_KEY) is None
    assert "Body A Verification ehf." in client.get(reverse("core:dashboard")).content.decode()


def test_switching_refuses_an_external_next_url(login, world):
    # given
    MembershipFactory(user=world.a.member, body=world.b.body, roles=[Role.AUDITOR])
    # when
    response = login(world.a.member).post(
        reverse("core:switch-body"), {"body_id": str(world.b.body.pk), "next": "https://evil.example/"}
    )
    # then
    assert response["Location"] == reverse("core:dashboard")


def test_switch_body_is_post_only(login, world):
    # when
    response = login(world.a.member).get(reverse("core:switch-body"))
    # then
    assert response.status_code == 405


# --- language -----------------------------------------------------------------------------------------------


def test_language_picker_stores_the_choice_and_the_portal_speaks_icelandic(login, world):
    # given
    client = login(world.a.admin)
    # when
    response = client.post(
        reverse("core:set-language"), {"language": "is", "next": reverse("core:dashboard")}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert User.objects.get(pk=world.a.admin.pk).language == "is"
    html = client.get(reverse("core:dashboard")).content.decode()
    assert '<html lang="is">' in html
    assert ">Yfirlit</a>" in html  # Dashboard
    assert ">Faggildingar</a>" in html  # Accreditations
    assert ">Frestir</a>" in html  # Deadlines
    assert "Skrá út" in html  # Log out


def test_language_picker_works_for_the_public_with_a_cookie(client, db):
    # when
    response = client.post(reverse("core:set-language"), {"language": "is", "next": reverse("core:home")})
    # then
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "is"
    html = client.get(reverse("core:home")).content.decode()
    assert "Skrá yfir aðila" in html  # Directory of bodies


def test_language_picker_refuses_an_unknown_language(login, world):
    # when
    response = login(world.a.admin).post(reverse("core:set-language"), {"language": "xx"})
    # then
    assert response.status_code == 400
    assert User.objects.get(pk=world.a.admin.pk).language == "en"


# --- audit trail --------------------------------------------------------------------------------------------


def test_audit_trail_lists_the_body_events_newest_first_with_the_change(login, world):
    # given
    record_events(world.a.body, 2)
    record_events(world.b.body, 1, action="bodies.body.secret_of_b")
    # when
    response = login(world.a.admin).get(reverse("core:audit-trail"))
    # then
    assert response.status_code == 200
    events = list(response.context["events"])
    assert [e.after for e in events] == [{"short_name": "new 1"}, {"short_name": "new 0"}]
    first = response.context["entries"][0]
    assert [(c.field, c.before, c.after) for c in first.changes] == [("short_name", "old 1", "new 1")]
    html = response.content.decode()
    assert "bodies.body.secret_of_b" not in html
    assert "old 1" in html and "new 1" in html


def test_audit_trail_is_for_body_admins_only(login, world):
    # when
    response = login(world.a.member).get(reverse("core:audit-trail"))
    # then
    assert response.status_code == 403


def test_audit_trail_filters_by_action_and_day(login, world):
    # given
    record_events(world.a.body, 1, action="bodies.body.profile_updated")
    record_events(world.a.body, 1, action="bodies.accreditation.created")
    today = timezone.now().date()
    client = login(world.a.admin)
    # when
    by_action = client.get(reverse("core:audit-trail"), {"action": "bodies.accreditation.created"})
    by_future_day = client.get(
        reverse("core:audit-trail"), {"date_from": (today + timedelta(days=1)).isoformat()}
    )
    by_today = client.get(
        reverse("core:audit-trail"), {"date_from": today.isoformat(), "date_to": today.isoformat()}
    )
    # then
    assert [e.action for e in by_action.context["events"]] == ["bodies.accreditation.created"]
    assert list(by_future_day.context["events"]) == []
    assert len(by_today.context["events"]) == 2


def test_audit_trail_shows_a_bad_date_filter_as_a_form_error_not_a_crash(login, world):
    # when
    response = login(world.a.admin).get(reverse("core:audit-trail"), {"date_from": "31/31/2024"})
    # then (the page answers 400 with the form error; tests/core/test_audit_history.py covers the other filters)
    assert response.status_code == 400
    assert "date_from" in response.context["filter"].errors


def test_audit_trail_pages_by_fifty(login, world):
    # given
    record_events(world.a.body, 51)
    client = login(world.a.admin)
    # when
    first = client.get(reverse("core:audit-trail"))
    second = client.get(reverse("core:audit-trail"), {"page": 2})
    # then
    assert len(first.context["events"]) == 50
    assert len(second.context["events"]) == 1


def test_audit_trail_runs_a_constant_number_of_queries(login, world, django_assert_num_queries):
    # given
    client = login(world.a.admin)
    record_events(world.a.body, 2)
    few = count_queries(client, reverse("core:audit-trail"))
    record_events(world.a.body, 10)
    # when / then
    with django_assert_num_queries(few):
        client.get(reverse("core:audit-trail"))
    assert AuditEvent.objects.for_body(world.a.body).count() == 12


def test_people_can_have_a_second_body_of_their_own(login, world):
    # given: a member of body A also administers a new body C
    body_c = BodyFactory(legal_name="Body C Certification hf.")
    MembershipFactory(user=world.a.member, body=body_c, roles=[Role.BODY_ADMIN])
    client = login(world.a.member)
    # when
    client.post(reverse("core:switch-body"), {"body_id": str(body_c.pk)})
    response = client.get(reverse("core:audit-trail"))
    # then: admin rights follow the active body
    assert response.status_code == 200
