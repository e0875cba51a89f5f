"""Bulk import of people and competence records: upload and preview, then apply (the imports engine's
viewset, declared for the competence kind). Token scope resource: `competence`."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from competence.importing import COMPETENCE_IMPORT
from core.api.schema import errors
from imports.api import ImportBatchOutput, ImportInput, ImportPreviewOutput, ImportRenderer, ImportViewSet

from ..schema import COMPETENCE

__all__ = ["CompetenceImportViewSet", "ImportRenderer"]


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
    apply=extend_schema(
        summary="Apply a previewed import",
        tags=COMPETENCE,
        description="Re-validates the whole file against the data as it is now and writes every row in one "
        "transaction, or nothing: 409 when the import was already applied or was rejected, 400 when the file no "
        "longer passes.",
        request=None,
        responses={200: ImportPreviewOutput, **errors(400, 401, 403, 404, 409)},
    ),
)
class CompetenceImportViewSet(ImportViewSet):
    # the engine's import viewset for the competence kind (no docstring: it would become the operations' text)
    import_kind = COMPETENCE_IMPORT
    resource = "competence"
    envelope_key = "competence_imports"
