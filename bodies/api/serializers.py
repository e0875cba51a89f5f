"""Input and output shapes of the bodies API. Inputs parse types and formats only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from bodies.models import Accreditation, Body, BodyStatusChange, Membership, Role
from bodies.services import ACCREDITATION_DECISIONS, BODY_DECISIONS, BODY_SNAPSHOT_FIELDS, CERTIFICATE_UPLOAD
from bodies.services.uploads import LOGO_UPLOAD
from core.api.m2m import M2MCodeRefsField, M2MSectorRefsField
from core.api.serializers import (
    CodeRefListField,
    CodeRefSerializer,
    SectorListField,
    SectorParamField,
    SectorRefSerializer,
    ServiceFieldsInput,
    UserRefSerializer,
    VisibleRelatedField,
)
from core.uploads import upload_clean
from reference.models import AccreditationBody, Activity, Sector, Standard

# --- bodies -------------------------------------------------------------------------------------------------


class BodyOutput(serializers.ModelSerializer):
    """A body as its people and registry staff see it. `activities` are named by `code` as in
    /reference/activities/, `sectors` by `scheme` and `code` as in /reference/sectors/."""

    country = CountryField(read_only=True)
    logo = serializers.ImageField(read_only=True, allow_null=True)
    # a URL, or "" when the body has none (the `uri` format of a URLField would refuse "")
    website = serializers.CharField(read_only=True, help_text="the body's website (a URL), or empty")
    activities = M2MCodeRefsField(model=Activity)
    sectors = M2MSectorRefsField()

    class Meta:
        model = Body
        fields = [
            "id",
            *BODY_SNAPSHOT_FIELDS,
            "status_reason",
            "status_changed_at",
            "applied_at",
            "approved_at",
            "updated_at",
        ]
        read_only_fields = fields


class BodyInput(ServiceFieldsInput):
    """The profile a body keeps (apply: all required fields; PATCH: any subset). Lengths, time zone and
    the rest of the model's rules are checked by the service."""

    own_arguments = ("activities", "sectors")

    legal_name = serializers.CharField()
    short_name = serializers.CharField(required=False, allow_blank=True)
    country = CountryField()
    kind = serializers.ChoiceField(choices=Body.Kind.choices)
    registration_number = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    contact_name = serializers.CharField()
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(required=False, allow_blank=True)
    time_zone = serializers.CharField(required=False, help_text="IANA time zone, e.g. Atlantic/Reykjavik")
    logo = serializers.FileField(
        required=False,
        allow_null=True,
        help_text="PNG or JPEG (multipart); checked by content, size and pixels; stored as <name>.png or "
        "<name>.jpg whatever it was called; null clears",
    )
    activities = CodeRefListField(
        queryset=Activity.objects.all(),
        required=False,
        help_text="activity codes as in /reference/activities/",
    )
    sectors = SectorListField(
        required=False, help_text='[{"scheme", "code"}] as in /reference/sectors/ (multipart: scheme:code)'
    )

    def validate_logo(self, logo: Any) -> Any:
        if logo is not None:
            upload_clean(logo, LOGO_UPLOAD, field="logo")  # the service checks again; this answers early
        return logo

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        arguments = super().validate(attrs)
        if self.partial and "logo" in arguments["fields"] and arguments["fields"]["logo"] is None:
            arguments["fields"]["logo"] = ""  # null clears the logo
        return arguments


class BodyDecisionInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(BODY_DECISIONS))
    reason = serializers.CharField(allow_blank=True, help_text="required by the registry; recorded")


class BodyAgreementInput(serializers.Serializer):
    reference = serializers.CharField(allow_blank=True)
    signed_on = serializers.DateField()


class BodyStatusChangeOutput(serializers.ModelSerializer):
    decided_by = UserRefSerializer(read_only=True)

    class Meta:
        model = BodyStatusChange
        fields = ["id", "from_status", "to_status", "reason", "decided_by", "decided_at"]
        read_only_fields = fields


