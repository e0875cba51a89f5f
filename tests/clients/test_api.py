"""The clients API: clients, a client's sites, projects — create and change through the services, filters,
tenancy (another body's records are 404 on every method, nothing changes), token scopes and query counts."""

from __future__ import annotations

import pytest

from clients.models import Client, Project, Site
from core.models import AuditEvent
from tests.factories import ClientFactory, ProjectFactory, SiteFactory, sector
from tests.helpers import assert_flat_queries, assert_hidden, bearer, listed_ids, make_token, signed_in, url

pytestmark = pytest.mark.django_db


def client_body(world, **overrides: object) -> dict[str, object]:
    return {
        "body": str(world.a.body.pk),
        "legalName": "Landsvirkjun Test hf.",
        "country": "IS",
        "registrationNumber": "420269-1299",
        "contactName": "Jón Jónsson",
        "contactEmail": "jon@lv.example",
        "kind": "both",
        "sectors": [{"scheme": "iaf", "code": "25"}],
        **overrides,
    }


# --- clients ------------------------------------------------------------------------------------------------


def test_body_admin_creates_a_client_and_members_read_it(world):
    response = signed_in(world.a.admin).post(url("client-list"), client_body(world), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["legalName"] == "Landsvirkjun Test hf."
    assert data["country"] == "IS"
    assert [(s["scheme"], s["code"]) for s in data["sectors"]] == [("iaf", "25")]
    client = Client.objects.get(pk=data["id"])
    assert client.body == world.a.body
    assert AuditEvent.objects.filter(action="clients.client.created", actor=world.a.admin).count() == 1
    # every active member of the body reads it
    detail = signed_in(world.a.member).get(url("client-detail", client.pk))
    assert detail.status_code == 200
    assert detail.json()["registrationNumber"] == "420269-1299"


def test_a_member_cannot_create_a_client(world):
    response = signed_in(world.a.member).post(url("client-list"), client_body(world), format="json")
    assert response.status_code == 403
    assert not Client.objects.exists()


def test_a_client_of_another_body_cannot_be_created(world):
    response = signed_in(world.a.admin).post(
        url("client-list"), client_body(world, body=str(world.b.body.pk)), format="json"
    )
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"body": ["Not found."]}
    assert not Client.objects.exists()


