"""The import engine's API kit: the shapes of an import, and a viewset a capability declares for its kind.

    class CompetenceImportViewSet(ImportViewSet):
        import_kind = COMPETENCE_IMPORT
        resource = "competence"
        envelope_key = "competence_imports"

gives the list and one import (of the kind, in the bodies where the caller holds the kind's permission),
upload-and-preview (POST, multipart) and `apply` (POST `<id>/apply/`). The capability adds its schema text.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bodies.models.tenants import Body
from core.api.access import restrict_to_body_perm
from core.api.renderers import IcrJSONRenderer
from core.api.serializers import UserRefSerializer, VisibleRelatedField
from core.api.views import TenantViewSet
from core.uploads import upload_clean

from .models import ImportBatch
from .reading import SPREADSHEET_UPLOAD
from .registry import get_kind
from .services import import_apply, import_upload

# --- shapes -------------------------------------------------------------------------------------------------


class ImportInput(serializers.Serializer):
    body = VisibleRelatedField(queryset=Body.objects.all(), pk_field=serializers.UUIDField())
    file = serializers.FileField(
        help_text="CSV (UTF-8) or XLSX, judged by content; the upload operation names the columns"
    )

    def validate_file(self, upload: Any) -> Any:
        upload_clean(upload, SPREADSHEET_UPLOAD, field="file")  # the service checks again; this answers early
        return upload


class ImportBatchOutput(serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())  # type: ignore[var-annotated]
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
    errors = serializers.DictField(  # type: ignore[assignment]
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


class ImportBatchFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    status = django_filters.ChoiceFilter(choices=ImportBatch.Status.choices)

    class Meta:
        model = ImportBatch
        fields: list[str] = []


class ImportRenderer(IcrJSONRenderer):
    """camelCase JSON, except the keys of a row's `errors`: they name the file's columns as written there."""

    json_underscoreize = {**IcrJSONRenderer.json_underscoreize, "ignore_fields": ("errors",)}


# --- the viewset a capability declares ----------------------------------------------------------------------


class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    # The imports of one kind (`import_kind`); set `resource` and `envelope_key` as for any tenant viewset.
    # (A comment, not a docstring: drf-spectacular would make a docstring every operation's description.)

    import_kind: str
    queryset = ImportBatch.objects.all()
    serializer_class = ImportBatchOutput
    filter_backends = [DjangoFilterBackend]
    filterset_class = ImportBatchFilter
    renderer_classes = [ImportRenderer]

    def base_queryset(self) -> QuerySet[ImportBatch]:
        return (
            ImportBatch.objects.filter(kind=self.import_kind)
            .select_related("created_by")
            .order_by("-created_at", "pk")
        )

    def get_queryset(self) -> QuerySet[ImportBatch]:
        # seeing the body is not enough: imports are the work of those who hold the kind's permission
        return restrict_to_body_perm(
            super().get_queryset(), user=self.request.user, codename=get_kind(self.import_kind).permission
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ImportInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        preview = import_upload(
            kind=self.import_kind,
            body=data.validated_data["body"],
            actor=request.user,  # type: ignore[arg-type]
            upload=data.validated_data["file"],
        )
        return Response(ImportPreviewOutput(preview).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def apply(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        preview = import_apply(batch=self.get_object(), actor=request.user)  # type: ignore[arg-type]
        return Response(ImportPreviewOutput(preview).data)
