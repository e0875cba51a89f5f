"""The small references the competence API nests and parses: a standard, a sector, a person (by membership
id)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bodies.models.tenants import Membership
from core.api.serializers import CodeRefSerializer, VisibleRelatedField
from reference.models import Sector

# --- references ---------------------------------------------------------------------------------------------


#: a standard as /reference/standards/ names it (`code`, `name`), as in every endpoint
CompetenceStandardRef = CodeRefSerializer


class CompetenceSectorRef(serializers.ModelSerializer):
    """A sector as the reference endpoint shows it: named by `scheme` and `code` (see `SectorRefSerializer`)."""

    class Meta:
        model = Sector
        fields = ["scheme", "code", "name", "version"]
        read_only_fields = fields


class PersonRefOutput(serializers.Serializer):
    """A person of one body, named by their membership id."""

    id = serializers.UUIDField(source="pk", help_text="membership id")
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")


class MembershipInBodyField(VisibleRelatedField):
    """A membership id the caller can see; the serializer checks it belongs to the body named beside it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Membership.objects.select_related("user", "body"))
        kwargs.setdefault("pk_field", serializers.UUIDField())
        kwargs.setdefault("help_text", "membership id (as in /people/{id}/)")
        super().__init__(**kwargs)
