"""The proposals queue: what the platform proposes (a suspension for a missed surveillance, a withdrawal or scope
reduction for an ageing suspension); a decision maker decides one on the decision page or dismisses it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from core.portal import FilteredListMixin, PortalMixin, ServiceActionView

from ..forms.certificates import ProposalFilterForm, ReasonForm
from ..models import DecisionKind, Proposal, ProposalKind
from ..permissions import can_decide
from ..selectors.certificates import proposal_list
from ..services.proposals import proposal_dismiss
from .certificates import decision_page_url

#: the decision each kind of proposal prefills (a withdrawal or reduction proposal offers both)
PROPOSED_DECISIONS = {
    ProposalKind.SUSPEND: (DecisionKind.SUSPEND,),
    ProposalKind.WITHDRAW_OR_REDUCE: (DecisionKind.WITHDRAW, DecisionKind.REDUCE_SCOPE),
}


class ProposalListView(PortalMixin, FilteredListMixin, ListView):
    """The active body's proposals (open ones by default); every active member reads them, decision makers act."""

    template_name = "certification/proposals/list.html"
    context_object_name = "proposals"
    paginate_by = 50
    filter_class = ProposalFilterForm

    def get_queryset(self) -> QuerySet[Proposal]:
        status = "open" if not self.get_filter().is_bound else ""
        return self.filtered(proposal_list(status=status).for_body(self.body))  # type: ignore[attr-defined]

    def filter_queryset(self, queryset: QuerySet[Any], list_filter: Any) -> QuerySet[Any]:
        status = list_filter.cleaned_data.get("status") or ""
        return queryset.filter(status=status) if status else queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        deciding = can_decide(self.request.user, self.body)  # type: ignore[arg-type]
        context["can_decide"] = deciding
        rows = []
        for proposal in context["proposals"]:
            actions = []
            if deciding and proposal.status == "open":
                for kind in PROPOSED_DECISIONS.get(proposal.kind, ()):
                    url = decision_page_url(
                        certificate=proposal.certificate_id, kind=kind, proposal=proposal.pk
                    )
                    if url:
                        actions.append({"label": DecisionKind(kind).label, "url": url})
            rows.append({"proposal": proposal, "actions": actions})
        context["rows"] = rows
        context["reason_form"] = ReasonForm()
        return context


class ProposalDismissView(ServiceActionView):
    """A decision maker dismisses a proposal, saying why."""

    model = Proposal
    form_class = ReasonForm
    success_message = _("The proposal is dismissed.")

    def has_permission(self) -> bool:
        return can_decide(self.request.user, self.body)  # type: ignore[arg-type]

    def act(self, record: Proposal, form: Any) -> Proposal:
        return proposal_dismiss(
            proposal=record,
            actor=self.request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
        )

    def get_success_url(self, result: Any) -> str:
        return reverse("certification:proposal-list")
