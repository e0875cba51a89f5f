"""The competence matrix: its query and its JSON shape."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import append_meta, build_array_type
from rest_framework import serializers

from bodies.models.tenants import Body, Membership
from competence.models import (
    COMPETENCE_ROLES,
    CompetenceRecord,
)
from core.api.serializers import BodyRefSerializer, SectorParamField, VisibleRelatedField
from core.api.views import request_token
from reference.models import Sector

from .refs import CompetenceSectorRef, CompetenceStandardRef, PersonRefOutput

# --- matrix -------------------------------------------------------------------------------------------------


class MatrixQuery(serializers.Serializer):
    """`body` may be left out by a caller who belongs to one body only."""

    body = VisibleRelatedField(
        queryset=Body.objects.all(), pk_field=serializers.UUIDField(), required=False, help_text="body id"
    )
    standard = serializers.CharField(required=False, help_text="standard code")
    sector = SectorParamField(required=False)
    scheme = serializers.ChoiceField(choices=Sector.Scheme.choices, required=False)
    role = serializers.ChoiceField(choices=COMPETENCE_ROLES, required=False)
    status = serializers.ChoiceField(choices=CompetenceRecord.Status.choices, required=False)
    person = serializers.CharField(required=False, help_text="part of a name or email")
    expiringWithinDays = serializers.IntegerField(  # a query parameter: camelCase, like the JSON
        required=False, min_value=0, help_text="approved competences that end within this many days"
    )

    def validate_sector(self, sector: Sector) -> int:
        return sector.pk  # the matrix filters by the sector's row

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "body" not in attrs:
            request = self.context["request"]
            bodies = list(Body.objects.visible_to(request.user, request_token(request)).order_by("pk")[:2])
            if len(bodies) != 1:
                raise serializers.ValidationError(
                    {
                        "body": _("Name the body: you can see several.")
                        if bodies
                        else _("You belong to no body.")
                    }
                )
            attrs["body"] = bodies[0]
        return attrs


class MatrixColumnOutput(serializers.Serializer):
    standard = CompetenceStandardRef()
    sector = CompetenceSectorRef()

    def to_representation(self, instance: Any) -> Any:
        standard, sector = instance
        return super().to_representation({"standard": standard, "sector": sector})


class MatrixPersonOutput(PersonRefOutput):
    employment = serializers.ChoiceField(choices=Membership.Employment.choices)


class MatrixRecordOutput(serializers.ModelSerializer):
    class Meta:
        model = CompetenceRecord
        fields = ["id", "role", "status", "valid_until"]
        read_only_fields = fields


class MatrixCellOutput(serializers.Serializer):
    records = MatrixRecordOutput(many=True, help_text="best first: approved, then by the latest end")


class NullableItemsListField(serializers.ListField):
    """A list of `child` objects where an item may be null (DRF renders a None item as null already)."""


class NullableItemsListFieldSchema(OpenApiSerializerFieldExtension):
    """Documents `NullableItemsListField` items as the child's component, nullable (drf-spectacular drops
    a list child's `allow_null`)."""

    target_class = NullableItemsListField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        component = auto_schema.resolve_serializer(self.target.child, direction)
        return build_array_type(append_meta(component.ref, {"nullable": True}))


class MatrixRowOutput(serializers.Serializer):
    person = MatrixPersonOutput(source="membership")
    cells = NullableItemsListField(
        child=MatrixCellOutput(allow_null=True), help_text="one per column; null where nothing is held"
    )


class MatrixOutput(serializers.Serializer):
    body = BodyRefSerializer()
    today = serializers.DateField()
    columns = MatrixColumnOutput(many=True, help_text="(standard, sector) pairs")
    rows = MatrixRowOutput(many=True)
