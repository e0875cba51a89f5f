"""Portal pages of a body: applying to ICR, the profile, accreditations, eligibility, people and API tokens;
and the public directory of approved bodies. Views parse input, call one service or selector, and render.

Tenancy is the base classes' (core.portal): every record is read through the active body, so another
body's record answers 404 exactly like a missing one.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_countries import countries as countries_registry

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke
from bodies.middleware import ActiveBody
from core.errors import TransitionNotAllowed, ValidationError
from core.forms import add_service_errors
from core.models import AuditEvent
from core.permissions import has_body_perm
from core.portal import BodyScopedMixin, PortalMixin
from core.tenancy import get_visible_or_404
from documents.selectors import document_latest_for_subject

from .eligibility import body_check_eligibility
from .forms import (
    AccreditationDecisionForm,
    AccreditationForm,
    ApiTokenForm,
    BodyProfileForm,
    DirectoryFilterForm,
    EligibilityForm,
)
from .models import Accreditation, Body, BodyStatusChange
from .selectors import directory_list, membership_list_for_body
from .services import (
    ACCREDITATION_DECISIONS,
    APPROVAL_LETTER,
    accreditation_create,
    accreditation_update,
    body_apply,
    body_update_profile,
)

# --- applying and the profile -------------------------------------------------------------------------------


class BodyApplyView(LoginRequiredMixin, FormView):
    """Anyone with an account applies to ICR on behalf of a body and becomes its first administrator."""

    form_class = BodyProfileForm
    template_name = "bodies/body_apply.html"

    def form_valid(self, form: BodyProfileForm) -> HttpResponse:
        try:
            body = body_apply(
                actor=self.request.user,
                fields=form.service_fields(),
                activities=form.cleaned_data["activities"],
                sectors=form.cleaned_data["sectors"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        # the memberships read earlier in this request predate the new body
        self.request.active = ActiveBody(self.request)  # type: ignore[attr-defined]
        self.request.active.switch(body.pk)  # type: ignore[attr-defined]
        messages.success(
            self.request,
            _("Your application for %(body)s is received. ICR will review it and let you know.")
            % {"body": body},
        )
        return redirect("bodies:profile")


class BodyProfileView(PortalMixin, TemplateView):
    """The active body as ICR knows it: profile, approval status and its history, and the approval letter."""

    template_name = "bodies/body_profile.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["status_changes"] = BodyStatusChange.objects.for_body(self.body).select_related("decided_by")
        context["approval_letter"] = document_latest_for_subject(kind=APPROVAL_LETTER, subject=self.body)
        context["can_edit"] = has_body_perm(self.request.user, self.body, "manage_body")
        return context


class BodyProfileEditView(PortalMixin, FormView):
    required_perm = "manage_body"
    form_class = BodyProfileForm
    template_name = "bodies/body_profile_edit.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        # a copy: validating the form must not touch the body the rest of the request (and the navbar) shows
        kwargs["instance"] = copy.copy(self.body)
        return kwargs

    def form_valid(self, form: BodyProfileForm) -> HttpResponse:
        try:
            body_update_profile(
                body=self.body,
                actor=self.request.user,
                fields=form.service_fields(),
                activities=form.cleaned_data["activities"],
                sectors=form.cleaned_data["sectors"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        except TransitionNotAllowed as exc:
            messages.error(self.request, exc.message)
            return redirect("bodies:profile")
        messages.success(self.request, _("The body's profile is saved."))
        return redirect("bodies:profile")


class MemberListView(PortalMixin, ListView):
    """The body's people and their roles (read only here; the registry and body admins manage them)."""

    template_name = "bodies/membership_list.html"
    context_object_name = "memberships"

    def get_queryset(self) -> QuerySet[Any]:
        return membership_list_for_body(body=self.body)


# --- accreditations -----------------------------------------------------------------------------------------


class AccreditationScopedMixin(BodyScopedMixin):
    model = Accreditation

    def scoped_queryset(self) -> QuerySet[Accreditation]:
        return Accreditation.objects.prefetch_related("scope_activities", "scope_standards", "scope_sectors")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = has_body_perm(self.request.user, self.body, "manage_accreditations")
        return context


class AccreditationListView(AccreditationScopedMixin, ListView):
    template_name = "bodies/accreditation_list.html"
    context_object_name = "accreditations"

    def scoped_queryset(self) -> QuerySet[Accreditation]:
        return super().scoped_queryset().order_by("status", "-valid_to", "certificate_number")


class AccreditationDetailView(AccreditationScopedMixin, DetailView):
    template_name = "bodies/accreditation_detail.html"
    context_object_name = "accreditation"
    history_rows = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("decide_form", AccreditationDecisionForm())
        context["history"] = AuditEvent.objects.for_body(self.body).filter(
            object_type=Accreditation._meta.label_lower, object_id=str(self.object.pk)
        )[: self.history_rows]
        return context


