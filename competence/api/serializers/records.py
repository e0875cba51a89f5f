"""Competence records, their transitions' inputs, and their evidence."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from competence.models import (
    COMPETENCE_ROLES,
    Basis,
    CompetenceEvidence,
    CompetenceRecord,
)
from competence.services import EVIDENCE_UPLOAD, RECORD_FIELDS
from core.api.serializers import CodeRefField, SectorField, UserRefSerializer
from core.uploads import upload_clean
from reference.models import Standard

from .refs import CompetenceSectorRef, CompetenceStandardRef, MembershipInBodyField, PersonRefOutput

# --- competence records -------------------------------------------------------------------------------------


class CompetenceRecordOutput(serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    person = PersonRefOutput(source="membership", read_only=True)
    standard = CompetenceStandardRef(read_only=True)
    sector = CompetenceSectorRef(read_only=True)
    basis = serializers.ListField(child=serializers.ChoiceField(choices=Basis.choices), read_only=True)
    evaluated_by = UserRefSerializer(read_only=True, allow_null=True)
    details_hidden = serializers.SerializerMethodField(
        help_text="true when the body keeps this colleague's record confidential from the caller: basis, notes, "
        "evaluator, evaluation date and status reason are left out (empty)"
    )

    class Meta:
        model = CompetenceRecord
        fields = [
            "id",
            "body",
            "person",
            *RECORD_FIELDS,
            "status_reason",
            "details_hidden",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    #: what the team-facing summary leaves out of a colleague's record, with the value shown instead
    CONFIDENTIAL: dict[str, Any] = {
        "basis": [],
        "notes": "",
        "evaluated_by": None,
        "evaluated_on": None,
        "status_reason": "",
    }

    def get_details_hidden(self, record: CompetenceRecord) -> bool:
        """Read in full by the person, and in the bodies of `full_record_bodies` (context; absent: every body)."""
        bodies = self.context.get("full_record_bodies")
        if bodies is None:
            return False
        request = self.context.get("request")
        own = request is not None and record.person_id == getattr(request.user, "pk", None)
        return not own and record.body_id not in bodies

    def to_representation(self, instance: CompetenceRecord) -> dict[str, Any]:
        data = super().to_representation(instance)
        if data["details_hidden"]:
            data.update(self.CONFIDENTIAL)
        return data


class CompetenceRecordCreateInput(serializers.Serializer):
    """A proposed competence; it counts once someone other than the person approves it."""

    person = MembershipInBodyField()
    standard = CodeRefField(
        queryset=Standard.objects.all(), help_text="standard code as in /reference/standards/"
    )
    sector = SectorField(help_text='{"scheme", "code"} as in /reference/sectors/')
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
        source="upload",  # the service's argument
        help_text="PDF, PNG or JPEG, judged by content; stored as <name>.<detected extension>",
    )
    description = serializers.CharField(allow_blank=True)

    def validate_file(self, upload: Any) -> Any:
        upload_clean(upload, EVIDENCE_UPLOAD, field="file")  # the service checks again; this answers early
        return upload
