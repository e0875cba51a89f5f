"""The body's decision on what its members see of their colleagues' records (its administrators decide)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.portal import PortalMixin, ServiceFormMixin

from .. import forms as competence_forms
from ..confidentiality import people_records_policy_get, people_records_policy_set
from ..models import PeopleRecordsPolicy
from ..permissions import can_change_people_records_policy
from .base import SectionMixin


class PeopleRecordsPolicyView(SectionMixin, PortalMixin, ServiceFormMixin, FormView):
    """The body's administrators (and registry staff) read and change it; `PeopleRecordsPolicy` says what it means."""

    form_class = competence_forms.PeopleRecordsPolicyForm
    template_name = "competence/people_records_policy.html"
    success_message = gettext_lazy("The confidentiality of people's records is saved.")

    def has_permission(self) -> bool:
        return self.body is not None and can_change_people_records_policy(self.request.user, self.body)

    def get_policy(self) -> PeopleRecordsPolicy:
        if not hasattr(self, "_policy"):
            self._policy = people_records_policy_get(body=self.body)
        return self._policy

    def get_initial(self) -> dict[str, Any]:
        return {"colleague_records": self.get_policy().colleague_records}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["policy"] = self.get_policy()
        return context

    def perform(self, form: competence_forms.PeopleRecordsPolicyForm) -> PeopleRecordsPolicy:
        return people_records_policy_set(
            body=self.body, actor=self.request.user, colleague_records=form.cleaned_data["colleague_records"]
        )

    def get_success_url(self, result: Any = None) -> str:
        return reverse("competence:records-policy")
