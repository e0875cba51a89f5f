"""Statements and numbering API v1: the body's validation and verification statements with their quantities per
vintage (read only: an opinion issues them), and the numbering patterns (read; a body administrator sets one with
`numbering_set`). Another body's record answers 404. Token scope resources: `statements`, `numberings`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from bodies.models.tenants import Body
from core.api.schema import errors
from core.api.serializers import VisibleRelatedField
from core.api.views import TenantViewSet, create_action

from ..models import Numbering, NumberingKind, Statement, StatementQuantity
from ..services.numbering import numbering_set


class StatementQuantityOutput(serializers.ModelSerializer):
    class Meta:
        model = StatementQuantity
        fields = ["vintage", "period_start", "period_end", "reductions", "removals"]
        read_only_fields = fields


class StatementOutput(serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    engagement = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    quantities = StatementQuantityOutput(many=True, read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "body",
            "number",
            "engagement",
            "opinion",
            "level_of_assurance",
            "materiality_percent",
            "monitoring_period_start",
            "monitoring_period_end",
            "issued_on",
            "status",
            "quantities",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="List statements",
        tags=["statements"],
        description="The validation and verification statements of the caller's bodies, newest first.",
        responses={200: StatementOutput(many=True), **errors(401, 403)},
    ),
    retrieve=extend_schema(
        summary="One statement",
        tags=["statements"],
        responses={200: StatementOutput, **errors(401, 403, 404)},
    ),
)
class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Statement.objects.all()
    serializer_class = StatementOutput
    resource = "statements"
    resource_label = gettext_lazy("Statements")
    envelope_key = "statements"

    def base_queryset(self) -> QuerySet[Statement]:
        return Statement.objects.prefetch_related("quantities").order_by("-issued_on", "number", "id")


class NumberingOutput(serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())

    class Meta:
        model = Numbering
        fields = ["id", "body", "kind", "pattern", "last_sequence", "updated_at"]
        read_only_fields = fields


class NumberingInput(serializers.Serializer):
    body = VisibleRelatedField(queryset=Body.objects.all(), pk_field=serializers.UUIDField(), required=False)
    kind = serializers.ChoiceField(choices=NumberingKind.choices)
    pattern = serializers.CharField(allow_blank=True, max_length=60)


def _set(*, actor: Any, body: Body, kind: str, pattern: str) -> Numbering:
    return numbering_set(body=body, kind=kind, pattern=pattern, actor=actor)


@extend_schema_view(
    list=extend_schema(
        summary="List numbering patterns",
        tags=["numberings"],
        description="The certificate and statement numbering of the caller's bodies (a body without one uses the "
        "default `{body}-C-{year}-{seq:05d}` / `{body}-S-{year}-{seq:05d}`).",
        responses={200: NumberingOutput(many=True), **errors(401, 403)},
    ),
    retrieve=extend_schema(
        summary="One numbering pattern",
        tags=["numberings"],
        responses={200: NumberingOutput, **errors(401, 403, 404)},
    ),
)
class NumberingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Numbering.objects.all()
    serializer_class = NumberingOutput
    resource = "numberings"
    resource_label = gettext_lazy("Certificate and statement numbering")
    envelope_key = "numberings"

    def base_queryset(self) -> QuerySet[Numbering]:
        return Numbering.objects.order_by("body_id", "kind")

    create = create_action(
        _set,
        on="collection",
        input=NumberingInput,
        output=NumberingOutput,
        summary="Set a numbering pattern",
        tags=["numberings"],
        description="A body administrator (`manage_certificates`). The pattern contains `{seq}` once and only "
        "`{body}`, `{year}`, `{seq}` or `{seq:0Nd}`; a number under it is at most 60 characters "
        "(`numbering_invalid`). The sequence carries on: a number is never reused.",
    )
