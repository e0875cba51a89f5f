"""The programme page: every programme date of the body's certificates, due and overdue, filtered; a planner
creates the engagement that covers a date."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView

from audits.permissions import can_manage_engagements
from core.dates import today_in
from core.portal import BodyScopedMixin, FilteredListMixin, PortalMixin, ServiceFormMixin

from ..forms.certificates import ProgrammeEngagementForm, ProgrammeFilterForm
from ..models import DueStatus, ProgrammeDue
from ..selectors.certificates import programme_due_filter, programme_due_list
from ..services.programme import programme_engagement_create


class ProgrammeListView(PortalMixin, FilteredListMixin, ListView):
    """The programme dates of the active body's certificates (every active member reads them); by default the
    ones still open."""

    template_name = "certification/programme/list.html"
    context_object_name = "dues"
    paginate_by = 50
    filter_class = ProgrammeFilterForm

    def get_queryset(self) -> QuerySet[ProgrammeDue]:
        queryset = programme_due_list().for_body(self.body)  # type: ignore[attr-defined]
        if not self.get_filter().is_bound:
            queryset = queryset.filter(status__in=[DueStatus.DUE, DueStatus.PLANNED])
        return self.filtered(queryset)

    def filter_queryset(self, queryset: QuerySet[Any], list_filter: Any) -> QuerySet[Any]:
        data = list_filter.cleaned_data
        return programme_due_filter(
            queryset,
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            due_within=data.get("due_within"),
            today=self.today,
        )

    @property
    def today(self) -> Any:
        return today_in(self.body.time_zone)  # type: ignore[union-attr]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["today"] = self.today
        context["can_plan"] = can_manage_engagements(self.request.user, self.body)  # type: ignore[arg-type]
        return context


class ProgrammeEngagementCreateView(BodyScopedMixin, ServiceFormMixin, FormView):
    """A planner creates the surveillance or recertification engagement for a programme date."""

    model = ProgrammeDue
    form_class = ProgrammeEngagementForm
    template_name = "certification/programme/engagement_form.html"

    def scoped_queryset(self) -> QuerySet[ProgrammeDue]:
        return programme_due_list()

    def has_permission(self) -> bool:
        return can_manage_engagements(self.request.user, self.body)  # type: ignore[arg-type]

    def get_initial(self) -> dict[str, Any]:
        due = self.get_object()
        start = max(due.window_from, today_in(self.body.time_zone))  # type: ignore[union-attr]
        return {"planned_start": start, "planned_end": start}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["due"] = self.get_object()
        return context

    def perform(self, form: Any) -> Any:
        return programme_engagement_create(
            due=self.get_object(),
            actor=self.request.user,  # type: ignore[arg-type]
            fields={
                "planned_start": form.cleaned_data["planned_start"],
                "planned_end": form.cleaned_data["planned_end"],
            },
        )

    def get_success_message(self, result: Any) -> str:
        return str(
            _("Engagement %(reference)s created for the programme date.") % {"reference": result.reference}
        )

    def get_success_url(self, result: Any = None) -> str:
        return reverse("audits:engagement-detail", args=[result.pk])

    def get_refused_url(self) -> str:
        return reverse("certification:programme")
