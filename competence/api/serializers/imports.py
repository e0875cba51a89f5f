"""Bulk imports of people and competence records: the upload, the batch, the row-by-row preview."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bodies.models.tenants import Body
from core.api.serializers import UserRefSerializer, VisibleRelatedField
from core.uploads import upload_clean
from imports.models import ImportBatch
from imports.reading import SPREADSHEET_UPLOAD

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
