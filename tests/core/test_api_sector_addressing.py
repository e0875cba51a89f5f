"""Sectors are addressed the same way in every endpoint: by scheme and code, as /reference/sectors/ shows them."""

from __future__ import annotations

import pytest

from bodies.models import Body
from reference.models import Sector
from tests.factories import sector
from tests.helpers import signed_in, url

pytestmark = pytest.mark.django_db


def test_the_reference_list_and_a_body_name_a_sector_alike(world, anon):
    scope_3 = sector("ghg", "3")
    listed = anon.get(url("reference-sector-list"), {"scheme": "ghg", "limit": 100}).json()["sectors"]
    shown = next(s for s in listed if s["code"] == "3")

    response = signed_in(world.a.admin).patch(
        url("body-detail", world.a.body.pk),
        {"sectors": [{"scheme": shown["scheme"], "code": shown["code"]}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert list(Body.objects.get(pk=world.a.body.pk).sectors.all()) == [scope_3]
    assert response.json()["sectors"] == [
        {"scheme": "ghg", "code": "3", "name": shown["name"], "version": shown["version"]}
    ]


def test_a_multipart_form_names_a_sector_as_scheme_code(world):
    response = signed_in(world.a.admin).patch(
        url("body-detail", world.a.body.pk), {"sectors": ["iaf:28"]}, format="multipart"
    )

    assert response.status_code == 200, response.content
    assert list(Body.objects.get(pk=world.a.body.pk).sectors.all()) == [sector("iaf", "28")]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ([{"scheme": "ghg", "code": "99"}], "Not in the sector list: ghg:99."),
        ([{"scheme": "xyz", "code": "1"}], None),
        ([3], None),
        ({"scheme": "ghg", "code": "1"}, "Send a list."),
    ],
)
def test_an_unknown_or_malformed_sector_is_a_field_error_and_nothing_changes(world, given, message):
    world.a.body.sectors.set([sector("ghg", "1")])

    response = signed_in(world.a.admin).patch(
        url("body-detail", world.a.body.pk), {"sectors": given}, format="json"
    )

    assert response.status_code == 400
    errors = response.json()["fieldErrors"]
    assert [key.split(".")[0].split("[")[0] for key in errors] == ["sectors"]
    if message:
        assert errors == {"sectors": [message]}
    assert list(Body.objects.get(pk=world.a.body.pk).sectors.all()) == [sector("ghg", "1")]


def test_an_older_list_version_is_named_by_its_version(world):
    old = Sector.objects.create(scheme="ghg", code="1", name="Old scope 1", version="2001", is_current=False)

    response = signed_in(world.a.admin).patch(
        url("body-detail", world.a.body.pk),
        {"sectors": [{"scheme": "ghg", "code": "1", "version": "2001"}, {"scheme": "ghg", "code": "1"}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert set(Body.objects.get(pk=world.a.body.pk).sectors.all()) == {old, sector("ghg", "1")}


def test_a_sector_filter_is_scheme_code_and_anything_else_names_the_parameter(world):
    client = signed_in(world.staff)

    good = client.get(url("accreditation-list"), {"sector": "ghg:1"})
    bad = client.get(url("accreditation-list"), {"sector": "12"})

    assert good.status_code == 200
    assert bad.status_code == 400
    assert bad.json()["fieldErrors"] == {"sector": ["Name the sector as scheme:code, e.g. iaf:28 or ghg:1."]}
