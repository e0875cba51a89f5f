"""An engagement's audit plan and report as PDFs through the API: `POST /engagements/{id}/plan-pdf/` and
`POST /engagements/{id}/report-pdf/` queue the rendering (a planner or the lead auditor, from the status each
document needs) and answer at once; the document is then read under `/documents/{id}/`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from audits.documents import AUDIT_PLAN_PDF, REPORT_PDF
from audits.models import Engagement
from audits.selectors import engagement_detail
from core.api.schema import errors
from core.api.views import TenantViewSet
from documents.api.serializers import DocumentRequestedOutput
from documents.services import document_request

TAGS = ["engagements"]
WHO = (
    "A planner of the engagement's body (`manage_engagements`) or its lead auditor. Queues the rendering and "
    "answers at once; poll `/documents/{id}/` until it is `ready`."
)


class EngagementPdfViewSet(TenantViewSet):
    queryset = Engagement.objects.all()
    resource = "engagements"
    resource_label = _("Engagements")

    def base_queryset(self) -> QuerySet[Engagement]:
        return engagement_detail()

    def _request(self, request: Request, kind: str) -> Response:
        engagement = self.get_object()
        document = document_request(kind=kind, subject=engagement, body=engagement.body, actor=request.user)  # type: ignore[arg-type]
        return Response(DocumentRequestedOutput(document).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        operation_id="engagements_plan_pdf",
        summary="Request the engagement's audit plan as a PDF",
        tags=TAGS,
        description=f"From `planned` on (never for a cancelled engagement). {WHO}",
        request=None,
        responses={202: DocumentRequestedOutput, **errors(401, 403, 404)},
    )
    def plan_pdf(self, request: Request, id: str) -> Response:
        return self._request(request, AUDIT_PLAN_PDF)

    @extend_schema(
        operation_id="engagements_report_pdf",
        summary="Request the engagement's report as a PDF",
        tags=TAGS,
        description="The audit, validation or verification report with its findings table, conclusions and, "
        f"for a verification, assurance, materiality and disclosure. From `report_drafted` on. {WHO}",
        request=None,
        responses={202: DocumentRequestedOutput, **errors(401, 403, 404)},
    )
    def report_pdf(self, request: Request, id: str) -> Response:
        return self._request(request, REPORT_PDF)
