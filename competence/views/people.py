"""The people of the active body: the list, adding a person, a person's page and details, and what is
recorded about them (competences proposed, training, witnessed audits, evaluations, the record PDF)."""

from __future__ import annotations

from typing import Any

from django.conf.locale import LANG_INFO
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView
from django_countries import countries as countries_registry

from accounts.reauth import RecentAuthRequiredMixin
from bodies.models.tenants import Membership
from bodies.permissions import MANAGE_MEMBERS, can_manage_members
from core.portal import FilteredListMixin, PortalMixin, ServiceFormMixin, is_htmx
from documents.registry import get_kind
from documents.selectors import document_latest_for_subject
from documents.services import document_request

from .. import forms as competence_forms
from ..documents import PERSON_RECORD
from ..models import CompetenceRecord, PeriodicEvaluation, TrainingEntry, WitnessedAudit
from ..people import person_add, person_update
from ..permissions import (
    MANAGE_COMPETENCE,
    can_manage_competence,
    can_view_person_history,
    competence_records_of_body_for,
)
from ..selectors import person_list
from ..services import competence_propose, periodic_evaluation_record, training_add, witnessed_audit_record
from .base import MembershipObjectMixin, SectionMixin, active_people, expiry_warning_days


class PersonListView(SectionMixin, PortalMixin, FilteredListMixin, ListView):
    """The active body's people, with their roles, employment and whether they signed the undertaking; searched
    by name or email (a search the form refuses answers 400 with its message)."""

    template_name = "competence/person_list.html"
    context_object_name = "people"
    paginate_by = 50
    filter_class = competence_forms.PersonSearchForm
    filter_context_name = "search_form"

    def get_queryset(self) -> QuerySet[Membership]:
        return self.filtered(person_list(body=self.body))

    def filter_queryset(self, queryset: QuerySet[Any], list_filter: Any) -> QuerySet[Any]:
        text = list_filter.cleaned_data["q"].strip()
        if text:
            queryset = queryset.filter(Q(user__full_name__icontains=text) | Q(user__email__icontains=text))
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage_members"] = can_manage_members(self.request.user, self.body)
        return context


class PersonAddView(PortalMixin, ServiceFormMixin, FormView):
    required_perm = MANAGE_MEMBERS
    form_class = competence_forms.PersonAddForm
    template_name = "competence/person_add.html"
    service_error_fields = {"user": "email"}

    def perform(self, form: competence_forms.PersonAddForm) -> Membership:
        return person_add(body=self.body, actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, result: Membership) -> str:
        return _("%(name)s is added to the body.") % {"name": result.user}

    def get_success_url(self, result: Any = None) -> str:
        return reverse("competence:person-detail", args=[result.pk])


class PersonDetailView(MembershipObjectMixin, DetailView):
    """One person in the active body: profile, roles, undertaking, competences, training, witnessing, evaluations.

    Only this body's records of the person show, even when they also work for other bodies.
    """

    template_name = "competence/person_detail.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership, body, user = self.object, self.body, self.request.user
        today = timezone.localdate()
        can_view_history = can_view_person_history(user, membership)
        records = (
            CompetenceRecord.objects.for_body(body)
            .filter(membership=membership)
            .select_related("standard", "sector", "evaluated_by")
            .order_by("standard__name", "sector__scheme", "sector__sort_key", "role")
        )
        if not can_view_history:  # the team-facing summary: the colleague's approved competences
            records = records.filter(competence_records_of_body_for(user, body))
        records = list(records)
        for record in records:
            record.days_left = (record.valid_until - today).days  # type: ignore[attr-defined]
        profile = membership.user
        if can_view_history:
            context.update(
                {
                    "training": TrainingEntry.objects.for_body(body)
                    .filter(membership=membership)
                    .select_related("standard"),
                    "witnessed": WitnessedAudit.objects.for_body(body)
                    .filter(membership=membership)
                    .select_related("witnessed_by", "standard", "sector"),
                    "evaluations": PeriodicEvaluation.objects.for_body(body)
                    .filter(membership=membership)
                    .select_related("evaluated_by"),
                }
            )
        context.update(
            {
                "records": records,
                "expiry_warning_days": expiry_warning_days(),
                "can_view_history": can_view_history,
                "languages": [LANG_INFO.get(code, {}).get("name", code) for code in profile.languages or []],
                "countries": [countries_registry.name(code) or code for code in profile.countries or []],
                "can_manage_competence": can_manage_competence(user, body),
                "can_manage_members": can_manage_members(user, body),
                "can_request_pdf": get_kind(PERSON_RECORD).can_request(user, membership),
                "pdf_document": document_latest_for_subject(kind=PERSON_RECORD, subject=membership),
            }
        )
        return context