def test_bad_input_is_400_with_field_messages(world):
    response = signed_in(world.a.admin).post(
        url("client-list"),
        client_body(
            world, contactEmail="nope", effectivePersonnel=-1, sectors=[{"scheme": "iaf", "code": "999"}]
        ),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fieldErrors"]) == {"contactEmail", "effectivePersonnel", "sectors"}


def test_duplicate_registration_number_is_a_400_with_its_code(world):
    ClientFactory(body=world.a.body, registration_number="420269-1299")
    response = signed_in(world.a.admin).post(url("client-list"), client_body(world), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_registration_number"
    assert list(response.json()["fieldErrors"]) == ["registrationNumber"]
    # another body may hold the same organisation as its client
    other = signed_in(world.b.admin).post(
        url("client-list"), client_body(world, body=str(world.b.body.pk)), format="json"
    )
    assert other.status_code == 201


def test_patch_changes_only_what_is_sent(world):
    client = ClientFactory(body=world.a.body, legal_name="Old", short_name="O")
    client.sectors.set([sector("iaf", "25")])
    response = signed_in(world.a.admin).patch(
        url("client-detail", client.pk), {"legalName": "New"}, format="json"
    )
    assert response.status_code == 200, response.content
    client.refresh_from_db()
    assert (client.legal_name, client.short_name) == ("New", "O")
    assert list(client.sectors.values_list("code", flat=True)) == ["25"]
    cleared = signed_in(world.a.admin).patch(url("client-detail", client.pk), {"sectors": []}, format="json")
    assert cleared.json()["sectors"] == []


def test_client_list_filters(world):
    reykjavik = ClientFactory(
        body=world.a.body, legal_name="Reykjavik Energy", country="IS", kind="proponent"
    )
    oslo = ClientFactory(
        body=world.a.body, legal_name="Oslo Kraft", country="NO", registration_number="NO-998"
    )
    ClientFactory(body=world.b.body, legal_name="Reykjavik Energy")  # body B's own record
    api = signed_in(world.a.member)
    assert listed_ids(api.get(url("client-list")), "clients") == {str(reykjavik.pk), str(oslo.pk)}
    assert listed_ids(api.get(url("client-list"), {"q": "reykja"}), "clients") == {str(reykjavik.pk)}
    assert listed_ids(api.get(url("client-list"), {"q": "no-99"}), "clients") == {str(oslo.pk)}
    assert listed_ids(api.get(url("client-list"), {"country": "NO"}), "clients") == {str(oslo.pk)}
    assert listed_ids(api.get(url("client-list"), {"kind": "proponent"}), "clients") == {str(reykjavik.pk)}
    unknown = api.get(url("client-list"), {"colour": "red"})
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_filter"


def test_another_bodys_client_site_and_project_are_404_everywhere(world):
    site = SiteFactory(client=ClientFactory(body=world.b.body))
    client = site.client
    project = ProjectFactory(body=world.b.body, proponent=client)
    paths = [
        url("client-detail", client.pk),
        url("client-sites", client.pk),
        url("client-site-detail", client.pk, site.pk),
        url("project-detail", project.pk),
    ]

    def state() -> tuple[object, ...]:
        return (
            Client.objects.filter(pk=client.pk).values_list("legal_name", "updated_at").get(),
            list(Site.objects.values_list("pk", "name", "updated_at")),
            Project.objects.filter(pk=project.pk).values_list("name", "updated_at").get(),
            AuditEvent.objects.count(),
        )

    assert_hidden(signed_in(world.a.admin), paths, state)


def test_a_site_under_the_wrong_client_is_404(world):
    site = SiteFactory(client=ClientFactory(body=world.a.body))
    other_client = ClientFactory(body=world.a.body)
    response = signed_in(world.a.admin).get(url("client-site-detail", other_client.pk, site.pk))
    assert response.status_code == 404


# --- sites --------------------------------------------------------------------------------------------------


def test_sites_create_list_change_delete(world):
    client = ClientFactory(body=world.a.body)
    api = signed_in(world.a.admin)
    body = {"name": "Hellisheiði", "country": "IS", "effectivePersonnel": 80, "isCentralFunction": True}
    created = api.post(url("client-sites", client.pk), body, format="json")
    assert created.status_code == 201, created.content
    site_id = created.json()["id"]
    second = api.post(url("client-sites", client.pk), {**body, "name": "HQ"}, format="json")
    assert second.status_code == 400
    assert second.json()["code"] == "second_central_function"
    assert listed_ids(signed_in(world.a.member).get(url("client-sites", client.pk)), "sites") == {site_id}
    changed = api.patch(
        url("client-site-detail", client.pk, site_id), {"effectivePersonnel": 90}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["effectivePersonnel"] == 90
    refused = signed_in(world.a.member).delete(url("client-site-detail", client.pk, site_id))
    assert refused.status_code == 403
    deleted = api.delete(url("client-site-detail", client.pk, site_id))
    assert deleted.status_code == 204
    assert not Site.objects.exists()


# --- projects -----------------------------------------------------------------------------------------------


def project_body(world, proponent: Client, **overrides: object) -> dict[str, object]:
    return {
        "body": str(world.a.body.pk),
        "registryNumber": "ICR-00077",
        "name": "Carbfix storage",
        "methodology": "ICR-M-003",
        "sector": {"scheme": "ghg", "code": "1"},
        "country": "IS",
        "proponent": str(proponent.pk),
        "consultantName": "Green Advice ehf.",
        "creditingPeriodStart": "2026-01-01",
        "creditingPeriodEnd": "2026-01-01",
        **overrides,
    }


def test_projects_create_and_change(world):
    proponent = ClientFactory(body=world.a.body, kind="proponent")
    api = signed_in(world.a.admin)
    created = api.post(url("project-list"), project_body(world, proponent), format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["proponent"] == {"id": str(proponent.pk), "legalName": proponent.legal_name}
    assert (data["sector"]["scheme"], data["sector"]["code"]) == ("ghg", "1")
    backwards = api.patch(
        url("project-detail", data["id"]), {"creditingPeriodEnd": "2025-12-31"}, format="json"
    )
    assert backwards.status_code == 400
    assert backwards.json()["code"] == "period_ends_before_start"
    assert list(backwards.json()["fieldErrors"]) == ["creditingPeriodEnd"]
    assert Project.objects.get().crediting_period_end.isoformat() == "2026-01-01"


def test_a_project_cannot_name_another_bodys_client(world):
    theirs = ClientFactory(body=world.b.body)
    response = signed_in(world.a.admin).post(url("project-list"), project_body(world, theirs), format="json")
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"proponent": ["Not found."]}
    assert not Project.objects.exists()


def test_a_project_sector_must_be_ghg(world):
    proponent = ClientFactory(body=world.a.body)
    response = signed_in(world.a.admin).post(
        url("project-list"),
        project_body(world, proponent, sector={"scheme": "iaf", "code": "25"}),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "sector_not_ghg"


def test_project_list_filters_and_tenancy(world):
    mine = ProjectFactory(body=world.a.body, name="Geothermal A", country="IS")
    other = ProjectFactory(body=world.a.body, name="Wind B", country="NO")
    theirs = ProjectFactory(body=world.b.body, name="Geothermal C")
    api = signed_in(world.a.member)
    assert listed_ids(api.get(url("project-list")), "projects") == {str(mine.pk), str(other.pk)}
    assert listed_ids(api.get(url("project-list"), {"q": "geo"}), "projects") == {str(mine.pk)}
    assert listed_ids(api.get(url("project-list"), {"country": "NO"}), "projects") == {str(other.pk)}
    assert str(theirs.pk) in listed_ids(signed_in(world.staff).get(url("project-list")), "projects")


# --- tokens and query counts --------------------------------------------------------------------------------


def test_tokens_read_with_read_scope_and_write_with_write_scope(world):
    _, read = make_token(body=world.a.body, creator=world.a.admin, scopes={"clients": "read"})
    _, write = make_token(body=world.a.body, creator=world.a.admin, scopes={"clients": "write"})
    body = client_body(world)
    del body["body"]  # a body's token acts for its body
    assert bearer(read).get(url("client-list")).status_code == 200
    assert bearer(read).post(url("client-list"), body, format="json").status_code == 403
    assert not Client.objects.exists()
    created = bearer(write).post(url("client-list"), body, format="json")
    assert created.status_code == 201, created.content
    assert Client.objects.get().body == world.a.body
    assert bearer(write).get(url("project-list")).status_code == 403  # no `projects` scope


def test_lists_keep_constant_query_counts(world):
    api = signed_in(world.a.member)

    def add_clients(n: int) -> None:
        for _ in range(n):
            client = ClientFactory(body=world.a.body)
            client.sectors.set([sector("iaf", "25"), sector("ghg", "1")])
            SiteFactory(client=client)

    def add_projects(n: int) -> None:
        for _ in range(n):
            ProjectFactory(body=world.a.body, consultant_client=ClientFactory(body=world.a.body))

    assert_flat_queries(api, url("client-list"), add_clients)
    assert_flat_queries(api, url("project-list"), add_projects)
    client = Client.objects.first()
    assert client is not None
    assert_flat_queries(
        api, url("client-sites", client.pk), lambda n: [SiteFactory(client=client) for _ in range(n)]
    )


def test_the_schema_describes_the_clients_endpoints(anon):
    schema = anon.get(url("schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert set(paths["/api/v1/clients/"]) == {"get", "post"}
    assert set(paths["/api/v1/clients/{id}/"]) == {"get", "patch"}
    assert set(paths["/api/v1/clients/{client_id}/sites/"]) == {"get", "post"}
    assert set(paths["/api/v1/clients/{client_id}/sites/{id}/"]) == {"get", "patch", "delete"}
    assert set(paths["/api/v1/projects/"]) == {"get", "post"}
    assert set(paths["/api/v1/projects/{id}/"]) == {"get", "patch"}
    components = schema["components"]["schemas"]
    assert components["PaginatedClientOutputList"]["required"] == ["clients", "pagination"]
    assert components["PaginatedProjectOutputList"]["required"] == ["projects", "pagination"]
    assert components["ClientKindEnum"]["enum"] == ["organisation", "proponent", "both"]
