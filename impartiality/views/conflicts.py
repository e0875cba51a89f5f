"""Portal pages of the conflict service: the conflict check ("can this person work for this client or project on
these dates, and if not why"), the overrides (recorded and listed), and the body's impartiality policy.

Who: planners (holders of `review_declarations` or `manage_impartiality`) check anyone of the body and read
every override; an active member checks themselves and reads their own overrides. Relationship details are
shown only to those who may read the declaration behind them (`can_read_declaration`); others read "a declared
relationship". Only the role the body's policy names overrides (`can_override_conflicts`); the body's
administrators choose that role.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from bodies.models.tenants import Membership
from clients.selectors import client_list, project_list
from core.errors import ValidationError
from core.portal import HtmxPartialMixin, PortalMixin, ServiceFormMixin, form_add_service_errors

from ..forms.conflicts import ConflictCheckForm, ConflictOverrideForm, ImpartialityPolicyForm
from ..models import ImpartialityPolicy
from ..permissions import (
    can_change_impartiality_policy,
    can_override_conflicts,
    can_plan_conflicts,
    can_read_declaration,
    can_review_declarations,
)
from ..selectors.conflicts import conflict_overrides_readable
from ..services.conflicts import (
    Conflict,
    ConflictReport,
    conflict_check,
    conflict_override,
    impartiality_policy_get,
    impartiality_policy_set,
)

#: the check's question, as the check page's query string and the override form's hidden fields
QUESTION_FIELDS = ("person", "client", "project", "starts_on", "ends_on")


class ConflictNavMixin:
    """The tabs of the conflict pages: the check, the overrides, the policy (its administrators only)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        user = self.request.user  # type: ignore[attr-defined]
        body = self.body  # type: ignore[attr-defined]
        context["can_change_policy_nav"] = can_change_impartiality_policy(user, body)
        context["can_plan_conflicts"] = can_plan_conflicts(user, body)
        return context


def _people(body: Any, user: Any) -> QuerySet[Membership]:
    """The people one may check: everyone active in the body for a planner, else only oneself."""
    people = (
        Membership.objects.active().filter(body_id=body.pk).select_related("user").order_by("user__full_name")
    )
    if can_plan_conflicts(user, body):
        return people
    return people.filter(user_id=user.pk)


def _question_forms_kwargs(body: Any, user: Any) -> dict[str, Any]:
    return {
        "people": _people(body, user),
        "clients": client_list().prefetch_related(None).filter(body_id=body.pk),
        "projects": project_list().filter(body_id=body.pk),
    }


def conflict_rows(user: Any, body: Any, report: ConflictReport) -> list[dict[str, Any]]:
    """Each conflict as the page shows it: the details only for those who may read the declaration behind it.
    Whether the viewer reviews the body's declarations is asked once, so the rows cost no query."""
    reviewer = can_review_declarations(user, body)
    rows = []
    for conflict in report.conflicts:
        readable = (
            conflict.declaration is None or reviewer or can_read_declaration(user, conflict.declaration)
        )
        rows.append(
            {
                "conflict": conflict,
                "details": readable,
                "text": conflict.message if readable else conflict.summary,
            }
        )
    return rows


