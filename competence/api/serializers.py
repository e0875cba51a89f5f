"""Input and output shapes of the people and competence API (snake_case here; the renderer camelCases JSON).

In this API a person is named by their membership id (the `id` of `/people/{id}/`): a person who works for
several bodies has one membership in each, and each body sees only its own. Inputs parse types and formats
only; the services hold the rules.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import append_meta, build_array_type
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bodies.models.tenants import Body, Membership, Role
from competence.models import (
    COMPETENCE_ROLES,
    Basis,
    CompetenceEvidence,
    CompetenceRecord,
    PeriodicEvaluation,
    TrainingEntry,
    WitnessedAudit,
)
from competence.services import EVIDENCE_UPLOAD
from core.api.serializers import BodyRefSerializer, UserRefSerializer, VisibleRelatedField
from core.api.views import request_token
from core.uploads import upload_clean
from imports.models import ImportBatch
from imports.reading import SPREADSHEET_UPLOAD
from reference.models import Sector, Standard

# --- references ---------------------------------------------------------------------------------------------


class CompetenceStandardRef(serializers.ModelSerializer):
    class Meta:
        model = Standard
        fields = ["code", "name"]
        read_only_fields = fields


class CompetenceSectorRef(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "scheme", "code", "name"]
        read_only_fields = fields


class PersonRefOutput(serializers.Serializer):
    """A person of one body, named by their membership id."""

    id = serializers.UUIDField(source="pk", help_text="membership id")
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")


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


class MembershipInBodyField(VisibleRelatedField):
    """A membership id the caller can see; the serializer checks it belongs to the body named beside it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Membership.objects.select_related("user", "body"))
        kwargs.setdefault("pk_field", serializers.UUIDField())
        kwargs.setdefault("help_text", "membership id (as in /people/{id}/)")
        super().__init__(**kwargs)


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
    standard = serializers.PrimaryKeyRelatedField(
        queryset=Standard.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="standard code",
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
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects.all(), help_text="standard code")
    sector = serializers.PrimaryKeyRelatedField(queryset=Sector.objects.all(), help_text="sector id")
    outcome = serializers.ChoiceField(choices=WitnessedAudit.Outcome.choices)
    engagement_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_witnessed_by(self, value: Membership) -> Membership:
        if value.body_id != self.context["membership"].body_id:
            raise serializers.ValidationError(_("Not a person of this body."))
        return value


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


# --- competence records -------------------------------------------------------------------------------------


class CompetenceRecordOutput(serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    person = PersonRefOutput(source="membership", read_only=True)
    standard = CompetenceStandardRef(read_only=True)
    sector = CompetenceSectorRef(read_only=True)
    basis = serializers.ListField(child=serializers.ChoiceField(choices=Basis.choices), read_only=True)
    evaluated_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CompetenceRecord
        fields = [
            "id",
            "body",
            "person",
            "standard",
            "sector",
            "role",
            "basis",
            "notes",
            "evaluated_by",
            "evaluated_on",
            "valid_until",
            "status",
            "status_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CompetenceRecordCreateInput(serializers.Serializer):
    """A proposed competence; it counts once someone other than the person approves it."""

    person = MembershipInBodyField()
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects.all(), help_text="standard code")
    sector = serializers.PrimaryKeyRelatedField(queryset=Sector.objects.all(), help_text="sector id")
    role = serializers.ChoiceField(choices=COMPETENCE_ROLES)
    basis = serializers.ListField(child=serializers.ChoiceField(choices=Basis.choices))
    valid_until = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class CompetenceApproveInput(serializers.Serializer):
    evaluated_on = serializers.DateField()
    valid_until = serializers.DateField(required=False, help_text="the proposed date when left out")


class CompetenceRenewInput(serializers.Serializer):
    evaluated_on = serializers.DateField()
    valid_until = serializers.DateField()
    basis = serializers.ListField(
        child=serializers.ChoiceField(choices=Basis.choices), required=False, help_text="replaces the basis"
    )


class CompetenceSuspendInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="required; recorded")