class AccreditationDecideView(AccreditationDetailView):
    """POST action (suspend / reinstate / withdraw) and reason; a refused decision shows on the detail page."""

    required_perm = "manage_accreditations"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = AccreditationDecisionForm(request.POST)
        if form.is_valid():
            decide = ACCREDITATION_DECISIONS[form.cleaned_data["action"]]
            try:
                decided = decide(
                    accreditation=self.object, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionNotAllowed as exc:
                messages.error(request, exc.message)
                return redirect("bodies:accreditation-detail", pk=self.object.pk)
            else:
                messages.success(
                    request,
                    _("The accreditation %(accreditation)s is now %(status)s.")
                    % {"accreditation": decided, "status": decided.get_status_display().lower()},
                )
                return redirect("bodies:accreditation-detail", pk=decided.pk)
        return self.render_to_response(self.get_context_data(decide_form=form), status=400)


class AccreditationFormMixin:
    required_perm = "manage_accreditations"
    form_class = AccreditationForm
    template_name = "bodies/accreditation_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["max_cycle_years"] = settings.ACCREDITATION_MAX_CYCLE_YEARS
        return context


class AccreditationCreateView(AccreditationFormMixin, PortalMixin, FormView):
    def form_valid(self, form: AccreditationForm) -> HttpResponse:
        try:
            accreditation = accreditation_create(
                body=self.body, actor=self.request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The accreditation %(accreditation)s is recorded.") % {"accreditation": accreditation},
        )
        return redirect("bodies:accreditation-detail", pk=accreditation.pk)


class AccreditationEditView(AccreditationFormMixin, AccreditationScopedMixin, FormView):
    def get_accreditation(self) -> Accreditation:
        return self.get_object()  # resolved (and cached) before the permission check

    def get_initial(self) -> dict[str, Any]:
        return AccreditationForm.initial_for(self.get_accreditation())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["accreditation"] = self.get_accreditation()
        return context

    def form_valid(self, form: AccreditationForm) -> HttpResponse:
        accreditation = self.get_accreditation()
        try:
            accreditation = accreditation_update(
                accreditation=accreditation, actor=self.request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        except TransitionNotAllowed as exc:
            messages.error(self.request, exc.message)
            return redirect("bodies:accreditation-detail", pk=accreditation.pk)
        messages.success(
            self.request,
            _("The accreditation %(accreditation)s is saved.") % {"accreditation": accreditation},
        )
        return redirect("bodies:accreditation-detail", pk=accreditation.pk)


# --- eligibility --------------------------------------------------------------------------------------------


class EligibilityView(PortalMixin, FormView):
    """Would the active body be eligible for an engagement? Answered in place (an htmx partial)."""

    form_class = EligibilityForm
    template_name = "bodies/eligibility_check.html"
    partial_template_name = "bodies/partials/_eligibility_panel.html"

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False):
            return [self.partial_template_name]
        return [self.template_name]

    def form_valid(self, form: EligibilityForm) -> HttpResponse:
        try:
            result = body_check_eligibility(body=self.body, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, result=result))


# --- API tokens ---------------------------------------------------------------------------------------------


class ApiTokenListView(PortalMixin, FormView):
    """The body's API tokens and a form for a new one; a new token's secret is shown on this response only."""

    required_perm = "manage_api_tokens"
    form_class = ApiTokenForm
    template_name = "bodies/apitoken_list.html"

    def get_initial(self) -> dict[str, Any]:
        return {"expires_on": ApiTokenForm.default_expiry()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tokens"] = (
            ApiToken.objects.for_body(self.body)
            .granted_to(self.request.user)
            .select_related("created_by")
            .order_by("revoked", "-created")
        )
        return context

    def form_valid(self, form: ApiTokenForm) -> HttpResponse:
        try:
            token, secret = api_token_create(
                body=self.body,
                actor=self.request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                scopes=form.scopes(),
                expires_at=form.expires_at(self.body.time_zone),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "expires_at" in exc.error_dict:
                exc.error_dict["expires_on"] = exc.error_dict.pop("expires_at")
            add_service_errors(form, exc)
            return self.form_invalid(form)
        response = render(
            self.request,
            "bodies/apitoken_created.html",
            {"token": token, "secret": secret, "body": self.body},
        )
        response["Cache-Control"] = "no-store"
        return response


class ApiTokenRevokeView(BodyScopedMixin, View):
    """POST: revoke one of the body's tokens (named by its public uuid; another body's token is a 404)."""

    model = ApiToken
    object_kwarg = "token_uuid"
    object_field = "uuid"
    required_perm = "manage_api_tokens"
    http_method_names = ["post"]

    def scoped_queryset(self) -> QuerySet[ApiToken]:
        return ApiToken.objects.select_related("body")

    def post(self, request: HttpRequest, token_uuid: str) -> HttpResponse:
        token = self.get_object()
        try:
            api_token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
        except TransitionNotAllowed as exc:
            messages.warning(request, exc.message)
        else:
            messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("bodies:tokens")


# --- the public directory -----------------------------------------------------------------------------------


class DirectoryListView(ListView):
    """Public: the bodies ICR has approved (and suspended ones, marked), with their scopes."""

    template_name = "bodies/directory_list.html"
    context_object_name = "bodies"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[Body]:
        queryset = directory_list()
        codes = queryset.prefetch_related(None).order_by().values_list("country", flat=True).distinct()
        countries = sorted(((code, countries_registry.name(code)) for code in codes), key=lambda c: str(c[1]))
        self.filter_form = DirectoryFilterForm(self.request.GET or None, countries=countries)
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data.get("country"):
                queryset = queryset.filter(country=data["country"])
            if data.get("kind"):
                queryset = queryset.filter(kind=data["kind"])
            if data.get("activity"):
                queryset = queryset.filter(activities=data["activity"])
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context


class DirectoryDetailView(DetailView):
    """Public: one approved or suspended body; any other (or unknown) id is a 404."""

    template_name = "bodies/directory_detail.html"
    context_object_name = "listed_body"

    def get_object(self, queryset: QuerySet[Body] | None = None) -> Body:
        return get_visible_or_404(directory_list(), pk=self.kwargs["pk"])
