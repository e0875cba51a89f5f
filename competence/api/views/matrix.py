"""The competence matrix of a body, as JSON, CSV or XLSX. Token scope resource: `competence`."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from competence.selectors import MatrixFilters, competence_matrix, matrix_table
from core.api.renderers import IcrJSONRenderer as CamelCaseJSONRenderer
from core.api.schema import errors

from ..schema import COMPETENCE
from ..serializers import (
    MatrixOutput,
    MatrixQuery,
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (names and emails come from users)."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


class MatrixCsvRenderer(BaseRenderer):
    """The matrix table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the accents)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_spreadsheet_safe(cell) for cell in data["header"]])
        writer.writerows([_spreadsheet_safe(cell) for cell in row] for row in data["rows"])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class MatrixXlsxRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Competence matrix")
        sheet.append([_spreadsheet_safe(cell) for cell in data["header"]])
        for row in data["rows"]:
            sheet.append([_spreadsheet_safe(cell) for cell in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


EXPORT_RENDERERS = (MatrixCsvRenderer, MatrixXlsxRenderer)


class CompetenceMatrixView(APIView):
    """People × (standard, sector) of one body; `?format=csv` or `?format=xlsx` downloads it as a table."""

    resource = "competence"
    renderer_classes = [CamelCaseJSONRenderer, *EXPORT_RENDERERS]

    @extend_schema(
        summary="The competence matrix of a body",
        tags=COMPETENCE,
        description="Every active person is a row (only those holding a matching record when records are "
        "filtered); a column is a (standard, sector) someone holds. `body` may be left out by a caller who "
        "belongs to one body only. `format=csv` / `format=xlsx` download the same matrix as an attachment. An "
        "ordinary member sees their own records and their colleagues' approved ones unless the body opened its "
        "people's records to its members (`/bodies/{bodyId}/people-records-policy/`).",
        parameters=[MatrixQuery],
        responses={
            (200, "application/json"): MatrixOutput,
            (200, MatrixCsvRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY, description="CSV"),
            (200, MatrixXlsxRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY, description="XLSX"),
            **{(code, "application/json"): response for code, response in errors(400, 401, 403, 404).items()},
        },
    )
    def get(self, request: Request) -> Response:
        query = MatrixQuery(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        body = params["body"]
        matrix = competence_matrix(
            body=body,
            filters=MatrixFilters(
                standard=params.get("standard"),
                sector=params.get("sector"),
                scheme=params.get("scheme"),
                role=params.get("role"),
                status=params.get("status"),
                person=params.get("person"),
                expiring_within_days=params.get("expiringWithinDays"),
            ),
            viewer=request.user,
        )
        export = request.accepted_renderer.format
        if export in {renderer.format for renderer in EXPORT_RENDERERS}:
            header, rows = matrix_table(matrix)
            filename = f"competence-matrix-{slugify(str(body))}-{matrix.today.isoformat()}.{export}"
            return Response(
                {"header": header, "rows": rows},
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(
            MatrixOutput(
                {"body": body, "today": matrix.today, "columns": matrix.columns, "rows": matrix.rows}
            ).data
        )

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        # an error is JSON, whichever format was asked for
        self.request.accepted_renderer = CamelCaseJSONRenderer()
        self.request.accepted_media_type = CamelCaseJSONRenderer.media_type
        return response
