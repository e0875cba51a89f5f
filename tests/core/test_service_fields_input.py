"""`core.api.serializers.ServiceFieldsInput`: an input shaped as its service's arguments (`fields=` plus the
arguments of their own), as the bodies and accreditations endpoints use it."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from bodies.models import Body
from core.api.serializers import ServiceFieldsInput
from tests.factories import sector
from tests.helpers import signed_in, url

pytestmark = pytest.mark.django_db


class ThingInput(ServiceFieldsInput):
    own_arguments = ("tags", "owner")

    name = serializers.CharField()
    colour = serializers.CharField(required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    owner = serializers.CharField(required=False)


def test_the_plain_values_become_fields_and_the_own_arguments_stand_apart() -> None:
    # when
    data = ThingInput(data={"name": "N", "colour": "red", "tags": ["a"], "owner": "me"})
    # then
    assert data.is_valid(), data.errors
    assert data.validated_data == {"fields": {"name": "N", "colour": "red"}, "tags": ["a"], "owner": "me"}


def test_an_own_argument_left_out_is_empty_on_create_and_none_in_a_patch() -> None:
    # when
    created = ThingInput(data={"name": "N"})
    patched = ThingInput(data={"colour": "blue"}, partial=True)
    # then
    assert created.is_valid() and patched.is_valid()
    assert created.validated_data == {"fields": {"name": "N"}, "tags": (), "owner": ()}
    assert patched.validated_data == {"fields": {"colour": "blue"}, "tags": None, "owner": None}


def test_a_profile_patch_leaves_the_lists_it_does_not_name_and_null_clears_the_logo(world):
    # given a body with sectors and a logo
    body = world.a.body
    body.sectors.set([sector("ghg", "1")])
    Body.objects.filter(pk=body.pk).update(logo="logos/a.png")
    # when its administrator patches the website and clears the logo
    response = signed_in(world.a.admin).patch(
        url("body-detail", body.pk), {"website": "https://a.example", "logo": None}, format="json"
    )
    # then
    assert response.status_code == 200, response.content
    body.refresh_from_db()
    assert (body.website, body.logo.name) == ("https://a.example", "")
    assert [s.pk for s in body.sectors.all()] == [sector("ghg", "1").pk]
    assert response.json()["logo"] is None
