"""Accounts API v1: who am I, and the body's API tokens (managed by signed-in body administrators only)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken
from accounts.reauth import require_recent_auth_api
from accounts.services import api_token_create, api_token_revoke
from bodies.models.tenants import Membership
from core.api.access import ALL_ACTIONS
from core.api.schema import errors
from core.api.views import TenantViewSet, request_token, transition_action

from .serializers import ApiTokenCreatedOutput, ApiTokenCreateInput, ApiTokenOutput, MeOutput


class ApiTokenFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    revoked = django_filters.BooleanFilter()

    class Meta:
        model = ApiToken
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary="The API tokens of the bodies I administer",
        responses={200: ApiTokenOutput(many=True), **errors(400, 401, 403)},
    ),
    create=extend_schema(
        summary="Create an API token",
        description="The secret is returned once, in `key`. Signed-in callers only: a token cannot mint tokens.",
        request=ApiTokenCreateInput,
        responses={201: ApiTokenCreatedOutput, **errors(400, 401, 403)},
    ),
)
class ApiTokenViewSet(mixins.ListModelMixin, TenantViewSet):
    """Tokens of the bodies where the caller holds `manage_api_tokens`; any other token answers 404."""

    queryset = ApiToken.objects.all()
    serializer_class = ApiTokenOutput
    session_only_actions = ALL_ACTIONS  # a token cannot mint, list or revoke tokens
    envelope_key = "tokens"
    lookup_field = "uuid"
    lookup_url_kwarg = "uuid"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiTokenFilter

    def base_queryset(self) -> QuerySet[ApiToken]:
        return ApiToken.objects.select_related("body", "created_by").order_by("-created")

    # who sees a token is the model's declaration (ApiTokenQuerySet.object_grants): the body's token
    # managers, and a person granted that one token; `visible_to` applies it

    @require_recent_auth_api  # a session that last authenticated > REAUTH_MAX_AGE_MINUTES ago: 403
    def create(self, request: Request) -> Response:
        data = ApiTokenCreateInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        token, secret = api_token_create(actor=request.user, **data.validated_data)
        token.key = secret  # type: ignore[attr-defined]
        return Response(ApiTokenCreatedOutput(token).data, status=status.HTTP_201_CREATED)

    revoke = transition_action(api_token_revoke, output=ApiTokenOutput, summary="Revoke an API token")


def _caller(request: Request) -> dict[str, Any]:
    """The caller's identity; a body's token sees only its own body, whoever created the token; a registry
    token acts for the registry (no body of its own)."""
    user = request.user
    token = request_token(request)
    memberships = (
        Membership.objects.active().filter(user=user).select_related("body").order_by("body__legal_name")
    )
    if token is not None:
        memberships = memberships.filter(body_id=token.body_id)
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "is_registry_staff": (token is None or token.for_registry) and user.is_registry_staff,
        "memberships": [{"body": m.body, "roles": m.roles} for m in memberships],
        "token": token,
    }


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Who am I", responses={200: MeOutput, **errors(401)})
    def get(self, request: Request) -> Response:
        return Response(MeOutput(_caller(request)).data)
