"""Input and output shapes of the documents API (snake_case here; the renderer camelCases the JSON)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.models import Document
from documents.registry import all_kinds
from documents.rendering import verification_url
from documents.services import upload_too_large_message


class DocumentOutput(serializers.ModelSerializer):
    """A document the caller may see. `downloadUrl` is set once it is ready."""

    kind_label = serializers.CharField(read_only=True)
    subject_type = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "body",
            "subject_type",
            "subject_id",
            "status",
            "sha256",
            "size",
            "requested_by",
            "requested_at",
            "rendered_at",
            "superseded_at",
            "attempts",
            "download_url",
            "verify_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_subject_type(self, document: Document) -> str:
        """app_label.model of the record the document is about, e.g. bodies.body."""
        return f"{document.subject_type.app_label}.{document.subject_type.model}"

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, document: Document) -> str | None:
        if document.status != Document.Status.READY:
            return None
        path = reverse("api-v1:document-download", kwargs={"id": document.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(serializers.URLField())
    def get_verify_url(self, document: Document) -> str:
        return verification_url(document.number)


class DocumentRequestInput(serializers.Serializer):
    kind = serializers.CharField(help_text="a registered document kind, e.g. bodies.approval_letter")
    subject_id = serializers.CharField(max_length=64, help_text="id of the record the document is about")

    def validate_kind(self, value: str) -> str:
        if value not in {kind.code for kind in all_kinds()}:
            raise serializers.ValidationError(_("Unknown document kind."))
        return value


class DocumentRequestedOutput(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Document.Status.choices)


class VerifyUploadInput(serializers.Serializer):
    file = serializers.FileField(help_text="the PDF to check (not stored)")


class VerifyLookupInput(serializers.Serializer):
    # "sha_256": the camelCase parser turns the JSON key "sha256" into "sha_256"
    number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    sha_256 = serializers.CharField(required=False, allow_blank=True, max_length=64, help_text="hex SHA-256")


class VerifyInput(serializers.Serializer):
    """One of: a PDF file (multipart), a document number, or a SHA-256."""

    file = serializers.FileField(required=False)
    number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    sha_256 = serializers.CharField(required=False, allow_blank=True, max_length=64)

    def validate_file(self, upload: Any) -> Any:
        if upload is not None and upload.size > settings.UPLOAD_MAX_BYTES:
            raise serializers.ValidationError(upload_too_large_message())
        return upload

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [name for name in ("file", "number", "sha_256") if attrs.get(name)]
        if len(given) != 1:
            raise serializers.ValidationError(
                _("Send a PDF file, or a document number, or a SHA-256 — one of them.")
            )
        return attrs


class VerifiedDocumentOutput(serializers.Serializer):
    """What the public may know about a genuine document."""

    number = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    body_name = serializers.CharField(source="body.legal_name", allow_null=True, default=None)
    rendered_at = serializers.DateTimeField()
    superseded_at = serializers.DateTimeField(allow_null=True)
    sha256 = serializers.CharField()
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, document: Document) -> str | None:
        """Only for kinds the public may download."""
        if not self.context.get("public"):
            return None
        path = reverse("documents:download", kwargs={"pk": document.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class VerificationOutput(serializers.Serializer):
    found = serializers.BooleanField()
    genuine = serializers.BooleanField()
    current = serializers.BooleanField()
    reason = serializers.CharField()
    document = VerifiedDocumentOutput(allow_null=True)
