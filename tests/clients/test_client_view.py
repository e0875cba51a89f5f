"""The client view: a client user lands on it (login, home, dashboard, any body page), reads only its own
client's profile (never the body's notes), sites and projects, nothing of another client or body (404), none of
the body's internal pages; a revoked user at once nothing. The invitation link's pages; the body's client users
list; constant query counts."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client as WebClient
from django.urls import reverse

from accounts.models import User
from clients.models import ClientUser
from clients.services import client_user_invite, client_user_revoke
from core.models import AuditEvent
from tests.factories import ClientFactory, ClientUserFactory, ProjectFactory, SiteFactory, UserFactory
from tests.helpers import assert_flat_queries

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passphrase-9"


def web(user: User | None = None) -> WebClient:
    client = WebClient()
    if user is not None:
        client.force_login(user)
    return client


# --- landing ------------------------------------------------------------------------------------------------


def test_a_client_user_logs_in_and_lands_on_the_client_view(world, client_user):
    client_user.user.set_password(PASSWORD)
    client_user.user.save()
    browser = WebClient()
    response = browser.post(
        reverse("accounts:login"), {"username": client_user.user.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("clients:client-view")
    assert client_user.client.legal_name in response.content.decode()
    # home, dashboard and every body page send them there too (not to "apply as a body")
    for name in ("core:home", "core:dashboard", "competence:people", "clients:list", "core:audit-trail"):
        followed = browser.get(reverse(name), follow=True)
        assert followed.redirect_chain[-1][0] == reverse("clients:client-view"), name


def test_a_client_user_switches_the_client_view_to_icelandic(world, client_user):
    browser = web(client_user.user)
    page = browser.get(reverse("clients:client-view")).content.decode()
    assert 'id="icr-language"' in page and reverse("core:set-language") in page
    switched = browser.post(
        reverse("core:set-language"), {"language": "is", "next": reverse("clients:client-view")}, follow=True
    )
    assert switched.redirect_chain[-1][0] == reverse("clients:client-view")
    assert '<html lang="is">' in switched.content.decode()


def test_a_person_without_a_body_or_a_client_still_goes_to_apply(world):
    stranger = UserFactory()
    response = web(stranger).get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("bodies:apply")
    # and the client view sends them back to the dashboard (then to apply)
    assert web(stranger).get(reverse("clients:client-view")).url == reverse("core:dashboard")


def test_a_body_member_who_is_also_a_client_user_keeps_the_portal_with_a_link(world):
    client_user = ClientUserFactory(client=ClientFactory(body=world.b.body), user=world.a.member)
    browser = WebClient()
    world.a.member.set_password(PASSWORD)
    world.a.member.save()
    response = browser.post(
        reverse("accounts:login"), {"username": world.a.member.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("core:dashboard")
    page = response.content.decode()
    assert 'id="client-view-link"' in page
    assert browser.get(reverse("clients:client-view")).status_code == 200
    assert browser.get(reverse("clients:client-view-client", args=[client_user.client_id])).status_code == 200
    # a member who is no client user has no link
    other = WebClient()
    world.a.admin.set_password(PASSWORD)
    world.a.admin.save()
    dashboard = other.post(
        reverse("accounts:login"), {"username": world.a.admin.email, "password": PASSWORD}, follow=True
    )
    assert 'id="client-view-link"' not in dashboard.content.decode()


# --- what a client user reads -------------------------------------------------------------------------------


def test_the_client_view_shows_the_profile_sites_and_projects_without_the_notes(world, client_user):
    client = client_user.client
    client.notes = "Internal: slow payer, watch the 2025 findings"
    client.contact_phone = "+354 555 1234"
    client.save()
    SiteFactory(client=client, name="Hellisheiði plant")
    project = ProjectFactory(body=world.a.body, proponent=client, name="Carbfix expansion")
    browser = web(client_user.user)
    home = browser.get(reverse("clients:client-view")).content.decode()
    assert client.legal_name in home
    profile = browser.get(reverse("clients:client-view-client", args=[client.pk])).content.decode()
    assert "+354 555 1234" in profile
    assert "slow payer" not in profile
    assert (
        "Hellisheiði plant"
        in browser.get(reverse("clients:client-view-sites", args=[client.pk])).content.decode()
    )
    projects = browser.get(reverse("clients:client-view-projects", args=[client.pk])).content.decode()
    assert "Carbfix expansion" in projects
    detail = browser.get(reverse("clients:client-view-project", args=[project.pk]))
    assert detail.status_code == 200
    assert "Carbfix expansion" in detail.content.decode()
    # a narrow navigation: nothing of the body's portal
    for name in (
        "competence:people",
        "competence:matrix",
        "core:audit-trail",
        "clients:list",
        "bodies:members",
    ):
        assert f'href="{reverse(name)}"' not in profile, name


def test_a_client_user_never_sees_another_client_nor_another_body(world, client_user):
    other_client = ClientFactory(body=world.a.body)
    other_project = ProjectFactory(body=world.a.body, proponent=other_client)
    body_b_client = ClientFactory(body=world.b.body)
    body_b_project = ProjectFactory(body=world.b.body, proponent=body_b_client)
    browser = web(client_user.user)
    for client in (other_client, body_b_client):
        for name in (
            "clients:client-view-client",
            "clients:client-view-sites",
            "clients:client-view-projects",
        ):
            assert browser.get(reverse(name, args=[client.pk])).status_code == 404, name
    for project in (other_project, body_b_project):
        assert browser.get(reverse("clients:client-view-project", args=[project.pk])).status_code == 404
    # the body's own pages about its own client are not theirs either
    assert browser.get(reverse("clients:detail", args=[client_user.client_id])).url == reverse(
        "clients:client-view"
    )
    home = browser.get(reverse("clients:client-view")).content.decode()
    assert other_client.legal_name not in home and body_b_client.legal_name not in home


def test_the_body_people_do_not_use_the_client_view(world, client_user):
    for user in (world.a.admin, world.a.member, world.b.admin, world.staff):
        browser = web(user)
        assert (
            browser.get(reverse("clients:client-view-client", args=[client_user.client_id])).status_code
            == 404
        )


def test_revoking_ends_the_client_view_at_once(world, client_user):
    browser = web(client_user.user)
    page = reverse("clients:client-view-client", args=[client_user.client_id])
    assert browser.get(page).status_code == 200
    client_user_revoke(client_user=client_user, actor=world.a.admin)
    assert browser.get(page).status_code == 404
    assert browser.get(reverse("clients:client-view")).url == reverse("core:dashboard")
    assert browser.get(reverse("core:dashboard")).url == reverse("bodies:apply")


def test_a_pending_invitation_sees_nothing(world):
    client = ClientFactory(body=world.a.body)
    person = UserFactory(email="pending@client.example")
    ClientUserFactory(client=client, user=None, email=person.email, status="invited", accepted_at=None)
    assert web(person).get(reverse("clients:client-view-client", args=[client.pk])).status_code == 404


# --- query counts -------------------------------------------------------------------------------------------


def test_the_client_view_lists_keep_a_constant_number_of_queries(world, client_user):
    client = client_user.client
    browser = web(client_user.user)
    assert_flat_queries(
        browser,
        reverse("clients:client-view-sites", args=[client.pk]),
        lambda n: SiteFactory.create_batch(n, client=client),
    )
    assert_flat_queries(
        browser,
        reverse("clients:client-view-projects", args=[client.pk]),
        lambda n: ProjectFactory.create_batch(n, body=world.a.body, proponent=client),
    )

    def more_clients(n: int) -> None:
        for _ in range(n):
            ClientUserFactory(client=ClientFactory(body=world.a.body), user=client_user.user)

    assert_flat_queries(browser, reverse("clients:client-view"), more_clients)


def test_the_client_users_list_keeps_a_constant_number_of_queries(world):
    client = ClientFactory(body=world.a.body)
    browser = web(world.a.admin)
    assert_flat_queries(
        browser,
        reverse("clients:users", args=[client.pk]),
        lambda n: [ClientUserFactory(client=client, invited_by=world.a.admin) for _ in range(n)],
    )


# --- the body's side in the portal --------------------------------------------------------------------------


def test_the_body_invites_resends_and_revokes_in_the_portal(world, django_capture_on_commit_callbacks):
    client = ClientFactory(body=world.a.body, legal_name="Hekla hf.")
    browser = web(world.a.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            reverse("clients:user-invite", args=[client.pk]),
            {"full_name": "Sigrún", "email": "sigrun@hekla.example"},
        )
    assert response.status_code == 302
    invitation = ClientUser.objects.get()
    listing = browser.get(reverse("clients:users", args=[client.pk])).content.decode()
    assert "sigrun@hekla.example" in listing and "Invited" in listing
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("clients:user-resend", args=[invitation.pk]))
    assert len(mail.outbox) == 2
    browser.post(reverse("clients:user-revoke", args=[invitation.pk]), {"reason": "Wrong person"})
    invitation.refresh_from_db()
    assert (invitation.status, invitation.status_reason) == ("revoked", "Wrong person")
    assert "Revoked" in browser.get(reverse("clients:users", args=[client.pk])).content.decode()


def test_a_member_without_manage_clients_reads_the_list_but_cannot_invite(world):
    client = ClientFactory(body=world.a.body)
    invitation = ClientUserFactory(
        client=client, user=None, email="p@client.example", status="invited", accepted_at=None
    )
    browser = web(world.a.member)
    assert browser.get(reverse("clients:users", args=[client.pk])).status_code == 200
    events = AuditEvent.objects.count()
    assert (
        browser.post(
            reverse("clients:user-invite", args=[client.pk]), {"full_name": "X", "email": "x@client.example"}
        ).status_code
        == 403
    )
    assert browser.post(reverse("clients:user-revoke", args=[invitation.pk])).status_code == 403
    assert ClientUser.objects.count() == 1
    assert ClientUser.objects.get().status == "invited"
    assert AuditEvent.objects.count() == events
    # body B: 404 and nothing changed
    other = web(world.b.admin)
    assert other.get(reverse("clients:users", args=[client.pk])).status_code == 404
    assert other.post(reverse("clients:user-revoke", args=[invitation.pk])).status_code == 404
    assert ClientUser.objects.get().status == "invited"


# --- the invitation link ------------------------------------------------------------------------------------


def invite_link(world, django_capture_on_commit_callbacks, email="sigrun@hekla.example"):  # type: ignore[no-untyped-def]
    client = ClientFactory(body=world.a.body, legal_name="Hekla hf.")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = client_user_invite(client=client, actor=world.a.admin, email=email, full_name="Sigrún")
    found = re.search(r"https?://[^/]+(/clients/invitation/[^/\s]+/)", mail.outbox[-1].body)
    assert found
    return invitation, found.group(1)


def test_a_new_person_makes_an_account_from_the_link_and_lands_on_the_client(
    world, django_capture_on_commit_callbacks
):
    invitation, link = invite_link(world, django_capture_on_commit_callbacks)
    browser = WebClient()
    page = browser.get(link)
    assert page.status_code == 200
    assert "Hekla hf." in page.content.decode()
    mismatch = browser.post(link, {"full_name": "Sigrún", "password": PASSWORD, "password_again": "other"})
    assert mismatch.status_code == 400
    assert not User.objects.filter(email="sigrun@hekla.example").exists()
    response = browser.post(link, {"full_name": "Sigrún", "password": PASSWORD, "password_again": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("clients:client-view-client", args=[invitation.client_id])
    assert browser.get(response.url).status_code == 200
    # the link is used up: it says so (no error page)
    again = WebClient().get(link)
    assert again.status_code == 410
    assert "already accepted" in again.content.decode()


def test_a_person_with_an_account_is_asked_to_log_in_as_the_invited_address(
    world, django_capture_on_commit_callbacks
):
    person = UserFactory(email="sigrun@hekla.example")
    invitation, link = invite_link(world, django_capture_on_commit_callbacks)
    page = WebClient().get(link).content.decode()
    assert 'id="login-to-accept"' in page
    wrong = web(world.a.member).get(link).content.decode()
    assert "this invitation is for sigrun@hekla.example" in wrong
    assert web(world.a.member).post(link).status_code == 400
    invitation.refresh_from_db()
    assert invitation.status == "invited"
    accepted = web(person).post(link)
    assert accepted.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.status, invitation.user) == ("active", person)


def test_expired_revoked_and_unknown_links_say_so(world, django_capture_on_commit_callbacks, settings):
    invitation, link = invite_link(world, django_capture_on_commit_callbacks)
    settings.CLIENT_INVITATION_MAX_AGE_DAYS = 0
    ClientUser.objects.filter(pk=invitation.pk).update(invited_at=invitation.invited_at.replace(year=2020))
    expired = WebClient().get(link)
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    refused = WebClient().post(link, {"full_name": "S", "password": PASSWORD, "password_again": PASSWORD})
    assert refused.status_code == 410  # a POST on an expired link is refused the same way
    client_user_revoke(client_user=invitation, actor=world.a.admin)
    revoked = WebClient().get(link)
    assert revoked.status_code == 410
    assert "withdrawn" in revoked.content.decode()
    unknown = WebClient().get(reverse("clients:invitation", args=["nothing-here"]))
    assert unknown.status_code == 404
    assert "not valid" in unknown.content.decode()
    assert not User.objects.filter(email="sigrun@hekla.example").exists()


def test_the_demo_has_a_client_user_and_a_pending_invitation(django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out)
    active = ClientUser.objects.get(status="active")
    assert (active.email, active.client.legal_name) == (
        "bryndis@reykjanes-power.example",
        "Reykjanes Geothermal Power hf.",
    )
    pending = ClientUser.objects.get(status="invited")
    assert pending.client.legal_name == "Austfirðir Aluminium hf."
    assert "bryndis@reykjanes-power.example" in out.getvalue()
    browser = WebClient()
    response = browser.post(
        reverse("accounts:login"),
        {"username": "bryndis@reykjanes-power.example", "password": "demo-password-2026"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("clients:client-view")
    projects = browser.get(reverse("clients:client-view-projects", args=[active.client_id])).content.decode()
    assert "Svartsengi CO2 capture and mineral storage" in projects
