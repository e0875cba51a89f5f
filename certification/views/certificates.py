"""Portal pages of certificates: the list (filters: status, standard, expiring within N days), one certificate
with its versions, decisions, programme and proposals (the decisions go through the decision page), one version
as issued, and the CertSearch confidentiality switch (body administrators)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from core.dates import today_in
from core.portal import BodyScopedMixin, FilteredListMixin, PortalMixin, ServiceActionView

from ..forms.certificates import CertificateFilterForm, ConfidentialForm
from ..models import CERTIFYING, Certificate, CertificateStatus, DecisionKind
from ..permissions import can_decide, can_manage_certificates
from ..selectors.certificates import certificate_detail, certificate_filter, certificate_list
from ..services.certificates import certificate_set_confidential
from ..services.programme import restore_deadline

#: the decisions a decision maker may take on a certificate in each status (the decision page checks again)
DECISIONS_BY_STATUS: dict[str, tuple[str, ...]] = {
    CertificateStatus.VALID: (DecisionKind.SUSPEND, DecisionKind.REDUCE_SCOPE, DecisionKind.WITHDRAW),
    CertificateStatus.SCOPE_REDUCED: (DecisionKind.SUSPEND, DecisionKind.REDUCE_SCOPE, DecisionKind.WITHDRAW),
    CertificateStatus.SUSPENDED: (DecisionKind.REINSTATE, DecisionKind.REDUCE_SCOPE, DecisionKind.WITHDRAW),
}


def decision_page_url(**params: Any) -> str | None:
    """The decision page (reviews and decisions), prefilled; None while it is not installed."""
    try:
        base = reverse("certification:decision-create")
    except NoReverseMatch:
        return None
    return f"{base}?{urlencode({k: v for k, v in params.items() if v is not None})}"


class CertificateListView(PortalMixin, FilteredListMixin, ListView):
    """The active body's certificates; every active member reads them."""

    template_name = "certification/certificates/list.html"
    context_object_name = "certificates"
    paginate_by = 50
    filter_class = CertificateFilterForm

    def get_queryset(self) -> QuerySet[Certificate]:
        return self.filtered(certificate_list().for_body(self.body))  # type: ignore[attr-defined]

    def filter_queryset(self, queryset: QuerySet[Any], list_filter: Any) -> QuerySet[Any]:
        data = list_filter.cleaned_data
        return certificate_filter(
            queryset,
            status=data.get("status") or "",
            standard=data.get("standard"),
            expiring_within=data.get("expiring_within"),
            today=today_in(self.body.time_zone),  # type: ignore[union-attr]
        )


class CertificateDetailView(BodyScopedMixin, DetailView):
    """One certificate: its current state, every version, the decisions on it, its programme and proposals."""

    model = Certificate
    template_name = "certification/certificates/detail.html"
    context_object_name = "certificate"

    def scoped_queryset(self) -> QuerySet[Certificate]:
        return certificate_detail()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        certificate: Certificate = self.object
        user = self.request.user
        deciding = can_decide(user, self.body)  # type: ignore[arg-type]
        actions = []
        if deciding:
            for kind in DECISIONS_BY_STATUS.get(certificate.status, ()):
                url = decision_page_url(certificate=certificate.pk, kind=kind)
                if url:
                    actions.append({"label": DecisionKind(kind).label, "url": url})
        context["decision_actions"] = actions
        context["today"] = today_in(self.body.time_zone)  # type: ignore[union-attr]
        context["restore_until"] = (
            restore_deadline(certificate.expires_on)
            if certificate.status == CertificateStatus.EXPIRED
            else None
        )
        context["certifies"] = certificate.status in CERTIFYING
        context["can_manage"] = can_manage_certificates(user, self.body)  # type: ignore[arg-type]
        context["confidential_form"] = ConfidentialForm(initial={"confidential": certificate.confidential})
        return context


class CertificateVersionView(BodyScopedMixin, DetailView):
    """One version of a certificate as it was issued."""

    model = Certificate
    template_name = "certification/certificates/version.html"
    context_object_name = "certificate"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["version"] = get_object_or_404(
            self.object.versions.select_related("decision__decided_by__user"), version=self.kwargs["version"]
        )
        return context


class CertificateConfidentialView(ServiceActionView):
    """A body administrator keeps the certificate out of the IAF CertSearch export, or puts it back."""

    model = Certificate
    form_class = ConfidentialForm
    success_message = _("The certificate's confidentiality is saved.")

    def has_permission(self) -> bool:
        return can_manage_certificates(self.request.user, self.body)  # type: ignore[arg-type]

    def act(self, record: Certificate, form: Any) -> Certificate:
        return certificate_set_confidential(
            certificate=record,
            actor=self.request.user,  # type: ignore[arg-type]
            confidential=form.cleaned_data["confidential"],
        )

    def get_success_url(self, result: Any) -> str:
        return reverse("certification:certificate-detail", args=[result.pk])
