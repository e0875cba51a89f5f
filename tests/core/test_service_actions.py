"""`transition_action`'s collection and partial forms and `create_action` (`core.api.views`), and
`nested_list_schema` (`core.api.schema`): a collection's `create` calls its service with no record (or with
the collection's parent), a `partial_update` parses a subset; each documents only the errors it can answer."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers, status, viewsets
from rest_framework.test import APIRequestFactory, force_authenticate

from core.api.views import ApiViewMixin, create_action, transition_action
from tests.helpers import url

pytestmark = pytest.mark.django_db

CALLS: list[dict[str, Any]] = []


class Thing:
    def __init__(self, name: str, colour: str = "red") -> None:
        self.pk = 1
        self.name = name
        self.colour = colour


class ThingOutput(serializers.Serializer):
    name = serializers.CharField()
    colour = serializers.CharField()


class ThingInput(serializers.Serializer):
    name = serializers.CharField()
    colour = serializers.CharField()


def thing_add(*, actor: Any, name: str, colour: str) -> Thing:
    CALLS.append({"service": "add", "actor": actor, "name": name, "colour": colour})
    return Thing(name, colour)


def thing_update(*, thing: Thing, actor: Any, **fields: str) -> Thing:
    CALLS.append({"service": "update", "thing": thing, "actor": actor, **fields})
    return Thing(fields.get("name", thing.name), fields.get("colour", thing.colour))


class ThingViewSet(ApiViewMixin, viewsets.GenericViewSet):
    resource = "bodies"
    current = Thing("Probe")

    def get_object(self) -> Thing:
        return self.current

    create = create_action(thing_add, on="collection", input=ThingInput, output=ThingOutput)
    partial_update = transition_action(
        thing_update, route=False, input=ThingInput, partial=True, output=ThingOutput, conflict=False
    )


@pytest.fixture(autouse=True)
def _fresh_probe() -> None:
    CALLS.clear()
    ThingViewSet.current = Thing("Probe")


def call(action: str, method: str, *, user: Any, data: Any) -> Any:
    request = getattr(APIRequestFactory(), method)("/probe/", data, format="json")
    force_authenticate(request, user=user)
    return ThingViewSet.as_view({method: action})(request)


def test_a_collection_create_calls_the_service_with_the_actor_and_the_input_only(world):
    # when
    response = call("create", "post", user=world.a.admin, data={"name": "New", "colour": "blue"})
    # then
    assert response.status_code == 201
    assert response.data == {"name": "New", "colour": "blue"}
    assert [{"service": "add", "actor": world.a.admin, "name": "New", "colour": "blue"}] == CALLS


def test_a_collection_create_with_invalid_input_answers_400_and_calls_nothing(world):
    # when
    response = call("create", "post", user=world.a.admin, data={"name": "New"})
    # then
    assert response.status_code == 400
    assert response.data["field_errors"] == {"colour": ["This field is required."]}
    assert CALLS == []


def test_a_partial_update_passes_only_the_fields_given(world):
    # when
    response = call("partial_update", "patch", user=world.a.admin, data={"colour": "green"})
    # then
    assert response.status_code == 200
    assert response.data == {"name": "Probe", "colour": "green"}
    assert [
        {"service": "update", "thing": ThingViewSet.current, "actor": world.a.admin, "colour": "green"}
    ] == CALLS


def test_a_collection_action_needs_no_record_argument_and_is_not_a_route():
    # given a service that takes no record at all
    def record_free(*, actor: Any) -> Any:
        return actor

    # when declared on the collection, it is accepted; on a record it is refused when the class is declared
    transition_action(record_free, on="collection", route=False, output=ThingOutput)
    with pytest.raises(TypeError, match="keyword-only"):
        transition_action(lambda actor: actor, output=ThingOutput)
    with pytest.raises(ValueError, match="on= is 'object', 'parent' or 'collection'"):
        transition_action(thing_add, on="nowhere", output=ThingOutput)
    assert {extra.__name__ for extra in ThingViewSet.get_extra_actions()} == set()


def test_the_person_endpoints_document_the_same_errors_as_when_written_by_hand(anon):
    # when
    schema = anon.get(url("schema"), {"format": "json"}).json()
    # then: a create at the collection has no 404 and no 409, a partial update has a 404 and no 409
    people = next(path for name, path in schema["paths"].items() if name.endswith("/people/"))
    person = next(path for name, path in schema["paths"].items() if name.endswith("/people/{id}/"))
    assert sorted(people["post"]["responses"]) == ["201", "400", "401", "403", "415", "429"]
    assert sorted(person["patch"]["responses"]) == ["200", "400", "401", "403", "404", "415", "429"]
    assert people["post"]["summary"] == "Add a person to a body"
    assert person["patch"]["summary"] == "Change a person's roles, employment or undertaking"


def test_a_nested_collection_documents_its_page_and_a_404_for_an_unseen_parent_and_creates_with_201(anon):
    # when
    schema = anon.get(url("schema"), {"format": "json"}).json()
    # then
    training = next(path for name, path in schema["paths"].items() if name.endswith("/training/"))
    assert training["get"]["summary"] == "The person's training and CPD"
    assert sorted(training["get"]["responses"]) == ["200", "400", "401", "403", "404", "429"]
    page = training["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert page == {"$ref": "#/components/schemas/PaginatedTrainingOutputList"}
    assert sorted(training["post"]["responses"]) == ["201", "400", "401", "403", "404", "415", "429"]


def test_create_action_is_a_plain_method_answering_201(world):
    # then the probe's create is not routed as an extra action, and answers 201
    assert "create" not in {extra.__name__ for extra in ThingViewSet.get_extra_actions()}
    response = call("create", "post", user=world.a.admin, data={"name": "N", "colour": "c"})
    assert response.status_code == status.HTTP_201_CREATED
