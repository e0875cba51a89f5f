"""Portal pages of statements (every active member reads them) and the numbering settings (body
administrators: `manage_certificates`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from core.errors import ValidationError
from core.portal import BodyScopedMixin, PortalMixin, form_add_service_errors

from ..forms.statements import NumberingForm
from ..models import DecisionKind, Numbering, NumberingKind, Statement
from ..permissions import MANAGE_CERTIFICATES
from ..selectors.decisions import statement_detail, statement_list
from ..services.numbering import DEFAULT_PATTERNS, body_code, numbering_set


class StatementListView(PortalMixin, ListView):
    template_name = "certification/statements/list.html"
    context_object_name = "statements"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return statement_list(body=self.body)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for statement in context["statements"]:
            label_opinion(statement)
        return context


def label_opinion(statement: Statement) -> Statement:
    """The opinion's label (the statement stores the opinion decision's kind)."""
    statement.opinion_label = (  # type: ignore[attr-defined]
        DecisionKind(statement.opinion).label
        if statement.opinion in DecisionKind.values
        else statement.opinion
    )
    return statement


class StatementDetailView(BodyScopedMixin, DetailView):
    model = Statement
    template_name = "certification/statements/detail.html"
    context_object_name = "statement"

    def scoped_queryset(self) -> Any:
        return statement_detail()

    def get_object(self, queryset: Any = None) -> Any:
        return label_opinion(super().get_object(queryset))


class NumberingView(PortalMixin, TemplateView):
    """The body's certificate and statement numbering: the pattern of each kind (the default until set), the
    last number used and an example of the next one."""

    template_name = "certification/statements/numbering.html"
    required_perm = MANAGE_CERTIFICATES

    def rows(self, forms: dict[str, NumberingForm] | None = None) -> list[dict[str, Any]]:
        existing = {n.kind: n for n in Numbering.objects.for_body(self.body)}
        year = timezone.localdate().year
        rows = []
        for kind in NumberingKind:
            numbering = existing.get(kind.value)
            pattern = numbering.pattern if numbering else DEFAULT_PATTERNS[kind]
            last = numbering.last_sequence if numbering else 0
            rows.append(
                {
                    "kind": kind,
                    "pattern": pattern,
                    "last_sequence": last,
                    "example": pattern.format(body=body_code(self.body), year=year, seq=last + 1),  # type: ignore[arg-type]
                    "form": (forms or {}).get(kind.value)
                    or NumberingForm(initial={"kind": kind.value, "pattern": pattern}, prefix=kind.value),
                }
            )
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = self.rows(kwargs.get("forms"))
        return context

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = request.POST.get("kind_prefix", "")
        if kind not in NumberingKind.values:
            kind = NumberingKind.CERTIFICATE
        form = NumberingForm(request.POST, prefix=kind)
        if form.is_valid():
            try:
                numbering_set(
                    body=self.body,  # type: ignore[arg-type]
                    kind=form.cleaned_data["kind"],
                    pattern=form.cleaned_data["pattern"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Numbering saved."))
                return redirect(reverse("certification:numbering"))
        return self.render_to_response(self.get_context_data(forms={kind: form}), status=400)
