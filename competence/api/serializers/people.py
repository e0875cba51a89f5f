"""A person of a body (a membership) and their history: training, witnessed audits, periodic evaluations."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bodies.models.tenants import Body, Membership, Role
from competence.models import (
    PeriodicEvaluation,
    TrainingEntry,
    WitnessedAudit,
)
from core.api.serializers import (
    BodyRefSerializer,
    CodeRefField,
    SectorField,
    UserRefSerializer,
    VisibleRelatedField,
)
from reference.models import Standard

from .refs import CompetenceSectorRef, CompetenceStandardRef, MembershipInBodyField

# --- people -------------------------------------------------------------------------------------------------


class PersonProfileOutput(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    phone = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField(), help_text="ISO 639-1 codes")
    countries = serializers.ListField(child=serializers.CharField(), help_text="ISO 3166-1 alpha-2 codes")


class PersonOutput(serializers.ModelSerializer):
    """A person's place in one body: `id` is the membership id."""

    person = PersonProfileOutput(source="user", read_only=True)
    body = BodyRefSerializer(read_only=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "person",
            "body",
            "roles",
            "employment",
            "status",
            "undertaking_signed_on",
            "created_at",
        ]
        read_only_fields = fields


class PersonUpdateInput(serializers.Serializer):
    """Any subset. `roles` replaces the person's roles; the undertaking date can be set, not cleared."""

    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)
    employment = serializers.ChoiceField(choices=Membership.Employment.choices, required=False)
    undertaking_signed_on = serializers.DateField(
        required=False, help_text="the day the confidentiality and impartiality undertaking was signed"
    )
    status = serializers.ChoiceField(choices=Membership.Status.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(_("Give roles, employment, undertakingSignedOn or status."))
        return attrs


class PersonCreateInput(serializers.Serializer):
    """Adds a person to a body; someone new to the platform gets an account without a password."""

    body = VisibleRelatedField(queryset=Body.objects.all(), pk_field=serializers.UUIDField())
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=200, help_text="used only for someone new to the platform")
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), allow_empty=True, default=list
    )
    employment = serializers.ChoiceField(
        choices=Membership.Employment.choices, required=False, help_text="employee when left out"
    )
    undertaking_signed_on = serializers.DateField(required=False)


# --- training, witnessed audits, periodic evaluations ---------------------------------------------------------


class TrainingOutput(serializers.ModelSerializer):
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False, read_only=True)
    standard = CompetenceStandardRef(read_only=True, allow_null=True)

    class Meta:
        model = TrainingEntry
        fields = ["id", "kind", "title", "provider", "completed_on", "hours", "standard", "created_at"]
        read_only_fields = fields


class TrainingInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TrainingEntry.Kind.choices, default=TrainingEntry.Kind.TRAINING)
    title = serializers.CharField(max_length=200)
    provider = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    completed_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False)
    standard = CodeRefField(
        queryset=Standard.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="standard code as in /reference/standards/",
    )


class WitnessedAuditOutput(serializers.ModelSerializer):
    witnessed_by = UserRefSerializer(read_only=True)
    standard = CompetenceStandardRef(read_only=True)
    sector = CompetenceSectorRef(read_only=True)

    class Meta:
        model = WitnessedAudit
        fields = [
            "id",
            "witnessed_by",
            "witnessed_on",
            "standard",
            "sector",
            "engagement_reference",
            "outcome",
            "notes",
            "created_at",
        ]
        read_only_fields = fields


class WitnessedAuditInput(serializers.Serializer):
    witnessed_by = MembershipInBodyField(
        required=False,
        help_text="membership id of the witness in the same body; the caller when left out",
    )
    witnessed_on = serializers.DateField()
    standard = CodeRefField(
        queryset=Standard.objects.all(), help_text="standard code as in /reference/standards/"
    )
    sector = SectorField(help_text='{"scheme", "code"} as in /reference/sectors/')
    outcome = serializers.ChoiceField(choices=WitnessedAudit.Outcome.choices)
    engagement_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_witnessed_by(self, value: Membership) -> Membership:
        if value.body_id != self.context["view"].parent.body_id:  # the person the audit is recorded for
            raise serializers.ValidationError(_("Not a person of this body."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        witness = attrs.get("witnessed_by")  # the service takes the witness's account: the caller by default
        return {
            **attrs,
            "witnessed_by": witness.user if witness is not None else self.context["request"].user,
        }


class EvaluationOutput(serializers.ModelSerializer):
    evaluated_by = UserRefSerializer(read_only=True)

    class Meta:
        model = PeriodicEvaluation
        fields = ["id", "evaluated_by", "evaluated_on", "outcome", "notes", "next_due_on", "created_at"]
        read_only_fields = fields


class EvaluationInput(serializers.Serializer):
    """The caller is the evaluator."""

    evaluated_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=PeriodicEvaluation.Outcome.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    next_due_on = serializers.DateField(required=False, allow_null=True, default=None)
