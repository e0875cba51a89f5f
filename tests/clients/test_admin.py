"""Registry staff read every body's clients (with their sites) and projects in the back office; nobody
changes them there, and a body's people never get in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clients.models import Client, ClientUser
from tests.factories import ClientFactory, ClientUserFactory, ProjectFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_staff_see_every_bodys_clients_and_search_them(login, world):
    ours = ClientFactory(
        body=world.a.body, legal_name="Alpha Geothermal hf.", registration_number="100000-0001"
    )
    theirs = ClientFactory(body=world.b.body, legal_name="Beta Wind AS", registration_number="NO-200")
    staff = login(world.staff)
    html = staff.get(reverse("admin:clients_client_changelist")).content.decode()
    assert ours.legal_name in html and theirs.legal_name in html
    found = staff.get(reverse("admin:clients_client_changelist"), {"q": "NO-200"}).content.decode()
    assert theirs.legal_name in found and ours.legal_name not in found
    by_kind = staff.get(reverse("admin:clients_client_changelist"), {"kind__exact": "proponent"})
    assert by_kind.status_code == 200


def test_a_clients_page_shows_its_sites_read_only(login, world):
    site = SiteFactory(client=ClientFactory(body=world.a.body), name="Svartsengi plant")
    staff = login(world.staff)
    page = staff.get(reverse("admin:clients_client_change", args=[site.client_id]))
    assert page.status_code == 200
    assert "Svartsengi plant" in page.content.decode()
    # read-only: a POST changes nothing
    staff.post(reverse("admin:clients_client_change", args=[site.client_id]), {"legal_name": "Changed"})
    assert Client.objects.get(pk=site.client_id).legal_name != "Changed"
    assert staff.get(reverse("admin:clients_client_add")).status_code == 403


def test_staff_see_projects_and_body_people_do_not_get_in(login, world):
    project = ProjectFactory(body=world.b.body, name="Reykjanes capture")
    html = login(world.staff).get(reverse("admin:clients_project_changelist")).content.decode()
    assert project.name in html
    assert login(world.a.admin).get(reverse("admin:clients_project_changelist")).status_code == 302


def test_staff_read_every_bodys_client_users_without_the_link_hash(login, world):
    ours = ClientUserFactory(client=ClientFactory(body=world.a.body), full_name="Bryndís at Alpha")
    theirs = ClientUserFactory(client=ClientFactory(body=world.b.body), full_name="Bjørn at Beta")
    ClientUser.objects.filter(pk=ours.pk).update(token_hash="f" * 64)
    staff = login(world.staff)
    listing = staff.get(reverse("admin:clients_clientuser_changelist")).content.decode()
    assert ours.full_name in listing and theirs.full_name in listing
    page = staff.get(reverse("admin:clients_clientuser_change", args=[ours.pk])).content.decode()
    assert ours.email in page and "f" * 64 not in page
    # read-only, and a body's administrator never gets in
    assert staff.get(reverse("admin:clients_clientuser_add")).status_code == 403
    assert login(world.a.admin).get(reverse("admin:clients_clientuser_changelist")).status_code == 302
