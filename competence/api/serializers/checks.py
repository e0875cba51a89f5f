"""Competence checks of a person or a proposed team, and their gaps."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bodies.models.tenants import Body, Membership
from competence.models import (
    COMPETENCE_ROLES,
)
from core.api.serializers import CodeRefField, SectorField, VisibleRelatedField
from core.api.views import request_token
from reference.models import Standard

from .refs import MembershipInBodyField

# --- competence checks --------------------------------------------------------------------------------------


class CheckScopeInput(serializers.Serializer):
    body = VisibleRelatedField(queryset=Body.objects.all(), pk_field=serializers.UUIDField())
    standard = CodeRefField(
        queryset=Standard.objects.all(), help_text="standard code as in /reference/standards/"
    )
    sector = SectorField(help_text='{"scheme", "code"} as in /reference/sectors/')
    start = serializers.DateField(help_text="first planned day")
    end = serializers.DateField(help_text="last planned day")


class PersonCheckInput(CheckScopeInput):
    person = MembershipInBodyField()
    role = serializers.ChoiceField(choices=COMPETENCE_ROLES)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["person"].body_id != attrs["body"].pk:
            raise serializers.ValidationError({"person": _("Not a person of this body.")})
        return attrs


class TeamMemberInput(serializers.Serializer):
    person = serializers.UUIDField(help_text="membership id (as in /people/{id}/)")
    role = serializers.ChoiceField(choices=COMPETENCE_ROLES)


class TeamCheckInput(CheckScopeInput):
    team = TeamMemberInput(many=True, allow_empty=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # every member's membership in one query; another body's person is "Not found." like a missing one
        request = self.context["request"]
        ids = {member["person"] for member in attrs["team"]}
        found = {
            m.pk: m
            for m in Membership.objects.visible_to(request.user, request_token(request))
            .filter(pk__in=ids, body=attrs["body"])
            .select_related("user")
        }
        errors = {
            f"team[{index}].person": [_("Not found.")]
            for index, member in enumerate(attrs["team"])
            if member["person"] not in found
        }
        if errors:
            raise serializers.ValidationError(errors)
        attrs["team"] = [{"person": found[m["person"]], "role": m["role"]} for m in attrs["team"]]
        return attrs


class GapOutput(serializers.Serializer):
    code = serializers.CharField(
        help_text="e.g. no_competence, competence_not_valid_on_dates, no_lead_auditor"
    )
    message = serializers.CharField()
    person_id = serializers.SerializerMethodField(help_text="membership id, or null for a gap of the team")
    role = serializers.CharField(allow_blank=True)

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_person_id(self, gap: Any) -> str | None:
        """The service names people by user id; the API by membership id."""
        membership_ids: dict[Any, Any] = self.context.get("membership_ids", {})
        found = membership_ids.get(gap.person_id)
        return str(found) if found is not None else None


class PersonCheckOutput(serializers.Serializer):
    competent = serializers.BooleanField()
    gaps = GapOutput(many=True)


class TeamMemberCheckOutput(serializers.Serializer):
    person = serializers.UUIDField(help_text="membership id")
    role = serializers.CharField()
    competent = serializers.BooleanField()
    gaps = GapOutput(many=True)


class TeamCheckOutput(serializers.Serializer):
    covered = serializers.BooleanField()
    gaps = GapOutput(many=True, help_text="every member's gaps, then the team's")
    members = TeamMemberCheckOutput(many=True)
