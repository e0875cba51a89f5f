"""The IAF CertSearch page for the body's administrators (`manage_certificates`): how many certificates the
export holds, the download as .xlsx or CSV, the upload when the platform has it configured, and the last
upload's outcome."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from core.exports import CSV_CONTENT_TYPE
from core.portal import PortalMixin

from ..permissions import MANAGE_CERTIFICATES
from ..services.certsearch import (
    CERTSEARCH_COLUMNS,
    XLSX_CONTENT_TYPE,
    certsearch_certificates,
    certsearch_csv,
    certsearch_enabled,
    certsearch_exported,
    certsearch_last_upload,
    certsearch_upload,
    certsearch_xlsx,
)


class CertSearchView(PortalMixin, TemplateView):
    template_name = "certification/certsearch/certsearch.html"
    required_perm = MANAGE_CERTIFICATES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            count=certsearch_certificates(self.body).count(),
            columns=CERTSEARCH_COLUMNS,
            enabled=certsearch_enabled(),
            last_upload=certsearch_last_upload(body=self.body),
        )
        return context


class CertSearchExportView(PortalMixin, View):
    """GET: the export file (`xlsx` or `csv`); downloading it moves the monthly reminder on."""

    required_perm = MANAGE_CERTIFICATES
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = kwargs["fmt"]
        if fmt == "xlsx":
            response = HttpResponse(certsearch_xlsx(body=self.body), content_type=XLSX_CONTENT_TYPE)
        elif fmt == "csv":
            response = HttpResponse(certsearch_csv(body=self.body), content_type=CSV_CONTENT_TYPE)
        else:
            raise Http404
        certsearch_exported(body=self.body, actor=request.user)  # type: ignore[arg-type]
        response["Content-Disposition"] = f'attachment; filename="iaf-certsearch.{fmt}"'
        response["Cache-Control"] = "private, no-cache"
        return response


class CertSearchUploadView(PortalMixin, View):
    """POST: send the export to IAF CertSearch now."""

    required_perm = MANAGE_CERTIFICATES
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            upload = certsearch_upload(body=self.body, actor=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if upload.status == upload.Status.SENT:
                messages.success(request, upload.get_status_display())
            else:
                messages.error(request, f"{upload.get_status_display()}: {upload.message[:200]}")
        return redirect("certification:certsearch")
