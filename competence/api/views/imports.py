"""Bulk import of people and competence records: upload and preview, then apply. Token scope resource:
`competence`."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from competence.importing import COMPETENCE_IMPORT, competence_import_apply, competence_import_preview
from core.api.access import restrict_to_body_perm
from core.api.renderers import IcrJSONRenderer as CamelCaseJSONRenderer
from core.api.schema import IcrAutoSchema, errors
from core.api.views import TenantViewSet
from imports.models import ImportBatch

from ..filters import ImportBatchFilter
from ..schema import COMPETENCE
from ..serializers import (
    ImportBatchOutput,
    ImportInput,
    ImportPreviewOutput,
)


class ImportRenderer(CamelCaseJSONRenderer):
    """camelCase JSON, except the keys of a row's `errors`: they name the file's columns as written there."""

    json_underscoreize = {**CamelCaseJSONRenderer.json_underscoreize, "ignore_fields": ("errors",)}


@extend_schema_view(
    list=extend_schema(
        summary="List competence imports",
        tags=COMPETENCE,
        description="Imports of the bodies where the caller holds `manage_competence` (registry staff: all).",
        responses={200: ImportBatchOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One competence import",
        tags=COMPETENCE,
        responses={200: ImportBatchOutput, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Upload and preview a people-and-competence file",
        tags=COMPETENCE,
        description="Needs the body's `manage_competence` permission. Stores the file and reports row by row "
        "what applying it would do or why it cannot; writes no people or records. A file with any bad row is "
        "`rejected` (`valid: false`) and cannot be applied. A file over IMPORT_INLINE_MAX_BYTES is read in the "
        "background: it answers `parsing` with no rows yet; poll the import until it is `previewed` or "
        "`rejected`. Columns: email, full_name, employment, roles, "
        "undertaking_signed_on, standard, sector_scheme, sector_code, competence_role, basis, evaluated_by, "
        "evaluated_on, valid_until.",
        request={"multipart/form-data": ImportInput},
        responses={201: ImportPreviewOutput, **errors(400, 401, 403)},
    ),
)
class CompetenceImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = ImportBatch.objects.all()
    serializer_class = ImportBatchOutput
    resource = "competence"
    envelope_key = "competence_imports"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ImportBatchFilter
    renderer_classes = [ImportRenderer]
    schema = IcrAutoSchema()

    def base_queryset(self) -> QuerySet[ImportBatch]:
        return (
            ImportBatch.objects.filter(kind=COMPETENCE_IMPORT)
            .select_related("created_by")
            .order_by("-created_at", "pk")
        )

    def get_queryset(self) -> QuerySet[ImportBatch]:
        # seeing the body is not enough: imports are the competence managers' work
        return restrict_to_body_perm(
            super().get_queryset(), user=self.request.user, codename="manage_competence"
        )

    def create(self, request: Request) -> Response:
        data = ImportInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        preview = competence_import_preview(
            body=data.validated_data["body"], actor=request.user, upload=data.validated_data["file"]
        )
        return Response(ImportPreviewOutput(preview).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Apply a previewed import",
        tags=COMPETENCE,
        description="Re-validates the whole file against the data as it is now and writes every row in one "
        "transaction, or nothing: 409 when the import was already applied or was rejected, 400 when the file no "
        "longer passes.",
        request=None,
        responses={200: ImportPreviewOutput, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, id: str) -> Response:
        batch = self.get_object()
        preview = competence_import_apply(batch=batch, actor=request.user)
        return Response(ImportPreviewOutput(preview).data)