class ConflictCheckView(ConflictNavMixin, PortalMixin, HtmxPartialMixin, TemplateView):
    """The check, asked by GET (it changes nothing; the answer's address can be shared) and answered in place."""

    template_name = "impartiality/conflicts/check.html"
    partial_template_name = "impartiality/conflicts/partials/_check_result.html"

    def has_permission(self) -> bool:
        return True  # every active member (themselves); planners anyone of the body (`_people`)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user, body = self.request.user, self.body
        bound = any(name in self.request.GET for name in QUESTION_FIELDS)
        form = ConflictCheckForm(
            self.request.GET if bound else None,
            initial={} if bound else {"person": getattr(self.membership, "pk", None)},
            **_question_forms_kwargs(body, user),
        )
        report: ConflictReport | None = None
        if bound and form.is_valid():
            try:
                report = conflict_check(**form.service_kwargs())
            except ValidationError as exc:
                form_add_service_errors(form, exc, {"membership": "person"})
        context.update({"form": form, "report": report})
        if report is not None:
            may_override = can_override_conflicts(user, body) and report.membership.user_id != user.pk
            overridable = [c for c in report.conflicts if not c.absolute and not c.overridden]
            context.update(
                {
                    "rows": conflict_rows(user, body, report),
                    "override_form": self._override_form(report, overridable)
                    if may_override and overridable
                    else None,
                    "question": self.request.GET.urlencode(),
                }
            )
        return context

    def _override_form(self, report: ConflictReport, overridable: list[Conflict]) -> ConflictOverrideForm:
        form = ConflictOverrideForm(
            initial={
                "person": report.membership.pk,
                "client": getattr(report.client, "pk", None),
                "project": getattr(report.project, "pk", None),
                "starts_on": report.starts_on,
                "ends_on": report.ends_on,
            },
            people=Membership.objects.none(),
            clients=client_list().none(),
            projects=project_list().none(),
        )
        rules = list(dict.fromkeys(c.rule for c in overridable))
        field = form.fields["rule"]
        field.choices = [(value, label) for value, label in field.choices if value in rules]  # type: ignore[attr-defined]
        for name in QUESTION_FIELDS:
            form.fields[name].widget = form.fields[name].hidden_widget()
        return form

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        form = context["form"]
        if form.is_bound and form.errors:
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class ConflictOverrideCreateView(PortalMixin, ServiceFormMixin, FormView):
    """Overrides one conflict of the check (POST from the check page); back to the check with a message."""

    http_method_names = ["post"]
    form_class = ConflictOverrideForm
    success_message = gettext_lazy("The override is recorded.")

    def has_permission(self) -> bool:
        return can_override_conflicts(self.request.user, self.body)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(_question_forms_kwargs(self.body, self.request.user))
        kwargs["people"] = (
            Membership.objects.active().filter(body_id=self.body.pk).select_related("user", "body")
        )
        return kwargs

    def perform(self, form: ConflictOverrideForm) -> Any:
        return conflict_override(
            actor=self.request.user,
            rule=form.cleaned_data["rule"],
            justification=form.cleaned_data["justification"],
            **form.service_kwargs(),
        )

    def _check_url(self) -> str:
        query = {name: self.request.POST.get(name, "") for name in QUESTION_FIELDS}
        return f"{reverse('impartiality:conflict-check')}?{urlencode(query)}"

    def get_success_url(self, result: Any = None) -> str:
        return self._check_url()

    def get_refused_url(self) -> str:
        return self._check_url()

    def form_invalid(self, form: Any) -> HttpResponse:
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return redirect(self._check_url())


class ConflictOverrideListView(ConflictNavMixin, PortalMixin, ListView):
    """The body's overrides (a planner: all of them; a member: their own), newest first."""

    template_name = "impartiality/conflicts/overrides.html"
    context_object_name = "overrides"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Any]:
        return conflict_overrides_readable(self.request.user).filter(body_id=self.body.pk)


class ImpartialityPolicyView(ConflictNavMixin, PortalMixin, ServiceFormMixin, FormView):
    """The body's administrators (and registry staff) choose which role may override a conflict."""

    form_class = ImpartialityPolicyForm
    template_name = "impartiality/conflicts/policy.html"
    success_message = gettext_lazy("The impartiality policy is saved.")

    def has_permission(self) -> bool:
        return self.body is not None and can_change_impartiality_policy(self.request.user, self.body)

    def get_policy(self) -> ImpartialityPolicy:
        if not hasattr(self, "_policy"):
            self._policy = impartiality_policy_get(body=self.body)
        return self._policy

    def get_initial(self) -> dict[str, Any]:
        return {"override_role": self.get_policy().override_role}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["policy"] = self.get_policy()
        return context

    def perform(self, form: ImpartialityPolicyForm) -> ImpartialityPolicy:
        return impartiality_policy_set(
            body=self.body, actor=self.request.user, override_role=form.cleaned_data["override_role"]
        )

    def get_success_url(self, result: Any = None) -> str:
        return reverse("impartiality:policy")


__all__ = [
    "ConflictCheckView",
    "ConflictOverrideCreateView",
    "ConflictOverrideListView",
    "ImpartialityPolicyView",
]
