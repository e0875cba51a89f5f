"""Portal pages of decisions: the decision page (`decisions/new/?engagement=` for an engagement awaiting its
decision, or `?certificate=&kind=&proposal=` for a certificate), a decision's record, the body's decisions and the
engagements waiting for one (decision makers).

The page offers only the kinds that apply (`decision_kinds_for`, `certificate_decision_kinds`), and for an
opinion the quantities per vintage; `decision_record` checks everything again: a decision maker on the team or
the reviewer is refused with 403, a broken precondition is a form error."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from core.errors import TransitionNotAllowed, ValidationError
from core.portal import BodyScopedMixin, PortalMixin, form_add_service_errors
from core.tenancy import get_visible_or_404

from ..forms.decisions import DecisionForm, quantity_formset
from ..models import OPINIONS, Certificate, Decision, Proposal
from ..permissions import can_decide
from ..selectors.decisions import decision_detail, decision_list, decisions_waiting
from ..services.decisions import (
    certificate_decision_kinds,
    decision_kinds_for,
    decision_record,
    separation_failure,
)


class DecisionCreateView(PortalMixin, FormView):
    """Record a decision on an engagement awaiting it, or on a certificate (a decision maker of the body)."""

    template_name = "certification/decisions/form.html"
    form_class = DecisionForm

    def check_object_access(self) -> None:
        params = self.request.GET
        self.engagement = self.certificate = self.proposal = None
        try:
            if params.get("engagement"):
                engagements = apps.get_model("audits", "Engagement").objects.for_body(self.body)
                self.engagement = get_visible_or_404(
                    engagements.granted_to(self.request.user).select_related("client", "reviewer__user"),
                    pk=params["engagement"],
                )
            if params.get("certificate"):
                self.certificate = get_visible_or_404(
                    Certificate.objects.for_body(self.body).select_related("client"), pk=params["certificate"]
                )
            if params.get("proposal"):
                self.proposal = get_visible_or_404(
                    Proposal.objects.for_body(self.body).filter(status="open"), pk=params["proposal"]
                )
        except (ValueError, ValidationError) as exc:
            raise Http404 from exc
        if self.engagement is None and self.certificate is None:
            raise Http404

    def has_permission(self) -> bool:
        return can_decide(self.request.user, self.body)  # type: ignore[arg-type]

    def kinds(self) -> list[str]:
        if self.engagement is not None:
            return decision_kinds_for(self.engagement)
        assert self.certificate is not None
        kinds = certificate_decision_kinds(self.certificate)
        wanted = self.request.GET.get("kind")
        return [wanted] if wanted in kinds else kinds

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["kinds"] = self.kinds()
        if self.engagement is not None:
            kwargs.setdefault("initial", {})["scope"] = self.engagement.scope
        elif self.certificate is not None:
            kwargs.setdefault("initial", {})["scope"] = self.certificate.scope
        return kwargs

    def vintages(self) -> list[int]:
        engagement = self.engagement
        if (
            engagement is None
            or engagement.monitoring_period_start is None
            or engagement.monitoring_period_end is None
        ):
            return []
        return list(range(engagement.monitoring_period_start.year, engagement.monitoring_period_end.year + 1))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            engagement=self.engagement,
            certificate=self.certificate,
            proposal=self.proposal,
            kinds=self.kinds(),
            opinions=sorted(OPINIONS),
            separation=separation_failure(self.request.user, self.engagement)  # type: ignore[arg-type]
            if self.engagement is not None
            else None,
        )
        if "quantities" not in context and self.vintages():
            context["quantities"] = quantity_formset(vintages=self.vintages())
        return context

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        quantities = quantity_formset(request.POST, vintages=self.vintages()) if self.vintages() else None
        if not form.is_valid() or (quantities is not None and not quantities.is_valid()):
            return self.render_to_response(
                self.get_context_data(form=form, quantities=quantities), status=400
            )
        rows = []
        if quantities is not None:
            for row in quantities.cleaned_data:
                if row and (row.get("reductions") is not None or row.get("removals") is not None):
                    rows.append(
                        {
                            "vintage": row["vintage"],
                            "reductions": row.get("reductions") or 0,
                            "removals": row.get("removals") or 0,
                        }
                    )
        data = form.cleaned_data
        try:
            decision = decision_record(
                kind=data["kind"],
                actor=request.user,
                rationale=data["rationale"],
                decided_on=data["decided_on"],
                engagement=self.engagement,
                certificate=self.certificate,
                proposal=self.proposal,
                scope=data["scope"],
                quantities=rows,
            )
        except ValidationError as exc:
            form_add_service_errors(
                form, exc, {"engagement": "kind", "certificate": "kind", "proposal": "kind"}
            )
            if hasattr(exc, "error_dict") and "quantities" in exc.error_dict and quantities is not None:
                quantities._non_form_errors = quantities.error_class(exc.error_dict["quantities"][0].messages)
            return self.render_to_response(
                self.get_context_data(form=form, quantities=quantities), status=400
            )
        except TransitionNotAllowed as exc:
            messages.error(request, exc.message)
            return redirect(request.get_full_path())
        messages.success(
            request, _("Decision recorded: %(decision)s.") % {"decision": decision.get_kind_display()}
        )
        return redirect(reverse("certification:decision-detail", args=[decision.pk]))


class DecisionDetailView(BodyScopedMixin, DetailView):
    """A decision's record: every active member of the body reads it."""

    model = Decision
    template_name = "certification/decisions/detail.html"
    context_object_name = "decision"

    def scoped_queryset(self) -> Any:
        return decision_detail()


class DecisionListView(PortalMixin, ListView):
    template_name = "certification/decisions/list.html"
    context_object_name = "decisions"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return decision_list(body=self.body)


class DecisionWaitingView(PortalMixin, ListView):
    """The engagements awaiting a decision (decision makers), each marked when the person may not decide it."""

    template_name = "certification/decisions/waiting.html"
    context_object_name = "engagements"

    def has_permission(self) -> bool:
        return can_decide(self.request.user, self.body)  # type: ignore[arg-type]

    def get_queryset(self) -> Any:
        return decisions_waiting(body=self.body, user=self.request.user)
