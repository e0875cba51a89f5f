"""The client view of certificates and statements: a client's users read their own client's certificates (list,
one certificate with its sites, dates and public link, the current version's PDF) and the statements of their
engagements. Access is `clients.permissions.client_ids_for_user`, always: everyone else — the body's own people
included, who have the portal — gets 404. Never shown: decisions' rationales, the people, the verification
counts, the CertSearch flag."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from clients.permissions import client_ids_for_user
from clients.selectors import client_view_clients
from documents.views import document_file_response

from ..documents import CERTIFICATE_PDF, STATEMENT_PDF, latest_ready
from ..models import Certificate, CertificateVersion, Statement, StatementQuantity
from ..selectors.public import CERTIFICATE_STATUS_LABELS, certificate_status_today


def client_certificates(user: Any) -> QuerySet[Certificate]:
    """The certificates of the clients this person reads (one subquery)."""
    return Certificate.objects.filter(client_id__in=client_ids_for_user(user)).select_related(
        "body", "client", "standard", "sector"
    )


def client_statements(user: Any) -> QuerySet[Statement]:
    """The statements of the engagements of the clients this person reads."""
    quantities = StatementQuantity.objects.order_by("vintage", "period_start", "id")
    return (
        Statement.objects.filter(engagement__client_id__in=client_ids_for_user(user))
        .select_related("body", "engagement", "engagement__project")
        .prefetch_related(Prefetch("quantities", queryset=quantities))
    )


def _with_status(certificate: Certificate) -> None:
    """The status as of today in the body's time zone, in words."""
    status = certificate_status_today(certificate)
    certificate.status_label = str(CERTIFICATE_STATUS_LABELS.get(status, status))  # type: ignore[attr-defined,call-overload]


class ClientCertificatesView(LoginRequiredMixin, TemplateView):
    """A client's certificates and statements (404 unless the person reads the client)."""

    template_name = "certification/client/certificates.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        client = get_object_or_404(client_view_clients(self.request.user), pk=kwargs["pk"])
        certificates = list(
            client_certificates(self.request.user).filter(client=client).order_by("number", "id")
        )
        for certificate in certificates:
            _with_status(certificate)
        context.update(
            client=client,
            certificates=certificates,
            statements=list(
                client_statements(self.request.user)
                .filter(engagement__client=client)
                .prefetch_related(None)  # the list shows no quantities
                .order_by("-issued_on")
            ),
        )
        return context


class ClientCertificateView(LoginRequiredMixin, TemplateView):
    """One certificate: its facts, sites, versions and the current version's PDF when one is ready."""

    template_name = "certification/client/certificate.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        certificate = get_object_or_404(
            client_certificates(self.request.user).prefetch_related("sites"), pk=kwargs["pk"]
        )
        _with_status(certificate)
        current = CertificateVersion.objects.filter(
            certificate=certificate, version=certificate.version
        ).first()
        context.update(
            certificate=certificate,
            client=certificate.client,
            sites=list(certificate.sites.all()),
            pdf=latest_ready(current, CERTIFICATE_PDF) if current is not None else None,
        )
        return context


class ClientStatementView(LoginRequiredMixin, TemplateView):
    template_name = "certification/client/statement.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        statement = get_object_or_404(client_statements(self.request.user), pk=kwargs["pk"])
        context.update(
            statement=statement,
            client=statement.engagement.client,
            pdf=latest_ready(statement, STATEMENT_PDF),
        )
        return context


class ClientCertificatePdfView(LoginRequiredMixin, View):
    """GET: the current version's latest ready PDF (404 when none is ready or the person does not read the
    client)."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        certificate = get_object_or_404(client_certificates(request.user), pk=kwargs["pk"])
        current = CertificateVersion.objects.filter(
            certificate=certificate, version=certificate.version
        ).first()
        document = latest_ready(current, CERTIFICATE_PDF) if current is not None else None
        if document is None:
            raise Http404
        return document_file_response(document)


class ClientStatementPdfView(LoginRequiredMixin, View):
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        statement = get_object_or_404(client_statements(request.user), pk=kwargs["pk"])
        document = latest_ready(statement, STATEMENT_PDF)
        if document is None:
            raise Http404
        return document_file_response(document)
