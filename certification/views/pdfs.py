"""A certificate's (current version), a statement's or a decision's PDF asked for from its portal page: rendered
by the documents engine in the background; the page shows the pending document and then its download link."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from core.portal import PortalMixin, is_htmx
from documents.registry import get_kind
from documents.services import document_request

from ..documents import CERTIFICATE_PDF, DECISION_PDF, STATEMENT_PDF
from ..models import CertificateVersion, Decision, Statement

#: the URL's word → (document kind, subject model)
PDF_KINDS: dict[str, tuple[str, Any]] = {
    "certificate": (CERTIFICATE_PDF, CertificateVersion),
    "statement": (STATEMENT_PDF, Statement),
    "decision": (DECISION_PDF, Decision),
}


class CertificationPdfRequestView(PortalMixin, View):
    """POST: ask for the PDF (the active body's record only: another body's is a 404; 403 for a member who may
    not ask for it)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = PDF_KINDS.get(kwargs["document"])
        if found is None:
            raise Http404
        code, model = found
        subject = model.objects.filter(body=self.body, pk=kwargs["pk"]).first()
        if subject is None:
            raise Http404
        if not get_kind(code).can_request(request.user, subject):
            raise PermissionDenied
        document = document_request(kind=code, subject=subject, body=self.body, actor=request.user)  # type: ignore[arg-type]
        if is_htmx(request):
            return render(request, "documents/partials/_status.html", {"document": document})
        messages.success(request, _("The PDF is being prepared."))
        back = request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(back)
        return redirect("core:dashboard")
