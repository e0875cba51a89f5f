"""The clients portal: the list (search, filters, an invalid filter, pages, constant queries), a client with its
sites and projects, the forms (managers only; bad input is a form error and changes nothing), and another
body's records (404, nothing changed)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from clients.models import Client, Project, Site
from core.models import AuditEvent
from tests.factories import ClientFactory, ProjectFactory, SiteFactory
from tests.helpers import assert_flat_queries, assert_hidden

pytestmark = pytest.mark.django_db


def client_state() -> list[tuple[object, ...]]:
    return [
        *Client.objects.order_by("id").values_list(
            "id", "legal_name", "registration_number", "contact_email"
        ),
        *Site.objects.order_by("id").values_list("id", "name", "effective_personnel", "is_central_function"),
        *Project.objects.order_by("id").values_list("id", "name", "registry_number", "crediting_period_end"),
        ("events", AuditEvent.objects.filter(action__startswith="clients.").count()),
    ]


def client_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "legal_name": "Hekla Geothermal hf.",
        "short_name": "Hekla Geo",
        "kind": "organisation",
        "country": "IS",
        "registration_number": "5501012340",
        "address": "Orkuvegur 1, 110 Reykjavík",
        "contact_name": "Sigrún Jónsdóttir",
        "contact_email": "sigrun@hekla-geo.example",
        "contact_phone": "",
        "effective_personnel": "120",
        "notes": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- the list -----------------------------------------------------------------------------------------------


def test_every_member_sees_the_body_s_clients_only(login, world):
    # given a client of each body
    mine = ClientFactory(body=world.a.body, legal_name="Landsvirkjun Geo hf.")
    ClientFactory(body=world.b.body, legal_name="Other Body's Client AS")
    # when an ordinary member of body A opens the list
    response = login(world.a.member).get(reverse("clients:list"))
    # then only body A's client, with words not codes, and no button to add one
    text = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["clients"]) == [mine]
    assert "Other Body's Client AS" not in text
    assert "Certified organisation" in text and "Iceland" in text
    assert reverse("clients:create") not in text


def test_search_by_name_or_registration_number_and_filter_by_country_and_kind(login, world):
    # given
    hekla = ClientFactory(
        body=world.a.body, legal_name="Hekla Geothermal hf.", registration_number="550101-1111"
    )
    baltic = ClientFactory(
        body=world.a.body,
        legal_name="Baltic Timber OÜ",
        country="EE",
        kind="proponent",
        registration_number="EE-77",
    )
    client = login(world.a.member)

    def listed(**params: str) -> list[Client]:
        response = client.get(reverse("clients:list"), params)
        assert response.status_code == 200
        return list(response.context["clients"])

    # then
    assert listed(q="hekla") == [hekla]
    assert listed(q="EE-77") == [baltic]
    assert listed(country="EE") == [baltic]
    assert listed(kind="proponent") == [baltic]
    assert listed(kind="organisation", country="EE") == []
    assert listed() == [baltic, hekla]


def test_an_invalid_filter_answers_400_with_its_message_and_no_rows(login, world):
    # given
    ClientFactory(body=world.a.body)
    # when
    response = login(world.a.member).get(reverse("clients:list"), {"kind": "nonsense"})
    # then
    assert response.status_code == 400
    assert list(response.context["clients"]) == []
    assert 'id="filter-errors"' in response.content.decode()


def test_the_list_is_paginated(login, world):
    # given 51 clients
    ClientFactory.create_batch(51, body=world.a.body)
    client = login(world.a.member)
    # then 50 on the first page, one on the second
    assert len(client.get(reverse("clients:list")).context["clients"]) == 50
    assert len(client.get(reverse("clients:list"), {"page": 2}).context["clients"]) == 1


def test_the_list_costs_a_constant_number_of_queries(login, world):
    client = login(world.a.member)

    def grow(n: int) -> None:
        for _ in range(n):
            SiteFactory(client=ClientFactory(body=world.a.body))

    assert_flat_queries(client, reverse("clients:list"), grow)


def test_the_project_list_costs_a_constant_number_of_queries(login, world):
    client = login(world.a.member)
    assert_flat_queries(
        client, reverse("clients:projects"), lambda n: ProjectFactory.create_batch(n, body=world.a.body)
    )


# --- a client's page ----------------------------------------------------------------------------------------


def test_a_client_s_page_shows_its_sites_and_projects(login, world):
    # given
    hekla = ClientFactory(body=world.a.body, legal_name="Hekla Geothermal hf.")
    SiteFactory(client=hekla, name="Head office", is_central_function=True)
    SiteFactory(client=hekla, name="Hellisheiði plant")
    ProjectFactory(body=world.a.body, proponent=hekla, name="Carbfix injection")
    # when
    response = login(world.a.member).get(reverse("clients:detail", args=[hekla.pk]))
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert [site.name for site in response.context["sites"]] == ["Head office", "Hellisheiði plant"]
    assert "Central function" in text and "Carbfix injection" in text
    assert reverse("clients:edit", args=[hekla.pk]) not in text  # a member reads, does not edit


def test_a_manager_sees_the_buttons_to_edit(login, world):
    hekla = ClientFactory(body=world.a.body)
    text = login(world.a.admin).get(reverse("clients:detail", args=[hekla.pk])).content.decode()
    assert reverse("clients:edit", args=[hekla.pk]) in text
    assert reverse("clients:site-create", args=[hekla.pk]) in text


def test_a_project_s_page_names_its_proponent_and_periods_in_words(login, world):
    project = ProjectFactory(
        body=world.a.body,
        crediting_period_start=date(2026, 1, 1),
        crediting_period_end=date(2035, 12, 31),
    )
    response = login(world.a.member).get(reverse("clients:project-detail", args=[project.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert project.proponent.legal_name in text
    assert "1 Jan 2026" in text and "31 Dec 2035" in text


# --- forms --------------------------------------------------------------------------------------------------


def test_a_manager_adds_a_client(login, world):
    # when
    response = login(world.a.admin).post(reverse("clients:create"), client_form())
    # then
    created = Client.objects.get(body=world.a.body)
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[created.pk])
    assert (created.legal_name, created.country.code, created.effective_personnel) == (
        "Hekla Geothermal hf.",
        "IS",
        120,
    )
    assert AuditEvent.objects.filter(action="clients.client.created", object_id=str(created.pk)).count() == 1


def test_a_member_may_not_add_or_edit_a_client(login, world):
    hekla = ClientFactory(body=world.a.body)
    before = client_state()
    client = login(world.a.member)
    assert client.get(reverse("clients:create")).status_code == 403
    assert client.post(reverse("clients:create"), client_form()).status_code == 403
    assert client.post(reverse("clients:edit", args=[hekla.pk]), client_form()).status_code == 403
    assert client_state() == before


def test_bad_input_is_a_form_error_and_nothing_changes(login, world):
    # given an existing client with a registration number
    ClientFactory(body=world.a.body, registration_number="5501012340")
    before = client_state()
    client = login(world.a.admin)
    # when a second client repeats the number, and one has no email
    duplicate = client.post(reverse("clients:create"), client_form())
    no_email = client.post(
        reverse("clients:create"), client_form(registration_number="", contact_email="nope")
    )
    # then
    assert duplicate.status_code == 200
    assert "registration_number" in duplicate.context["form"].errors
    assert no_email.status_code == 200
    assert "contact_email" in no_email.context["form"].errors
    assert client_state() == before


def test_a_manager_edits_a_client(login, world):
    hekla = ClientFactory(body=world.a.body, legal_name="Old name hf.")
    response = login(world.a.admin).post(
        reverse("clients:edit", args=[hekla.pk]), client_form(legal_name="New name hf.")
    )
    hekla.refresh_from_db()
    assert response.status_code == 302
    assert hekla.legal_name == "New name hf."
    assert AuditEvent.objects.filter(action="clients.client.updated", object_id=str(hekla.pk)).count() == 1


def site_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Hellisheiði plant",
        "address": "",
        "country": "IS",
        "activities": "Electricity and heat generation",
        "effective_personnel": "35",
    }
    data.update(changes)
    return data


def test_a_manager_adds_and_edits_a_site(login, world):
    hekla = ClientFactory(body=world.a.body)
    client = login(world.a.admin)
    # when added
    response = client.post(
        reverse("clients:site-create", args=[hekla.pk]), site_form(is_central_function="on")
    )
    site = Site.objects.get(client=hekla)
    assert response.status_code == 302
    assert (site.name, site.effective_personnel, site.is_central_function, site.body) == (
        "Hellisheiði plant",
        35,
        True,
        world.a.body,
    )
    # and edited
    response = client.post(reverse("clients:site-edit", args=[site.pk]), site_form(effective_personnel="40"))
    site.refresh_from_db()
    assert response.status_code == 302
    assert (site.effective_personnel, site.is_central_function) == (40, False)


def test_a_second_central_function_is_a_form_error_and_nothing_changes(login, world):
    hekla = ClientFactory(body=world.a.body)
    SiteFactory(client=hekla, is_central_function=True)
    before = client_state()
    response = login(world.a.admin).post(
        reverse("clients:site-create", args=[hekla.pk]), site_form(is_central_function="on")
    )
    assert response.status_code == 200
    assert "is_central_function" in response.context["form"].errors
    assert client_state() == before


def project_form(proponent: Client, **changes: object) -> dict[str, object]:
    from tests.factories import sector

    data: dict[str, object] = {
        "registry_number": "ICR-00042",
        "registry_project_id": "",
        "name": "Carbfix mineral storage",
        "methodology": "ICR-M-004",
        "sector": sector("ghg", "1").pk,
        "country": "IS",
        "proponent": proponent.pk,
        "consultant_name": "",
        "crediting_period_start": "2026-01-01",
        "crediting_period_end": "2035-12-31",
        "monitoring_period_start": "",
        "monitoring_period_end": "",
    }
    data.update(changes)
    return data


def test_a_manager_adds_and_edits_a_project(login, world):
    proponent = ClientFactory(body=world.a.body, kind="proponent")
    client = login(world.a.admin)
    response = client.post(reverse("clients:project-create"), project_form(proponent))
    project = Project.objects.get(body=world.a.body)
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:project-detail", args=[project.pk])
    assert (project.proponent, project.crediting_period_end) == (proponent, date(2035, 12, 31))
    response = client.post(
        reverse("clients:project-edit", args=[project.pk]), project_form(proponent, name="Carbfix phase 2")
    )
    project.refresh_from_db()
    assert response.status_code == 302
    assert project.name == "Carbfix phase 2"


def test_a_project_ending_before_it_starts_or_of_another_body_s_proponent_is_a_form_error(login, world):
    proponent = ClientFactory(body=world.a.body, kind="proponent")
    foreign = ClientFactory(body=world.b.body, kind="proponent")
    before = client_state()
    client = login(world.a.admin)
    backwards = client.post(
        reverse("clients:project-create"), project_form(proponent, crediting_period_end="2025-12-31")
    )
    other_body = client.post(reverse("clients:project-create"), project_form(foreign))
    assert backwards.status_code == 200
    assert "crediting_period_end" in backwards.context["form"].errors
    assert other_body.status_code == 200
    assert "proponent" in other_body.context["form"].errors  # not a choice: only the body's clients
    assert client_state() == before


# --- another body's records ---------------------------------------------------------------------------------


def test_another_body_s_client_site_and_project_are_404_and_nothing_changes(login, world):
    hekla = ClientFactory(body=world.a.body)
    site = SiteFactory(client=hekla)
    project = ProjectFactory(body=world.a.body, proponent=hekla)
    for user in (world.b.admin, world.b.member):
        assert_hidden(
            login(user),
            [
                reverse("clients:detail", args=[hekla.pk]),
                reverse("clients:edit", args=[hekla.pk]),
                reverse("clients:site-create", args=[hekla.pk]),
                reverse("clients:site-edit", args=[site.pk]),
                reverse("clients:project-detail", args=[project.pk]),
                reverse("clients:project-edit", args=[project.pk]),
            ],
            client_state,
        )


def test_the_navbar_links_to_the_clients(login, world):
    text = login(world.a.member).get(reverse("core:dashboard")).content.decode()
    assert f'href="{reverse("clients:list")}"' in text


def test_the_project_list_is_searched_by_name_or_registry_number(login, world):
    carbfix = ProjectFactory(body=world.a.body, name="Carbfix storage", registry_number="ICR-00017")
    forest = ProjectFactory(body=world.a.body, name="Vidzeme afforestation", registry_number="ICR-00042")
    ProjectFactory(body=world.b.body, name="Carbfix elsewhere")
    client = login(world.a.member)

    def listed(**params: str) -> list[Project]:
        response = client.get(reverse("clients:projects"), params)
        assert response.status_code == 200
        return list(response.context["projects"])

    assert listed(q="carbfix") == [carbfix]
    assert listed(q="00042") == [forest]
    assert listed() == [carbfix, forest]
    too_long = client.get(reverse("clients:projects"), {"q": "x" * 101})
    assert too_long.status_code == 400
    assert list(too_long.context["projects"]) == []


def test_a_client_s_page_costs_a_constant_number_of_queries(login, world):
    hekla = ClientFactory(body=world.a.body)
    client = login(world.a.member)

    def grow(n: int) -> None:
        for _ in range(n):
            SiteFactory(client=hekla)
            ProjectFactory(body=world.a.body, proponent=hekla)

    assert_flat_queries(client, reverse("clients:detail", args=[hekla.pk]), grow)
