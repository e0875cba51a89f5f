"""GET /api/v1/certsearch/export/?format=xlsx|csv: the body's IAF CertSearch export (a body administrator, or a
body token with the certificates scope, of the body named by `body`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from bodies.models.tenants import Body
from core.api.schema import errors
from core.error_codes import CoreErrorCode
from core.errors import coded
from core.exports import CSV_CONTENT_TYPE
from core.tenancy import visible_body_ids

from ..permissions import can_manage_certificates
from ..services.certsearch import XLSX_CONTENT_TYPE, certsearch_csv, certsearch_xlsx


class CertSearchExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="certsearch_export",
        summary="The body's IAF CertSearch export",
        description="Management-system certificates that are not confidential, in the IAF CertSearch "
        "certification template's columns; `file=csv` for CSV, else .xlsx. Body administrators only.",
        parameters=[
            OpenApiParameter("body", OpenApiTypes.UUID, required=True),
            OpenApiParameter("file", OpenApiTypes.STR, enum=["xlsx", "csv"], required=False),
        ],
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            **errors(400, 401, 403, 404),
        },
        tags=["certification"],
    )
    def get(self, request: Request) -> HttpResponse:
        body_id = request.query_params.get("body", "")
        if not body_id:
            raise DjangoValidationError({"body": coded(_("Name the body (its id)."), CoreErrorCode.REQUIRED)})
        visible = visible_body_ids(request.user)
        try:
            body = Body.objects.get(pk=body_id)
        except (Body.DoesNotExist, ValueError, DjangoValidationError) as exc:
            raise Http404 from exc
        if visible is not None and body.pk not in set(visible):
            raise Http404
        if not can_manage_certificates(request.user, body):  # type: ignore[arg-type]
            raise PermissionDenied
        if request.query_params.get("file") == "csv":
            response = HttpResponse(certsearch_csv(body=body), content_type=CSV_CONTENT_TYPE)
            response["Content-Disposition"] = 'attachment; filename="iaf-certsearch.csv"'
        else:
            response = HttpResponse(certsearch_xlsx(body=body), content_type=XLSX_CONTENT_TYPE)
            response["Content-Disposition"] = 'attachment; filename="iaf-certsearch.xlsx"'
        return response