class PersonEditView(RecentAuthRequiredMixin, MembershipObjectMixin, ServiceFormMixin, FormView):
    """A person's roles and details: changing roles asks for a recent authentication (accounts.reauth)."""

    required_perm = MANAGE_MEMBERS
    form_class = competence_forms.PersonEditForm
    template_name = "competence/person_edit.html"

    def get_initial(self) -> dict[str, Any]:
        return competence_forms.PersonEditForm.initial_for(self.object)

    def perform(self, form: competence_forms.PersonEditForm) -> Membership:
        return person_update(membership=self.object, actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, result: Membership) -> str:
        return _("%(name)s's details are saved.") % {"name": result.user}

    def get_success_url(self, result: Any = None) -> str:
        return reverse("competence:person-detail", args=[self.object.pk])


class PersonFormView(MembershipObjectMixin, ServiceFormMixin, FormView):
    """A form that adds something to one person's record in the active body (manage_competence)."""

    required_perm = MANAGE_COMPETENCE
    template_name = "competence/person_form.html"
    title: Any = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        return context

    def get_success_url(self, result: Any = None) -> str:
        return reverse("competence:person-detail", args=[self.object.pk])


class RecordCreateView(PersonFormView):
    form_class = competence_forms.CompetenceRecordForm
    title = gettext_lazy("Add a competence")
    success_message = gettext_lazy(
        "The competence is proposed. It counts once someone else evaluates and approves it."
    )

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["sectors_url"] = self.request.path
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        """`?standard=` (the htmx request when the standard changes): the sectors of that standard's scheme."""
        return {"standard": self.request.GET.get("standard")} if self.request.GET.get("standard") else {}

    def perform(self, form: competence_forms.CompetenceRecordForm) -> CompetenceRecord:
        return competence_propose(membership=self.object, actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result: Any = None) -> str:
        return reverse("competence:record-detail", args=[result.pk])


class TrainingAddView(PersonFormView):
    form_class = competence_forms.TrainingForm
    title = gettext_lazy("Add training or CPD")
    success_message = gettext_lazy("The training is recorded.")

    def perform(self, form: competence_forms.TrainingForm) -> TrainingEntry:
        return training_add(membership=self.object, actor=self.request.user, **form.cleaned_data)


class WitnessedAuditAddView(PersonFormView):
    form_class = competence_forms.WitnessedAuditForm
    title = gettext_lazy("Record a witnessed audit")
    success_message = gettext_lazy("The witnessed audit is recorded.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["people"] = active_people(self.body)
        return kwargs

    def perform(self, form: competence_forms.WitnessedAuditForm) -> WitnessedAudit:
        return witnessed_audit_record(
            membership=self.object, actor=self.request.user, **form.service_kwargs()
        )


class EvaluationAddView(PersonFormView):
    form_class = competence_forms.EvaluationForm
    title = gettext_lazy("Record a periodic evaluation")
    success_message = gettext_lazy("The evaluation is recorded.")

    def get_initial(self) -> dict[str, Any]:
        return {"evaluated_on": timezone.localdate()}

    def perform(self, form: competence_forms.EvaluationForm) -> PeriodicEvaluation:
        return periodic_evaluation_record(
            membership=self.object, actor=self.request.user, **form.cleaned_data
        )


class PersonPdfView(MembershipObjectMixin, View):
    """POST: render the person's competence record PDF; answers with the polling status (htmx) or redirects."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = self.object
        if not get_kind(PERSON_RECORD).can_request(request.user, membership):
            raise PermissionDenied
        document = document_request(
            kind=PERSON_RECORD, subject=membership, body=membership.body, actor=request.user
        )
        if is_htmx(request):
            return render(request, "documents/partials/_status.html", {"document": document})
        messages.success(request, _("The competence record PDF is being prepared."))
        return redirect("competence:person-detail", pk=membership.pk)
