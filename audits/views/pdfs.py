"""An engagement's audit plan and report as PDFs: the request (a planner or the lead auditor, from the status
each document needs), rendered by the documents engine in the background; and the final report's download for
the client's users in the client view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.portal import is_htmx
from documents.registry import get_kind
from documents.services import document_request
from documents.views import document_file_response

from ..documents import AUDIT_PLAN_PDF, REPORT_PDF, client_final_report
from ..selectors.findings import client_view_engagements
from .engagements import EngagementScopedMixin

#: the URL's word for each document kind
PDF_KINDS = {"plan": AUDIT_PLAN_PDF, "report": REPORT_PDF}


class EngagementPdfView(EngagementScopedMixin, View):
    """POST: ask for the engagement's audit plan or report (htmx: the polling status in place)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        code = PDF_KINDS.get(kwargs["document"])
        if code is None:
            raise Http404
        engagement = self.get_object()
        if not get_kind(code).can_request(request.user, engagement):
            raise PermissionDenied
        document = document_request(kind=code, subject=engagement, body=engagement.body, actor=request.user)  # type: ignore[arg-type]
        if is_htmx(request):
            return render(request, "documents/partials/_status.html", {"document": document})
        messages.success(request, _("The PDF is being prepared."))
        return redirect("audits:engagement-detail", pk=engagement.pk)


class ClientReportView(LoginRequiredMixin, View):
    """GET: the engagement's final report for a user of its client (404 unless the person reads the client, and
    until the engagement is decided or closed and its report is ready)."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        engagement = get_object_or_404(client_view_engagements(request.user), pk=kwargs["pk"])
        document = client_final_report(engagement)
        if document is None:
            raise Http404
        return document_file_response(document)
