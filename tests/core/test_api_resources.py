"""The token scope resources are the routed API views' declared `resource`s: the token form offers them, the
token service accepts them, and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.urls import include, path
from django.utils import timezone
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.models import ApiToken
from accounts.services import TOKEN_RESOURCES, api_token_create
from bodies.forms import ApiTokenForm
from core.api.access import ALL_ACTIONS
from core.api.resources import routed_api_views, token_reachable, token_resources
from core.api.views import ApiViewMixin
from core.errors import ValidationError

EXPECTED = [
    "bodies",
    "eligibility",
    "accreditations",
    "audit_events",
    "documents",
    "deadlines",
    "people",
    "competence",
    "clients",
    "projects",
    "declarations",
    "conflicts",
    "impartiality_register",
    "engagements",
    "findings",
    "webhooks",
    # --- certification: reviews and decisions ---
    "reviews",
    "decisions",
    "statements",
    "numberings",
    # --- certification: certificates, programme and proposals ---
    "certificates",
    "programme",
    "proposals",
]


@pytest.fixture
def fresh_resources() -> Iterator[None]:
    """The resources are read once per process; a test that changes the URLs reads them afresh."""
    token_resources.cache_clear()
    yield
    token_resources.cache_clear()


def test_the_resources_are_the_ones_the_token_reachable_views_declare():
    # given every routed API view, read straight from the URL configuration
    routes = list(routed_api_views())
    declared = {route.view.resource for route in routes if getattr(route.view, "resource", None)}
    reachable = {route.view.resource for route in routes if token_reachable(route)}

    # then the list offered is exactly the reachable resources, each once, in URL order
    assert [resource.name for resource in token_resources()] == EXPECTED
    assert set(EXPECTED) == reachable == declared
    assert list(TOKEN_RESOURCES) == EXPECTED
    assert "tokens" not in TOKEN_RESOURCES and "notifications" not in TOKEN_RESOURCES


def test_every_resource_is_named_for_people():
    labels = {resource.name: str(resource.label) for resource in token_resources()}

    assert labels == {
        "bodies": "Body profile",
        "eligibility": "Eligibility checks",
        "accreditations": "Accreditations",
        "audit_events": "Audit trail",
        "documents": "Documents",
        "deadlines": "Deadlines",
        "people": "People",
        "competence": "Competence records",
        "clients": "Clients",
        "projects": "Projects",
        "declarations": "Declarations of interest",
        "conflicts": "Conflicts of interest",
        "impartiality_register": "Impartiality register and committee",
        "engagements": "Engagements",
        "findings": "Findings and corrective actions",
        "webhooks": "Webhooks",
        # --- certification: reviews and decisions ---
        "reviews": "Independent reviews",
        "decisions": "Decisions",
        "statements": "Statements",
        "numberings": "Certificate and statement numbering",
        # --- certification: certificates, programme and proposals ---
        "certificates": "Certificates",
        "programme": "Certification programme",
        "proposals": "Proposals",
    }


def test_the_token_form_offers_exactly_the_resources():
    form = ApiTokenForm()

    scope_fields = [name for name in form.fields if name.startswith("scope_")]
    assert scope_fields == [f"scope_{name}" for name in EXPECTED]
    assert [str(field.label) for field in form.scope_fields] == [
        str(resource.label) for resource in token_resources()
    ]


@pytest.mark.django_db
def test_the_token_service_refuses_a_resource_no_view_offers_and_creates_nothing(world):
    before = ApiToken.objects.count()

    # when a token is asked for the token views themselves (session only) and for notifications (no resource)
    with pytest.raises(ValidationError) as refused:
        api_token_create(
            body=world.a.body,
            actor=world.a.admin,
            name="Sync",
            scopes={"tokens": "write", "notifications": "read", "people": "read"},
            expires_at=timezone.now() + timedelta(days=5),
        )

    # then
    assert refused.value.message_dict == {"scopes": ["Unknown scope(s): notifications:read, tokens:write"]}
    assert ApiToken.objects.count() == before


# --- a capability's new viewset is offered without editing a list --------------------------------------------


class GadgetViewSet(ApiViewMixin, viewsets.ViewSet):
    resource = "gadgets"
    resource_label = "Gadgets"

    def list(self, request: Any) -> Response:
        return Response({"gadgets": []})


class SessionOnlyWidgetViewSet(ApiViewMixin, viewsets.ViewSet):
    resource = "widgets"
    session_only_actions = ALL_ACTIONS

    def list(self, request: Any) -> Response:
        return Response({"widgets": []})


class SessionAuthSprocketViewSet(ApiViewMixin, viewsets.ViewSet):
    """Declares a resource, but no token can authenticate here."""

    resource = "sprockets"
    authentication_classes: list[type] = []

    def list(self, request: Any) -> Response:
        return Response({"sprockets": []})


router = SimpleRouter()
router.register("gadgets", GadgetViewSet, basename="gadget")
router.register("widgets", SessionOnlyWidgetViewSet, basename="widget")
router.register("sprockets", SessionAuthSprocketViewSet, basename="sprocket")
urlpatterns = [path("", include("icr.urls")), path("probe/", include(router.urls))]


@pytest.mark.urls(__name__)
def test_a_new_token_reachable_viewset_is_offered_and_accepted(fresh_resources, db, world):
    # given the URL configuration above: a new viewset, a session-only one and one without bearer tokens

    # then only the reachable one joins the list, the form and what the service accepts
    assert [resource.name for resource in token_resources()] == [*EXPECTED, "gadgets"]
    assert "scope_gadgets" in ApiTokenForm().fields
    assert not {"scope_widgets", "scope_sprockets"} & set(ApiTokenForm().fields)
    token, _secret = api_token_create(
        body=world.a.body,
        actor=world.a.admin,
        name="Gadget sync",
        scopes={"gadgets": "read"},
        expires_at=timezone.now() + timedelta(days=5),
    )
    assert token.scopes == {"gadgets": "read"}
