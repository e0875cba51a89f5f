"""Invalid filters on API lists answer 400 with a message naming the parameter, instead of being ignored."""

from __future__ import annotations

import pytest

from tests.helpers import signed_in, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("route", "query", "param"),
    [
        ("body-list", {"statuss": "approved"}, "statuss"),  # a misspelt filter
        ("accreditation-list", {"bodyId": "x"}, "bodyId"),
        ("audit-event-list", {"who": "me"}, "who"),
        ("token-list", {"name": "x"}, "name"),
        ("reference-sector-list", {"schema": "iaf"}, "schema"),
        ("reference-activity-list", {"q": "verif"}, "q"),
        ("directory-list", {"countries": "IS"}, "countries"),
    ],
)
def test_an_unknown_filter_answers_400_naming_it(world, anon, route, query, param):
    client = anon if route.startswith(("reference-", "directory-")) else signed_in(world.staff)

    response = client.get(url(route), query)

    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == "unknown_filter"
    assert list(data["fieldErrors"]) == [param]
    assert f"“{param}”" in data["fieldErrors"][param][0]


def test_the_known_parameters_are_listed_in_the_message(world):
    response = signed_in(world.staff).get(url("reference-sector-list"), {"current": "true", "version": "2"})

    message = response.json()["fieldErrors"]["version"][0]
    assert message == "This list has no filter “version”. It knows: current, limit, page, scheme."


def test_known_filters_pagination_and_format_still_work(world, anon):
    assert anon.get(url("reference-sector-list"), {"scheme": "iaf", "page": 1, "limit": 5}).status_code == 200
    assert (
        signed_in(world.staff).get(url("body-list"), {"status": "approved", "format": "json"}).status_code
        == 200
    )


def test_an_invalid_filter_value_names_the_parameter(world):
    response = signed_in(world.staff).get(url("body-list"), {"status": "sleeping"})

    assert response.status_code == 400
    assert list(response.json()["fieldErrors"]) == ["status"]


def test_an_unknown_ordering_field_answers_400(world):
    client = signed_in(world.a.admin)

    unknown = client.get(url("deadline-list"), {"ordering": "-password"})
    known = client.get(url("deadline-list"), {"ordering": "-due_on"})

    assert unknown.status_code == 400, unknown.content
    assert unknown.json()["code"] == "unknown_filter"
    assert list(unknown.json()["fieldErrors"]) == ["ordering"]
    assert "-password" in unknown.json()["fieldErrors"]["ordering"][0]
    assert known.status_code == 200


def test_a_nested_list_knows_only_its_pages(world):
    client = signed_in(world.a.admin)

    unknown = client.get(url("body-members", world.a.body.pk), {"role": "auditor"})
    paged = client.get(url("body-members", world.a.body.pk), {"page": 1})

    assert unknown.status_code == 400
    assert list(unknown.json()["fieldErrors"]) == ["role"]
    assert paged.status_code == 200


def test_a_detail_ignores_list_parameters(world):
    response = signed_in(world.staff).get(url("body-detail", world.a.body.pk), {"anything": "1"})

    assert response.status_code == 200


def test_a_boolean_filter_takes_true_or_false_only(world):
    client = signed_in(world.staff)

    perhaps = client.get(url("reference-sector-list"), {"current": "perhaps"})
    yes = client.get(url("reference-sector-list"), {"current": "true"})

    assert perhaps.status_code == 400
    assert perhaps.json()["fieldErrors"] == {"current": ["Enter true or false."]}
    assert yes.status_code == 200