class EvidenceOutput(serializers.ModelSerializer):
    filename = serializers.SerializerMethodField()
    uploaded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = CompetenceEvidence
        fields = ["id", "description", "filename", "sha256", "uploaded_by", "uploaded_at"]
        read_only_fields = fields

    def get_filename(self, evidence: CompetenceEvidence) -> str:
        return evidence.file.name.rsplit("/", 1)[-1]


class EvidenceInput(serializers.Serializer):
    file = serializers.FileField(
        help_text="PDF, PNG or JPEG, judged by content; stored as <name>.<detected extension>"
    )
    description = serializers.CharField(allow_blank=True)

    def validate_file(self, upload: Any) -> Any:
        upload_clean(upload, EVIDENCE_UPLOAD, field="file")  # the service checks again; this answers early
        return upload


# --- matrix -------------------------------------------------------------------------------------------------


class MatrixQuery(serializers.Serializer):
    """`body` may be left out by a caller who belongs to one body only."""

    body = VisibleRelatedField(
        queryset=Body.objects.all(), pk_field=serializers.UUIDField(), required=False, help_text="body id"
    )
    standard = serializers.CharField(required=False, help_text="standard code")
    sector = serializers.IntegerField(required=False, help_text="sector id")
    scheme = serializers.ChoiceField(choices=Sector.Scheme.choices, required=False)
    role = serializers.ChoiceField(choices=COMPETENCE_ROLES, required=False)
    status = serializers.ChoiceField(choices=CompetenceRecord.Status.choices, required=False)
    person = serializers.CharField(required=False, help_text="part of a name or email")
    expiringWithinDays = serializers.IntegerField(  # a query parameter: camelCase, like the JSON
        required=False, min_value=0, help_text="approved competences that end within this many days"
    )

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


# --- competence checks --------------------------------------------------------------------------------------


class CheckScopeInput(serializers.Serializer):
    body = VisibleRelatedField(queryset=Body.objects.all(), pk_field=serializers.UUIDField())
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects.all(), help_text="standard code")
    sector = serializers.PrimaryKeyRelatedField(queryset=Sector.objects.all(), help_text="sector id")
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


# --- imports ------------------------------------------------------------------------------------------------


class ImportInput(serializers.Serializer):
    body = VisibleRelatedField(queryset=Body.objects.all(), pk_field=serializers.UUIDField())
    file = serializers.FileField(
        help_text="CSV (UTF-8) or XLSX, judged by content; see competence.importing for the columns"
    )

    def validate_file(self, upload: Any) -> Any:
        upload_clean(upload, SPREADSHEET_UPLOAD, field="file")  # the service checks again; this answers early
        return upload


class ImportBatchOutput(serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    created_by = UserRefSerializer(read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "body",
            "filename",
            "sha256",
            "status",
            "row_count",
            "error_count",
            "created_by",
            "created_at",
            "applied_at",
        ]
        read_only_fields = fields


class ImportRowOutput(serializers.Serializer):
    line = serializers.IntegerField(help_text="line in the file (the header is line 1)")
    errors = serializers.DictField(
        child=serializers.CharField(),
        help_text="column name (as in the file) → message; empty when the row is fine",
    )


class ImportPreviewOutput(serializers.Serializer):
    """What applying the file does, or why it cannot: `valid` only when every row is."""

    id = serializers.UUIDField(source="batch.id")
    body = serializers.UUIDField(source="batch.body_id")
    filename = serializers.CharField(source="batch.filename")
    status = serializers.ChoiceField(source="batch.status", choices=ImportBatch.Status.choices)
    valid = serializers.BooleanField()
    row_count = serializers.IntegerField(source="batch.row_count")
    error_count = serializers.IntegerField()
    file_errors = serializers.ListField(child=serializers.CharField())
    rows = ImportRowOutput(many=True)
