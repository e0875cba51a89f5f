"""Declarations of interest API v1: a person's declarations, their relationships (on drafts), submission,
correction and review.

Confidentiality (`impartiality.permissions.declarations_readable_by`): a person lists and reads their own
declarations and, where they hold `review_declarations`, every declaration of that body; a body's bearer token
with the `declarations` scope reads its body's. Anyone else's declaration answers 404. Drafting, attesting,
correcting and reviewing are a named person's acts: session only (a token never does them).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bodies.models.tenants import Body
from clients.selectors import client_list, project_list
from core.api.schema import errors, nested_list_schema
from core.api.serializers import ServiceFieldsInput, VisibleRelatedField
from core.api.views import NestedViewSetMixin, TenantViewSet, create_action, request_token, transition_action
from core.tenancy import get_visible_or_404
from documents.api.serializers import DocumentRequestedOutput
from documents.services import document_request

from ..documents import DECLARATION_PDF
from ..models import (
    CounterpartyKind,
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    Relationship,
    RelationshipKind,
    ReviewOutcome,
)
from ..selectors.declarations import declaration_detail, declarations_readable
from ..services.declarations import (
    declaration_correct,
    declaration_review,
    declaration_start_in_body,
    declaration_submit,
    relationship_add,
    relationship_remove,
    relationship_update,
)

TAGS = ["declarations"]
OWN = "Only the declarant, signed in (a token never drafts or attests)."

# --- serializers ------------------------------------------------------------------------------------------------


class DeclarantRefOutput(serializers.Serializer):
    id = serializers.UUIDField()
    full_name = serializers.CharField()
    email = serializers.EmailField()


class CounterpartyClientOutput(serializers.ModelSerializer):
    class Meta:
        model = client_list().model
        fields = ["id", "legal_name"]
        read_only_fields = fields


class CounterpartyProjectOutput(serializers.ModelSerializer):
    class Meta:
        model = project_list().model
        fields = ["id", "name", "registry_number"]
        read_only_fields = fields


class RelationshipOutput(serializers.ModelSerializer):
    """One relationship a declaration lists: confidential (the declarant, the body's reviewers, registry staff
    and the body's tokens with the declarations scope read it)."""

    client = CounterpartyClientOutput(read_only=True, allow_null=True)
    project = CounterpartyProjectOutput(read_only=True, allow_null=True)

    class Meta:
        model = Relationship
        fields = [
            "id",
            "kind",
            "counterparty_kind",
            "client",
            "project",
            "counterparty_name",
            "started_on",
            "ended_on",
            "description",
        ]
        read_only_fields = fields


class DeclarationOutput(serializers.ModelSerializer):
    """A declaration with its relationships and its review; only ever shown to those who may read all of it."""

    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    person = serializers.PrimaryKeyRelatedField(
        source="membership", read_only=True, pk_field=serializers.UUIDField(), help_text="the membership"
    )
    declarant = DeclarantRefOutput(read_only=True)
    client = CounterpartyClientOutput(read_only=True, allow_null=True)
    project = CounterpartyProjectOutput(read_only=True, allow_null=True)
    previous = serializers.PrimaryKeyRelatedField(
        read_only=True, pk_field=serializers.UUIDField(), help_text="the version this one corrects"
    )
    reviewed_by = DeclarantRefOutput(read_only=True, allow_null=True)
    relationships = RelationshipOutput(many=True, read_only=True)

    class Meta:
        model = Declaration
        fields = [
            "id",
            "body",
            "person",
            "declarant",
            "kind",
            "client",
            "project",
            "version",
            "previous",
            "status",
            "attested_at",
            "submitted_at",
            "submitted_on",
            "valid_until",
            "review_outcome",
            "review_measures",
            "review_notes",
            "reviewed_by",
            "reviewed_at",
            "relationships",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DeclarationStartInput(serializers.Serializer):
    body = VisibleRelatedField(
        queryset=Body.objects.all(), pk_field=serializers.UUIDField(), help_text="the body you declare in"
    )
    kind = serializers.ChoiceField(choices=DeclarationKind.choices)
    client = VisibleRelatedField(
        queryset=client_list(),
        pk_field=serializers.UUIDField(),
        required=False,
        allow_null=True,
        help_text="per engagement: the client (of the same body)",
    )
    project = VisibleRelatedField(
        queryset=project_list(),
        pk_field=serializers.UUIDField(),
        required=False,
        allow_null=True,
        help_text="per engagement: the project (of the same body)",
    )


class RelationshipInput(ServiceFieldsInput):
    """A relationship (create: the required fields; PATCH: any subset). The counterparty is a client or a
    project of the declaration's body, or a name."""

    kind = serializers.ChoiceField(choices=RelationshipKind.choices)
    counterparty_kind = serializers.ChoiceField(choices=CounterpartyKind.choices)
    client = VisibleRelatedField(
        queryset=client_list(), pk_field=serializers.UUIDField(), required=False, allow_null=True
    )
    project = VisibleRelatedField(
        queryset=project_list(), pk_field=serializers.UUIDField(), required=False, allow_null=True
    )
    counterparty_name = serializers.CharField(required=False, allow_blank=True)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True, help_text="empty while it lasts")
    description = serializers.CharField()


class SubmitInput(serializers.Serializer):
    attest = serializers.BooleanField(
        help_text="true: you attest the declaration is complete and true (required)"
    )


class ReviewInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    measures = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="required for a mitigated conflict"
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


# --- filters ----------------------------------------------------------------------------------------------------


class DeclarationFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    person = django_filters.UUIDFilter(field_name="membership_id", help_text="the membership (a person's id)")
    status = django_filters.ChoiceFilter(choices=DeclarationStatus.choices)
    kind = django_filters.ChoiceFilter(choices=DeclarationKind.choices)
    outcome = django_filters.ChoiceFilter(field_name="review_outcome", choices=ReviewOutcome.choices)

    class Meta:
        model = Declaration
        fields: list[str] = []


# --- views ------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List declarations of interest",
        tags=TAGS,
        description="Your own declarations, and every declaration of the bodies where you review declarations "
        "(a token with the declarations scope: its body's); newest first, every version.",
        responses={200: DeclarationOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One declaration of interest",
        tags=TAGS,
        description="404 for anyone but the declarant, the body's reviewers, registry staff and the body's "
        "tokens.",
        responses={200: DeclarationOutput, **errors(401, 403, 404)},
    ),
)
class DeclarationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Declaration.objects.all()
    serializer_class = DeclarationOutput
    resource = "declarations"
    resource_label = _("Declarations of interest")
    envelope_key = "declarations"
    filter_backends = [DjangoFilterBackend]
    filterset_class = DeclarationFilter
    session_only_actions = frozenset({"create", "submit", "correct", "review"})

    def get_queryset(self) -> QuerySet[Declaration]:
        readable = declarations_readable(self.request.user, request_token(self.request))
        return declaration_detail(readable).order_by("-created_at", "id")

    create = create_action(
        declaration_start_in_body,
        on="collection",
        input=DeclarationStartInput,
        output=DeclarationOutput,
        summary="Start a declaration (a draft)",
        tags=TAGS,
        description=f"{OWN} Annual (no client or project) or per engagement (a client or a project of the "
        "body). One open draft per kind and counterparty.",
    )
    submit = transition_action(
        declaration_submit,
        input=SubmitInput,
        output=DeclarationOutput,
        reload=True,
        summary="Attest and submit a draft",
        tags=TAGS,
        description=f"{OWN} It never changes again; an annual declaration is current for 12 months (a "
        "setting). A correction supersedes the version it corrects.",
    )
    correct = transition_action(
        declaration_correct,
        output=DeclarationOutput,
        reload=True,
        status_code=status.HTTP_201_CREATED,
        summary="Correct a submitted declaration (a new draft version)",
        tags=TAGS,
        description=f"{OWN} The new version copies the relationships; the old one stays in the history.",
    )
    review = transition_action(
        declaration_review,
        input=ReviewInput,
        output=DeclarationOutput,
        reload=True,
        summary="Review a declaration waiting for review",
        tags=TAGS,
        description="Needs `review_declarations` in the declaration's body (its administrators and "
        "impartiality committee), never on your own declaration (403 `self_review`). A mitigated conflict "
        "needs its measures.",
    )

    @extend_schema(
        summary="Request the signed declaration as a PDF",
        tags=TAGS,
        description="For those who read the declaration, once it is submitted. Queues the rendering and answers "
        "at once; poll `/documents/{id}/` until it is `ready`.",
        request=None,
        responses={202: DocumentRequestedOutput, **errors(401, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="pdf", url_name="pdf")
    def pdf(self, request: Request, id: str) -> Response:
        declaration = self.get_object()
        document = document_request(
            kind=DECLARATION_PDF, subject=declaration, body=declaration.body, actor=request.user
        )
        return Response(DocumentRequestedOutput(document).data, status=status.HTTP_202_ACCEPTED)


class DeclarationRelationshipMixin(NestedViewSetMixin):
    """The relationships under `declarations/{declarationId}/relationships/`: 404 unless the caller reads
    that declaration."""

    resource = "declarations"
    parent_model = Declaration
    parent_url_kwarg = "declaration_id"
    parent_field = "declaration"
    parent_related = ("body",)

    @cached_property
    def parent(self) -> Any:
        request = self.request  # type: ignore[attr-defined]
        readable = declarations_readable(request.user, request_token(request)).select_related("body")
        return get_visible_or_404(readable, pk=self.kwargs[self.parent_url_kwarg])  # type: ignore[attr-defined]


@nested_list_schema(
    "The declaration's relationships", tags=TAGS, description="Those who read the declaration."
)
class DeclarationRelationshipViewSet(DeclarationRelationshipMixin, viewsets.GenericViewSet):
    queryset = Relationship.objects.all()
    serializer_class = RelationshipOutput
    envelope_key = "relationships"
    session_only_actions = frozenset({"create", "partial_update", "destroy"})

    def base_queryset(self) -> QuerySet[Relationship]:
        return Relationship.objects.select_related("client", "project").order_by("started_on", "id")

    create = create_action(
        relationship_add,
        input=RelationshipInput,
        output=RelationshipOutput,
        summary="Add a relationship to a draft",
        tags=TAGS,
        description=f"{OWN} A submitted declaration never changes (409).",
    )

    @extend_schema(
        summary="One relationship of a declaration",
        tags=TAGS,
        responses={200: RelationshipOutput, **errors(401, 403, 404)},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(RelationshipOutput(self.get_object()).data)

    partial_update = transition_action(
        relationship_update,
        route=False,
        input=RelationshipInput,
        partial=True,
        output=RelationshipOutput,
        summary="Change a relationship of a draft",
        tags=TAGS,
        description=f"{OWN} A submitted declaration never changes (409).",
    )

    @extend_schema(
        summary="Remove a relationship from a draft",
        tags=TAGS,
        description=f"{OWN} A submitted declaration never changes (409).",
        request=None,
        responses={204: None, **errors(401, 403, 404, 409)},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        relationship_remove(relationship=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


__all__ = ["DeclarationRelationshipViewSet", "DeclarationViewSet"]
