"""The API kernel in `core.api.views`: the session-only actions rule, the transition-action helper and the
nested-under-a-parent mixin, tested on small probe views and on the endpoints built with them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from bodies.models import Body, BodyStatusChange, Membership
from competence.models import TrainingEntry
from competence.services import training_add
from core.api.access import ALL_ACTIONS, is_session_only
from core.api.views import ApiViewMixin, transition_action
from core.errors import TransitionNotAllowed
from tests.factories import today
from tests.helpers import make_token, membership_of, signed_in, url

pytestmark = pytest.mark.django_db

SESSION_MESSAGE = "This action needs a signed-in person; an API token cannot do it."


# --- probes -------------------------------------------------------------------------------------------------


class Thing:
    def __init__(self, name: str, state: str = "open") -> None:
        self.pk = 1
        self.name = name
        self.state = state


class ThingOutput(serializers.Serializer):
    name = serializers.CharField()
    state = serializers.CharField()


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class DecisionInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["close", "reopen"])
    reason = serializers.CharField()


CALLS: list[dict[str, Any]] = []


def thing_close(*, thing: Thing, actor: Any, reason: str) -> Thing:
    CALLS.append({"service": "close", "thing": thing, "actor": actor, "reason": reason})
    if thing.state != "open":
        raise TransitionNotAllowed("Only an open thing can be closed.", current=thing.state)
    if reason == "bad":
        raise DjangoValidationError({"reason": ["Not a reason."]})
    return Thing(thing.name, "closed")


def thing_reopen(*, thing: Thing, actor: Any, reason: str) -> Thing:
    CALLS.append({"service": "reopen", "thing": thing, "actor": actor, "reason": reason})
    return Thing(thing.name, "open")


def thing_archive(*, thing: Thing, actor: Any) -> Thing:
    CALLS.append({"service": "archive", "thing": thing, "actor": actor})
    return Thing(thing.name, "archived")


class ThingViewSet(ApiViewMixin, viewsets.GenericViewSet):
    resource = "bodies"
    session_only_actions = frozenset({"create", "archive"})
    current = Thing("Probe")

    def get_object(self) -> Thing:
        return self.current

    def list(self, request: Any) -> Response:
        return Response({"things": []})

    def create(self, request: Any) -> Response:
        return Response({"created": True}, status=status.HTTP_201_CREATED)

    close = transition_action(thing_close, input=ReasonInput, output=ThingOutput, summary="Close a thing")
    decide = transition_action(
        {"close": thing_close, "reopen": thing_reopen},
        input=DecisionInput,
        output=ThingOutput,
        url_path="decision",
        url_name="thing-decision",
    )
    archive = transition_action(thing_archive, output=ThingOutput, status_code=status.HTTP_202_ACCEPTED)


class EverythingSessionOnly(ThingViewSet):
    session_only_actions = ALL_ACTIONS


@pytest.fixture(autouse=True)
def _fresh_probe() -> None:
    CALLS.clear()
    ThingViewSet.current = Thing("Probe")


def call(viewset: type, action: str, method: str, *, user: Any, token: Any = None, data: Any = None) -> Any:
    factory = APIRequestFactory()
    request = getattr(factory, method)("/probe/", data or {}, format="json")
    force_authenticate(request, user=user, token=token)
    return viewset.as_view({method: action})(request)


# --- session-only actions -----------------------------------------------------------------------------------


def test_a_token_is_refused_the_session_only_actions_whatever_its_scope_and_nothing_is_called(world):
    # given a write token for the view's resource
    token, _secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "write"})

    # when it calls an ordinary action and two session-only ones
    listed = call(ThingViewSet, "list", "get", user=world.a.admin, token=token)
    created = call(ThingViewSet, "create", "post", user=world.a.admin, token=token)
    archived = call(ThingViewSet, "archive", "post", user=world.a.admin, token=token)

    # then only the ordinary action answers, and no service ran
    assert listed.status_code == 200
    assert (created.status_code, archived.status_code) == (403, 403)
    assert created.data == {"code": "permission_denied", "message": SESSION_MESSAGE, "field_errors": {}}
    assert archived.data == created.data
    assert CALLS == []


def test_a_session_may_call_the_session_only_actions(world):
    created = call(ThingViewSet, "create", "post", user=world.a.admin)

    assert created.status_code == 201
    assert created.data == {"created": True}


def test_the_session_rule_is_checked_before_the_scope(world):
    # given a token without the view's resource
    token, _secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"documents": "read"})

    # when it calls a session-only action, and an ordinary one
    created = call(ThingViewSet, "create", "post", user=world.a.admin, token=token)
    listed = call(ThingViewSet, "list", "get", user=world.a.admin, token=token)

    # then it hears the session reason for the first, the scope reason for the second
    assert created.data["message"] == SESSION_MESSAGE
    assert listed.status_code == 403
    assert listed.data["message"] == "Your token's scope does not cover this resource."


def test_all_actions_makes_the_whole_view_session_only(world):
    token, _secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "write"})

    listed = call(EverythingSessionOnly, "list", "get", user=world.a.admin, token=token)

    assert listed.status_code == 403
    assert listed.data["message"] == SESSION_MESSAGE
    assert call(EverythingSessionOnly, "list", "get", user=world.a.admin).status_code == 200


def test_a_plain_api_view_names_its_session_only_actions_by_http_method():
    class Probe:
        session_only_actions = frozenset({"post"})
        action = None

        class request:
            method = "POST"

    assert is_session_only(Probe())
    Probe.request.method = "GET"
    assert not is_session_only(Probe())


def test_the_schema_states_exactly_the_session_only_operations(anon):
    # when the OpenAPI document is fetched
    schema = anon.get(url("schema"), {"format": "json"}).json()

    # then the operations that declare a session as their only authentication are the session-only actions
    session_only = sorted(
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") == [{"cookieAuth": []}]
    )
    # (a declaration of interest is drafted, attested and reviewed by a named person, never by a token; a
    # webhook subscription sends the body's data to a URL and mints a secret, a person's act like a token's)
    assert session_only == [
        "DELETE /api/v1/declarations/{declaration_id}/relationships/{id}/",
        "DELETE /api/v1/webhook-subscriptions/{id}/",
        "GET /api/v1/notifications/",
        "GET /api/v1/tokens/",
        "PATCH /api/v1/declarations/{declaration_id}/relationships/{id}/",
        "PATCH /api/v1/webhook-subscriptions/{id}/",
        "POST /api/v1/bodies/",
        "POST /api/v1/declarations/",
        "POST /api/v1/declarations/{declaration_id}/relationships/",
        "POST /api/v1/declarations/{id}/correct/",
        "POST /api/v1/declarations/{id}/review/",
        "POST /api/v1/declarations/{id}/submit/",
        "POST /api/v1/notifications/read-all/",
        "POST /api/v1/notifications/{id}/read/",
        "POST /api/v1/tokens/",
        "POST /api/v1/tokens/{uuid}/revoke/",
        "POST /api/v1/webhook-subscriptions/",
        "POST /api/v1/webhook-subscriptions/{id}/rotate-secret/",
    ]
    # the registry's decisions: a session, or a registry token (bearer) with the write scope
    for path in ("/api/v1/bodies/{body_id}/decisions/", "/api/v1/bodies/{id}/agreement/"):
        assert {"bearerAuth": []} in schema["paths"][path]["post"]["security"], path
        assert {"cookieAuth": []} in schema["paths"][path]["post"]["security"], path


# --- transition actions -------------------------------------------------------------------------------------


def test_a_transition_action_parses_calls_the_one_service_and_serializes_the_record(world):
    # when
    response = call(ThingViewSet, "close", "post", user=world.a.admin, data={"reason": "done"})

    # then the service got the record under its own name, the actor and the input
    assert response.status_code == 200
    assert response.data == {"name": "Probe", "state": "closed"}
    assert [
        {"service": "close", "thing": ThingViewSet.current, "actor": world.a.admin, "reason": "done"}
    ] == CALLS


def test_a_transition_the_state_does_not_allow_answers_409(world):
    # given a closed thing
    ThingViewSet.current = Thing("Probe", "closed")

    # when
    response = call(ThingViewSet, "close", "post", user=world.a.admin, data={"reason": "again"})

    # then
    assert response.status_code == 409
    assert response.data["message"] == "Only an open thing can be closed."
    assert ThingViewSet.current.state == "closed"


def test_invalid_input_answers_400_before_the_service_runs(world):
    blank = call(ThingViewSet, "close", "post", user=world.a.admin, data={})
    refused = call(ThingViewSet, "close", "post", user=world.a.admin, data={"reason": "bad"})

    assert (blank.status_code, refused.status_code) == (400, 400)
    assert blank.data["field_errors"] == {"reason": ["This field is required."]}
    assert refused.data["field_errors"] == {"reason": ["Not a reason."]}
    assert [entry["reason"] for entry in CALLS] == ["bad"]


def test_a_mapping_of_services_is_chosen_by_the_input_action(world):
    response = call(
        ThingViewSet, "decide", "post", user=world.a.admin, data={"action": "reopen", "reason": "mistake"}
    )
    unknown = call(ThingViewSet, "decide", "post", user=world.a.admin, data={"action": "burn", "reason": "x"})

    assert response.status_code == 200
    assert response.data == {"name": "Probe", "state": "open"}
    assert [entry["service"] for entry in CALLS] == ["reopen"]
    assert "action" not in CALLS[0]
    assert unknown.status_code == 400


def test_a_transition_without_input_and_with_its_own_status(world):
    response = call(ThingViewSet, "archive", "post", user=world.a.admin)

    assert response.status_code == 202
    assert response.data == {"name": "Probe", "state": "archived"}


def test_transition_actions_are_routed_like_hand_written_actions():
    actions = {extra.__name__: extra for extra in ThingViewSet.get_extra_actions()}

    assert set(actions) == {"close", "decide", "archive"}
    assert (actions["close"].url_path, actions["close"].url_name, actions["close"].detail) == (
        "close",
        "close",
        True,
    )
    assert (actions["decide"].url_path, actions["decide"].url_name) == ("decision", "thing-decision")
    assert actions["decide"].mapping == {"post": "decide"}


def test_a_service_without_a_keyword_only_record_cannot_be_declared():
    def positional(thing: Any, actor: Any) -> Any:
        return thing

    with pytest.raises(TypeError, match="keyword-only"):
        transition_action(positional, output=ThingOutput)


# --- nested collections -------------------------------------------------------------------------------------


def test_a_nested_collection_lists_only_its_parents_children(world, auditor_a):
    # given training for two people of body A
    colleague = membership_of(world.a.member, world.a.body)
    mine = training_add(
        membership=auditor_a,
        actor=world.a.admin,
        kind="training",
        title="Mine",
        provider="ICR",
        completed_on=today(),
        hours=2,
    )
    training_add(
        membership=colleague,
        actor=world.a.admin,
        kind="training",
        title="Theirs",
        provider="ICR",
        completed_on=today(),
        hours=2,
    )

    # when the first person's training is listed
    response = signed_in(world.a.admin).get(url("person-training", auditor_a.pk))

    # then
    assert response.status_code == 200
    assert [entry["id"] for entry in response.json()["training"]] == [str(mine.pk)]


def test_a_parent_of_another_body_answers_404_before_any_rule_and_nothing_changes(world):
    # given body B's person and body B as seen by body A's administrator
    person_b = membership_of(world.b.member, world.b.body)
    client = signed_in(world.a.admin)
    before = (TrainingEntry.objects.count(), BodyStatusChange.objects.count(), world.b.body.status)

    # when A's administrator reads and writes under B's records
    responses = [
        client.get(url("person-training", person_b.pk)),
        client.post(
            url("person-training", person_b.pk),
            {"title": "x", "completedOn": today() - timedelta(days=1), "hours": "1"},
            format="json",
        ),
        client.get(url("body-decisions", world.b.body.pk)),
        client.post(
            url("body-decisions", world.b.body.pk), {"action": "suspend", "reason": "x"}, format="json"
        ),
        client.get(url("body-members", world.b.body.pk)),
    ]

    # then every answer is 404 (not 403: B's records do not exist for A), and nothing changed
    assert [response.status_code for response in responses] == [404] * 5
    assert (
        TrainingEntry.objects.count(),
        BodyStatusChange.objects.count(),
        Body.objects.get(pk=world.b.body.pk).status,
    ) == before


def test_a_nested_transition_acts_on_the_parent(world):
    # given an approved body A
    client = signed_in(world.staff)

    # when registry staff suspend it through its decisions collection
    response = client.post(
        url("body-decisions", world.a.body.pk), {"action": "suspend", "reason": "audit"}, format="json"
    )

    # then the body is answered, suspended, with its decision recorded
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["status"]) == (str(world.a.body.pk), "suspended")
    assert Body.objects.get(pk=world.a.body.pk).status == Body.Status.SUSPENDED
    assert list(BodyStatusChange.objects.values_list("body_id", "reason")) == [(world.a.body.pk, "audit")]
    assert Membership.objects.filter(body=world.a.body).count() == 2


def test_the_schema_documents_what_each_service_action_can_answer(anon):
    # when the OpenAPI document is fetched
    paths = anon.get(url("schema"), {"format": "json"}).json()["paths"]

    # then a transition documents its conflict; a nested create its 201 and no conflict; no input, no 400 (nor
    # 415); every operation its throttle's 429 (`IcrAutoSchema.error_codes`)
    approve = paths["/api/v1/competence-records/{id}/approve/"]["post"]
    training = paths["/api/v1/people/{person_id}/training/"]["post"]
    revoke = paths["/api/v1/tokens/{uuid}/revoke/"]["post"]
    assert sorted(approve["responses"]) == ["200", "400", "401", "403", "404", "409", "415", "429"]
    assert sorted(training["responses"]) == ["201", "400", "401", "403", "404", "415", "429"]
    assert sorted(revoke["responses"]) == ["200", "401", "403", "404", "409", "429"]
    assert "requestBody" not in revoke
    assert approve["summary"] == "Approve a proposed competence"
