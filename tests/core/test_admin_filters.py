"""The back office's long choice filters (countries) are a search box with suggestions (`core.admin`)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.test import RequestFactory
from django.urls import reverse
from django_countries.fields import CountryField

from core.admin import SearchableChoicesFilter
from tests.factories import BodyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:bodies_body_changelist"


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(body.legal_name for body in response.context["cl"].result_list)


def test_every_admin_filtering_by_a_country_gets_the_searchable_filter(world) -> None:  # type: ignore[no-untyped-def]
    # given every registered admin whose list filter names a country field
    request = RequestFactory().get("/")
    request.user = world.staff
    checked = []
    for model, model_admin in admin.site._registry.items():
        country_filters = [
            name
            for name in model_admin.list_filter
            if isinstance(name, str) and isinstance(get_fields_from_path(model, name)[-1], CountryField)
        ]
        if not country_filters:
            continue
        # when its list is built
        changelist = model_admin.get_changelist_instance(request)
        # then each of those filters is the searchable one
        specs = {spec.field_path: spec for spec in changelist.filter_specs if hasattr(spec, "field_path")}
        for name in country_filters:
            assert isinstance(specs[name], SearchableChoicesFilter), (model, name)
            checked.append(model._meta.label)
    assert {"bodies.Body", "bodies.BodyApplication"} <= set(checked)


def test_the_filter_offers_the_countries_held_as_suggestions_without_script(login, world) -> None:  # type: ignore[no-untyped-def]
    # given bodies in Iceland (the world's) and one in Norway
    BodyFactory(legal_name="Oslo Certification AS", country="NO")
    # when
    response = login(world.staff).get(reverse(CHANGELIST), {"status__exact": "approved"})
    # then a search box over a datalist of the two countries, not a link per country of the world
    html = response.content.decode()
    assert response.status_code == 200
    datalist = html.split('<datalist id="filter-country-options">')[1].split("</datalist>")[0]
    assert datalist == '<option value="Iceland"></option><option value="Norway"></option>'
    assert 'name="country__label" list="filter-country-options"' in html
    assert '<input type="hidden" name="status__exact" value="approved">' in html
    assert "?country__exact=FR" not in html and "France" not in html
    assert "<script" not in html.split('id="changelist-filter"')[1].split("</nav>")[0]


@pytest.mark.parametrize("typed", ["Norway", "norway", "NO"])
def test_a_typed_name_or_code_filters_the_list(login, world, typed) -> None:  # type: ignore[no-untyped-def]
    # given
    BodyFactory(legal_name="Oslo Certification AS", country="NO")
    # when
    response = login(world.staff).get(reverse(CHANGELIST), {"country__label": typed})
    # then
    assert names(response) == ["Oslo Certification AS"]
    html = response.content.decode()
    assert 'value="Norway" placeholder=' in html
    assert '<li class="selected">\n    <a href="?country__exact=NO">Norway</a></li>' in html


def test_the_country_links_of_before_still_filter(login, world) -> None:  # type: ignore[no-untyped-def]
    # given
    BodyFactory(legal_name="Oslo Certification AS", country="NO")
    # when
    response = login(world.staff).get(reverse(CHANGELIST), {"country__exact": "IS"})
    # then
    assert names(response) == ["Body A Verification ehf.", "Body B Verification ehf."]


def test_a_name_that_is_no_country_is_a_warning_and_an_empty_list(login, world) -> None:  # type: ignore[no-untyped-def]
    # when
    response = login(world.staff).get(reverse(CHANGELIST), {"country__label": "Atlantis"}, follow=True)
    # then
    assert response.status_code == 200
    assert names(response) == []
    assert [str(m) for m in response.context["messages"]] == [
        "No country is called “Atlantis”: choose one of the suggestions."
    ]