class MemberUserOutput(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class MembershipOutput(serializers.ModelSerializer):
    user = MemberUserOutput(read_only=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "roles", "status", "employment", "undertaking_signed_on", "created_at"]
        read_only_fields = fields


# --- accreditations -----------------------------------------------------------------------------------------


class AccreditationOutput(serializers.ModelSerializer):
    """`accreditationBody` is the id of the registry's accreditation body (`/reference/accreditation-bodies/`);
    `scopeActivities`/`scopeStandards` are named by `code` (as in /reference/activities/ and /reference/standards/),
    `scopeSectors` by `scheme` and `code`. `verification` is the registry's check: only a `verified`, `active`
    accreditation counts."""

    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    accreditation_body = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="id of the accreditation body in the registry's list"
    )
    iaf_mla = serializers.SerializerMethodField(
        help_text="the accreditation body is an IAF MLA signatory for the standard today (the registry's list)"
    )
    certificate = serializers.SerializerMethodField(help_text="the certificate's download URL (PDF), or null")
    scope_activities = CodeRefSerializer(many=True, read_only=True)
    scope_standards = CodeRefSerializer(many=True, read_only=True)
    scope_sectors = SectorRefSerializer(many=True, read_only=True)

    class Meta:
        model = Accreditation
        fields = [
            "id",
            "body",
            "accreditation_body",
            "iaf_mla",
            "standard",
            "programme_name",
            "certificate_number",
            "certificate",
            "scope_activities",
            "scope_standards",
            "scope_sectors",
            "valid_from",
            "valid_to",
            "last_onsite_assessment",
            "status",
            "status_reason",
            "verification",
            "verification_reason",
            "verified_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_iaf_mla(self, accreditation: Accreditation) -> bool:
        return accreditation.iaf_mla_today

    def get_certificate(self, accreditation: Accreditation) -> str | None:
        if not accreditation.certificate:
            return None
        path = reverse("api-v1:accreditation-certificate", args=[accreditation.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class AccreditationUpdateInput(ServiceFieldsInput):
    """Multipart to attach the certificate (`certificate`, a PDF checked by its content and size); JSON for
    the rest. A change sends a verified or refused accreditation back to the registry's verification."""

    own_arguments = ("scope_activities", "scope_standards", "scope_sectors")

    accreditation_body = serializers.PrimaryKeyRelatedField(
        queryset=AccreditationBody.objects.all(), help_text="id from /reference/accreditation-bodies/"
    )
    certificate = serializers.FileField(
        required=False, help_text="the accreditation certificate (PDF, multipart); required to record one"
    )
    standard = serializers.ChoiceField(choices=Accreditation.Standard.choices)
    programme_name = serializers.CharField(required=False, allow_blank=True)
    certificate_number = serializers.CharField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(help_text="last day of validity; the cycle is at most five years")
    last_onsite_assessment = serializers.DateField(required=False, allow_null=True)
    scope_activities = CodeRefListField(
        queryset=Activity.objects.all(), help_text="activity codes as in /reference/activities/"
    )
    scope_standards = CodeRefListField(
        queryset=Standard.objects.all(), help_text="standard codes as in /reference/standards/"
    )
    scope_sectors = SectorListField(
        help_text='[{"scheme", "code"}] as in /reference/sectors/ (multipart: scheme:code)'
    )

    def validate_certificate(self, certificate: Any) -> Any:
        upload_clean(certificate, CERTIFICATE_UPLOAD, field="certificate")  # the service checks again
        return certificate


class AccreditationCreateInput(AccreditationUpdateInput):
    own_arguments = ("body", *AccreditationUpdateInput.own_arguments)

    body = VisibleRelatedField(queryset=Body.objects.all(), pk_field=serializers.UUIDField())


class AccreditationStatusInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(ACCREDITATION_DECISIONS))
    reason = serializers.CharField(allow_blank=True)


class AccreditationVerifyInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="optional note")


class AccreditationRefuseInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="required; the body reads it")


# --- eligibility --------------------------------------------------------------------------------------------


class EligibilityQuery(serializers.Serializer):
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all(), help_text="activity code")
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects.all(), help_text="standard code")
    sector = SectorParamField()
    start = serializers.DateField(help_text="first planned day")
    end = serializers.DateField(help_text="last planned day")


class EligibilityReasonOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    accreditation = serializers.UUIDField(
        source="accreditation_id", allow_null=True, help_text="the accreditation it is about (null: the body)"
    )


class EligibilityAccreditationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    certificate_number = serializers.CharField()


class EligibilityOutput(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = EligibilityReasonOutput(many=True)
    accreditation = EligibilityAccreditationOutput(
        allow_null=True, help_text="the accreditation that covers it"
    )


# --- public directory ---------------------------------------------------------------------------------------


class DirectorySectorOutput(serializers.ModelSerializer):
    """A sector named by `scheme` and `code`, as in /reference/sectors/ (`SectorRefSerializer`)."""

    class Meta:
        model = Sector
        fields = ["scheme", "code", "name", "version"]
        read_only_fields = fields


class DirectoryAccreditationOutput(serializers.ModelSerializer):
    """A verified, active accreditation; `accreditationBody` is the accreditation body's name; activities and
    standards named by `code`, sectors by `scheme` and `code`, as the reference endpoints show them."""

    accreditation_body = serializers.StringRelatedField()
    iaf_mla = serializers.BooleanField(source="iaf_mla_today", read_only=True)
    scope_activities = CodeRefSerializer(many=True, read_only=True)
    scope_standards = CodeRefSerializer(many=True, read_only=True)
    scope_sectors = DirectorySectorOutput(many=True, read_only=True)

    class Meta:
        model = Accreditation
        fields = [
            "id",
            "standard",
            "programme_name",
            "accreditation_body",
            "iaf_mla",
            "certificate_number",
            "valid_from",
            "valid_to",
            "scope_activities",
            "scope_standards",
            "scope_sectors",
        ]
        read_only_fields = fields


class DirectoryBodyOutput(serializers.ModelSerializer):
    """What the public may know of an approved (or suspended) body and its active accreditations."""

    country = CountryField(read_only=True)
    # a URL, or "" when the body has none (the `uri` format of a URLField would refuse "")
    website = serializers.CharField(read_only=True, help_text="the body's website (a URL), or empty")
    activities = CodeRefSerializer(many=True, read_only=True)
    accreditations = DirectoryAccreditationOutput(source="active_accreditations", many=True, read_only=True)

    class Meta:
        model = Body
        fields = [
            "id",
            "legal_name",
            "short_name",
            "country",
            "kind",
            "status",
            "website",
            "activities",
            "accreditations",
        ]
        read_only_fields = fields
