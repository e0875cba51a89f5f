"""The clients services' rules at their boundaries: who may write, the same body, GHG sectors, periods, one
central function, unique numbers per body; every write audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.models import Client, Project, Site
from clients.services import (
    client_create,
    client_update,
    project_create,
    project_update,
    site_create,
    site_delete,
    site_update,
)
from core.errors import PermissionDenied, error_code
from core.models import AuditEvent
from tests.factories import ClientFactory, ProjectFactory, SiteFactory, sector

pytestmark = pytest.mark.django_db


def client_fields(**overrides: object) -> dict[str, object]:
    return {
        "legal_name": "Orkuveita Norður hf.",
        "country": "IS",
        "registration_number": "550101-1230",
        "contact_name": "Sigrún Jónsdóttir",
        "contact_email": "sigrun@orka.example",
        "kind": "organisation",
        **overrides,
    }


def project_fields(proponent: Client, **overrides: object) -> dict[str, object]:
    return {
        "registry_number": "ICR-00042",
        "name": "Hellisheiði carbon capture",
        "methodology": "ICR-M-007",
        "sector": sector("ghg", "1"),
        "country": "IS",
        "proponent": proponent,
        **overrides,
    }


def codes(exc: ValidationError) -> dict[str, list[str | None]]:
    return {field: [error.code for error in errors] for field, errors in exc.error_dict.items()}


# --- clients ------------------------------------------------------------------------------------------------


def test_a_body_admin_adds_a_client_with_sectors_audited(world):
    client = client_create(
        body=world.a.body, actor=world.a.admin, fields=client_fields(), sectors=[sector("iaf", "25")]
    )
    assert client.body == world.a.body
    assert [s.code for s in client.sectors.all()] == ["25"]
    event = AuditEvent.objects.get(action="clients.client.created", object_id=str(client.pk))
    assert event.actor == world.a.admin
    assert event.after["legal_name"] == "Orkuveita Norður hf."
    assert event.after["sectors"] == [str(sector("iaf", "25").pk)]


def test_an_ordinary_member_cannot_add_a_client(world):
    with pytest.raises(PermissionDenied):
        client_create(body=world.a.body, actor=world.a.member, fields=client_fields())
    with pytest.raises(PermissionDenied):
        client_create(body=world.a.body, actor=world.b.admin, fields=client_fields())
    assert not Client.objects.exists()


def test_duplicate_registration_number_refused_in_one_body_allowed_in_another(world):
    client_create(body=world.a.body, actor=world.a.admin, fields=client_fields())
    with pytest.raises(ValidationError) as refused:
        client_create(
            body=world.a.body, actor=world.a.admin, fields=client_fields(registration_number=" 550101-1230 ")
        )
    assert codes(refused.value) == {"registration_number": ["duplicate_registration_number"]}
    # the same real organisation may be a client of two bodies: each keeps its own record
    other = client_create(body=world.b.body, actor=world.b.admin, fields=client_fields())
    assert other.body == world.b.body
    assert Client.objects.filter(registration_number="550101-1230").count() == 2


def test_clients_without_registration_number_are_not_duplicates(world):
    client_create(body=world.a.body, actor=world.a.admin, fields=client_fields(registration_number=""))
    client_create(
        body=world.a.body, actor=world.a.admin, fields=client_fields(registration_number="", legal_name="B")
    )
    assert Client.objects.filter(body=world.a.body).count() == 2


def test_client_fields_the_service_does_not_take_are_refused(world):
    with pytest.raises(ValidationError) as refused:
        client_create(body=world.a.body, actor=world.a.admin, fields=client_fields(body=world.b.body))
    assert codes(refused.value) == {"body": ["field_not_editable"]}


def test_client_required_and_invalid_fields_are_field_errors(world):
    with pytest.raises(ValidationError) as refused:
        client_create(
            body=world.a.body,
            actor=world.a.admin,
            fields=client_fields(legal_name="  ", contact_email="not-an-email", kind="other"),
        )
    assert set(refused.value.error_dict) == {"legal_name", "contact_email", "kind"}


def test_client_update_records_only_what_changed(world):
    client = ClientFactory(body=world.a.body, legal_name="Old name")
    client_update(
        client=client, actor=world.a.admin, fields={"legal_name": "New name", "short_name": client.short_name}
    )
    event = AuditEvent.objects.get(action="clients.client.updated")
    assert event.before == {"legal_name": "Old name"}
    assert event.after == {"legal_name": "New name"}
    client_update(client=client, actor=world.a.admin, fields={"legal_name": "New name"})
    assert AuditEvent.objects.filter(action="clients.client.updated").count() == 1


def test_client_update_to_a_taken_registration_number_is_refused_and_nothing_changes(world):
    ClientFactory(body=world.a.body, registration_number="111111-1111")
    client = ClientFactory(body=world.a.body, registration_number="222222-2222")
    with pytest.raises(ValidationError) as refused:
        client_update(client=client, actor=world.a.admin, fields={"registration_number": "111111-1111"})
    assert error_code(refused.value) == "duplicate_registration_number"
    client.refresh_from_db()
    assert client.registration_number == "222222-2222"
    assert not AuditEvent.objects.filter(action="clients.client.updated").exists()


# --- sites --------------------------------------------------------------------------------------------------


def site_fields(**overrides: object) -> dict[str, object]:
    return {"name": "Nesjavellir", "country": "IS", "effective_personnel": 40, **overrides}


def test_a_site_belongs_to_its_clients_body(world):
    client = ClientFactory(body=world.a.body)
    site = site_create(client=client, actor=world.a.admin, fields=site_fields(is_central_function=True))
    assert site.body_id == world.a.body.pk
    assert AuditEvent.objects.filter(action="clients.site.created", object_id=str(site.pk)).exists()


def test_second_central_function_refused(world):
    client = ClientFactory(body=world.a.body)
    site_create(client=client, actor=world.a.admin, fields=site_fields(is_central_function=True))
    with pytest.raises(ValidationError) as refused:
        site_create(
            client=client, actor=world.a.admin, fields=site_fields(name="HQ", is_central_function=True)
        )
    assert codes(refused.value) == {"is_central_function": ["second_central_function"]}
    # any number of other sites, and another client's central function
    site_create(client=client, actor=world.a.admin, fields=site_fields(name="Plant 2"))
    other = site_create(
        client=ClientFactory(body=world.a.body),
        actor=world.a.admin,
        fields=site_fields(is_central_function=True),
    )
    assert other.is_central_function


def test_making_a_second_site_the_central_function_is_refused(world):
    client = ClientFactory(body=world.a.body)
    SiteFactory(client=client, is_central_function=True)
    site = SiteFactory(client=client)
    with pytest.raises(ValidationError):
        site_update(site=site, actor=world.a.admin, fields={"is_central_function": True})
    site.refresh_from_db()
    assert not site.is_central_function


def test_site_delete_is_audited_and_only_by_the_bodys_admin(world):
    site = SiteFactory(client=ClientFactory(body=world.a.body))
    with pytest.raises(PermissionDenied):
        site_delete(site=site, actor=world.a.member)
    site_delete(site=site, actor=world.a.admin)
    assert not Site.objects.filter(pk=site.pk).exists()
    event = AuditEvent.objects.get(action="clients.site.deleted")
    assert event.before["name"] == site.name


def test_site_personnel_is_required(world):
    client = ClientFactory(body=world.a.body)
    with pytest.raises(ValidationError) as refused:
        site_create(client=client, actor=world.a.admin, fields=site_fields(effective_personnel=None))
    assert "effective_personnel" in refused.value.error_dict


# --- projects -----------------------------------------------------------------------------------------------


def test_a_project_is_recorded_and_audited(world):
    proponent = ClientFactory(body=world.a.body, kind="proponent")
    project = project_create(body=world.a.body, actor=world.a.admin, fields=project_fields(proponent))
    event = AuditEvent.objects.get(action="clients.project.created", object_id=str(project.pk))
    assert event.after["proponent"] == str(proponent.pk)


@pytest.mark.parametrize("period", ["crediting_period", "monitoring_period"])
def test_a_period_may_end_the_day_it_starts_but_not_before(world, period):
    proponent = ClientFactory(body=world.a.body)
    same_day = {f"{period}_start": date(2026, 1, 1), f"{period}_end": date(2026, 1, 1)}
    project = project_create(
        body=world.a.body, actor=world.a.admin, fields=project_fields(proponent, **same_day)
    )
    assert getattr(project, f"{period}_end") == date(2026, 1, 1)
    with pytest.raises(ValidationError) as refused:
        project_update(project=project, actor=world.a.admin, fields={f"{period}_end": date(2025, 12, 31)})
    assert codes(refused.value) == {f"{period}_end": ["period_ends_before_start"]}
    project.refresh_from_db()
    assert getattr(project, f"{period}_end") == date(2026, 1, 1)


def test_a_project_sector_is_a_ghg_scope(world):
    proponent = ClientFactory(body=world.a.body)
    with pytest.raises(ValidationError) as refused:
        project_create(
            body=world.a.body,
            actor=world.a.admin,
            fields=project_fields(proponent, sector=sector("iaf", "25")),
        )
    assert codes(refused.value) == {"sector": ["sector_not_ghg"]}


def test_proponent_and_consultant_are_clients_of_the_same_body(world):
    theirs = ClientFactory(body=world.b.body)
    ours = ClientFactory(body=world.a.body)
    with pytest.raises(ValidationError) as refused:
        project_create(body=world.a.body, actor=world.a.admin, fields=project_fields(theirs))
    assert codes(refused.value) == {"proponent": ["client_of_other_body"]}
    with pytest.raises(ValidationError) as refused:
        project_create(
            body=world.a.body, actor=world.a.admin, fields=project_fields(ours, consultant_client=theirs)
        )
    assert codes(refused.value) == {"consultant_client": ["client_of_other_body"]}
    assert not Project.objects.exists()


def test_consultant_is_a_client_or_a_name_not_both(world):
    proponent = ClientFactory(body=world.a.body)
    consultant = ClientFactory(body=world.a.body)
    with pytest.raises(ValidationError) as refused:
        project_create(
            body=world.a.body,
            actor=world.a.admin,
            fields=project_fields(
                proponent, consultant_client=consultant, consultant_name="Carbon Advice ehf."
            ),
        )
    assert codes(refused.value) == {"consultant_name": ["two_consultants"]}
    project = project_create(
        body=world.a.body, actor=world.a.admin, fields=project_fields(proponent, consultant_client=consultant)
    )
    assert project.consultant_label == str(consultant)


def test_duplicate_registry_number_refused_per_body(world):
    ProjectFactory(body=world.a.body, registry_number="ICR-00042")
    proponent = ClientFactory(body=world.a.body)
    with pytest.raises(ValidationError) as refused:
        project_create(body=world.a.body, actor=world.a.admin, fields=project_fields(proponent))
    assert codes(refused.value) == {"registry_number": ["duplicate_registry_number"]}
    project_create(
        body=world.b.body, actor=world.b.admin, fields=project_fields(ClientFactory(body=world.b.body))
    )


def test_a_member_cannot_change_a_project(world):
    project = ProjectFactory(body=world.a.body, name="Before")
    with pytest.raises(PermissionDenied):
        project_update(project=project, actor=world.a.member, fields={"name": "After"})
    project.refresh_from_db()
    assert project.name == "Before"


def test_the_audit_trail_names_the_client_and_links_to_its_page(world, client):
    # given a client added by body A's administrator
    added = client_create(body=world.a.body, actor=world.a.admin, fields=client_fields())

    # when the administrator reads the body's audit trail
    client.force_login(world.a.admin)
    page = client.get(reverse("core:audit-trail")).content.decode()

    # then the event reads as a sentence and links to the client's page
    assert "added the client" in page
    assert f'href="{reverse("clients:detail", args=[added.pk])}"' in page
