"""Portal pages of a body: applying to ICR, the profile, accreditations, eligibility, people and API tokens;
and the public directory of approved bodies. Views parse input, call one service or selector, and render.

Tenancy is the base classes' (core.portal): every record is read through the active body, so another
body's record answers 404 exactly like a missing one.
"""

from __future__ import annotations

import copy
import mimetypes
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_countries import countries as countries_registry

from accounts.models import ApiToken
from accounts.reauth import RecentAuthRequiredMixin
from accounts.services import api_token_create, api_token_revoke
from bodies.middleware import ActiveBody
from core.models import AuditEvent
from core.portal import (
    BodyScopedMixin,
    FilteredListMixin,
    HtmxPartialMixin,
    PortalMixin,
    ServiceActionMixin,
    ServiceActionView,
    ServiceFormMixin,
)
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
from .permissions import (
    MANAGE_ACCREDITATIONS,
    MANAGE_API_TOKENS,
    MANAGE_BODY,
    can_manage_accreditations,
    can_manage_body,
)
from .selectors import directory_list, membership_list_for_body
from .services import (
    ACCREDITATION_DECISIONS,
    APPROVAL_LETTER,
    accreditation_create,
    accreditation_update,
    body_apply,
    body_update_profile,
)

#: what a stored logo may be served as (core.uploads stores PNG and JPEG logos under their detected extension)
LOGO_CONTENT_TYPES = {"image/png", "image/jpeg"}

# --- applying and the profile -------------------------------------------------------------------------------


class BodyApplyView(LoginRequiredMixin, ServiceFormMixin, FormView):
    """Anyone with an account applies to ICR on behalf of a body and becomes its first administrator."""

    form_class = BodyProfileForm
    template_name = "bodies/body_apply.html"

    def perform(self, form: BodyProfileForm) -> Body:
        body = body_apply(
            actor=self.request.user,
            fields=form.service_fields(),
            activities=form.cleaned_data["activities"],
            sectors=form.cleaned_data["sectors"],
        )
        # the memberships read earlier in this request predate the new body
        self.request.active = ActiveBody(self.request)  # type: ignore[attr-defined]
        self.request.active.switch(body.pk)  # type: ignore[attr-defined]
        return body

    def get_success_message(self, result: Body) -> str:
        return _("Your application for %(body)s is received. ICR will review it and let you know.") % {
            "body": result
        }

    def get_success_url(self, result: Any = None) -> str:
        return reverse("bodies:profile")


class BodyProfileView(PortalMixin, TemplateView):
    """The active body as ICR knows it: profile, approval status and its history, and the approval letter."""

    template_name = "bodies/body_profile.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["status_changes"] = BodyStatusChange.objects.for_body(self.body).select_related("decided_by")
        context["approval_letter"] = document_latest_for_subject(kind=APPROVAL_LETTER, subject=self.body)
        context["can_edit"] = can_manage_body(self.request.user, self.body)
        return context


class BodyLogoView(PortalMixin, View):
    """The active body's logo, streamed from the file storage (the local disk or an S3 bucket): pages never link
    to the storage itself, which a browser may not reach (a private bucket, /media/ not served in production)."""

    http_method_names = ["get"]

    def get(self, request: Any, *args: Any, **kwargs: Any) -> FileResponse:
        logo = self.body.logo
        content_type = mimetypes.guess_type(logo.name)[0] if logo else None
        if content_type not in LOGO_CONTENT_TYPES:
            raise Http404
        try:
            handle = logo.storage.open(logo.name, "rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=content_type)
        response["Cache-Control"] = "private, max-age=300"
        return response


class BodyProfileEditView(PortalMixin, ServiceFormMixin, FormView):
    required_perm = MANAGE_BODY
    success_message = gettext_lazy("The body's profile is saved.")
    form_class = BodyProfileForm
    template_name = "bodies/body_profile_edit.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        # a copy: validating the form must not touch the body the rest of the request (and the navbar) shows
        kwargs["instance"] = copy.copy(self.body)
        return kwargs

    def perform(self, form: BodyProfileForm) -> Body:
        return body_update_profile(
            body=self.body,
            actor=self.request.user,
            fields=form.service_fields(),
            activities=form.cleaned_data["activities"],
            sectors=form.cleaned_data["sectors"],
        )

    def get_success_url(self, result: Any = None) -> str:
        return reverse("bodies:profile")

    def get_refused_url(self) -> str:
        return reverse("bodies:profile")


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
        return Accreditation.objects.select_related("accreditation_body").prefetch_related(
            "accreditation_body__mla_signatures", "scope_activities", "scope_standards", "scope_sectors"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = can_manage_accreditations(self.request.user, self.body)
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
        context["iaf_mla"] = self.object.iaf_mla_on(timezone.localdate())
        context["history"] = AuditEvent.objects.for_body(self.body).filter(
            object_type=Accreditation._meta.label_lower, object_id=str(self.object.pk)
        )[: self.history_rows]
        return context


class AccreditationCertificateView(AccreditationScopedMixin, DetailView):
    """The accreditation's certificate (PDF), for the body's people; another body's answers 404."""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        accreditation = self.get_object()
        if not accreditation.certificate:
            raise Http404
        return FileResponse(
            accreditation.certificate.open("rb"),
            content_type="application/pdf",
            filename=accreditation.certificate.name.rsplit("/", 1)[-1],
        )


class AccreditationDecideView(ServiceActionMixin, AccreditationDetailView):
    """POST action (suspend / reinstate / withdraw) and reason; a refused decision shows on the detail page."""

    required_perm = MANAGE_ACCREDITATIONS
    form_class = AccreditationDecisionForm

    def act(self, record: Accreditation, form: AccreditationDecisionForm) -> Accreditation:
        decide = ACCREDITATION_DECISIONS[form.cleaned_data["action"]]
        return decide(accreditation=record, actor=self.request.user, reason=form.cleaned_data["reason"])

    def get_success_message(self, result: Accreditation) -> str:
        return _("The accreditation %(accreditation)s is now %(status)s.") % {
            "accreditation": result,
            "status": result.get_status_display().lower(),
        }

    def get_success_url(self, result: Accreditation) -> str:
        return reverse("bodies:accreditation-detail", args=[result.pk])

    def form_invalid(self, form: AccreditationDecisionForm) -> HttpResponse:  # type: ignore[override]
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(decide_form=form), status=400)


class AccreditationFormMixin(ServiceFormMixin):
    required_perm = MANAGE_ACCREDITATIONS
    form_class = AccreditationForm
    template_name = "bodies/accreditation_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["max_cycle_years"] = settings.ACCREDITATION_MAX_CYCLE_YEARS
        return context

    def get_success_url(self, result: Any = None) -> str:
        return reverse("bodies:accreditation-detail", args=[result.pk])


class AccreditationCreateView(AccreditationFormMixin, PortalMixin, FormView):
    def perform(self, form: AccreditationForm) -> Accreditation:
        return accreditation_create(body=self.body, actor=self.request.user, **form.service_kwargs())

    def get_success_message(self, result: Accreditation) -> str:
        return _(
            "The accreditation %(accreditation)s is recorded. It counts once the registry has verified it."
        ) % {"accreditation": result}


class AccreditationEditView(AccreditationFormMixin, AccreditationScopedMixin, FormView):
    def get_accreditation(self) -> Accreditation:
        return self.get_object()  # resolved (and cached) before the permission check

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["editing"] = True
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return AccreditationForm.initial_for(self.get_accreditation())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["accreditation"] = self.get_accreditation()
        return context

    def perform(self, form: AccreditationForm) -> Accreditation:
        return accreditation_update(
            accreditation=self.get_accreditation(), actor=self.request.user, **form.service_kwargs()
        )

    def get_success_message(self, result: Accreditation) -> str:
        if result.verification == result.Verification.PENDING:
            return _(
                "The accreditation %(accreditation)s is saved. It waits for the registry's verification."
            ) % {"accreditation": result}
        return _("The accreditation %(accreditation)s is saved.") % {"accreditation": result}

    def get_refused_url(self) -> str:
        return self.get_success_url(self.get_accreditation())


# --- eligibility --------------------------------------------------------------------------------------------


class EligibilityView(PortalMixin, HtmxPartialMixin, ServiceFormMixin, FormView):
    """Would the active body be eligible for an engagement? Answered in place (an htmx partial)."""

    form_class = EligibilityForm
    template_name = "bodies/eligibility_check.html"
    partial_template_name = "bodies/partials/_eligibility_panel.html"

    def perform(self, form: EligibilityForm) -> Any:
        return body_check_eligibility(body=self.body, **form.cleaned_data)

    def form_done(self, form: EligibilityForm, result: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form, result=result))


# --- API tokens ---------------------------------------------------------------------------------------------


class ApiTokenListView(RecentAuthRequiredMixin, PortalMixin, ServiceFormMixin, FormView):
    """The body's API tokens and a form for a new one; a new token's secret is shown on this response only."""

    reauth_methods = ("POST",)  # creating a token asks for a recent authentication (accounts.reauth)
    required_perm = MANAGE_API_TOKENS
    service_error_fields = {"expires_at": "expires_on"}
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

    def perform(self, form: ApiTokenForm) -> tuple[ApiToken, str]:
        return api_token_create(
            body=self.body,
            actor=self.request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            scopes=form.scopes(),
            expires_at=form.expires_at(self.body.time_zone),
        )

    def form_done(self, form: ApiTokenForm, result: tuple[ApiToken, str]) -> HttpResponse:
        token, secret = result
        response = render(
            self.request,
            "bodies/apitoken_created.html",
            {"token": token, "secret": secret, "body": self.body},
        )
        response["Cache-Control"] = "no-store"
        return response


class ApiTokenRevokeView(ServiceActionView):
    """POST: revoke one of the body's tokens (named by its public uuid; another body's token is a 404)."""

    model = ApiToken
    object_kwarg = "token_uuid"
    object_field = "uuid"
    required_perm = MANAGE_API_TOKENS
    refused_level = messages.WARNING

    def scoped_queryset(self) -> QuerySet[ApiToken]:
        return ApiToken.objects.select_related("body")

    def act(self, record: ApiToken, form: None) -> ApiToken:
        api_token_revoke(token=record, actor=self.request.user)  # type: ignore[arg-type]
        return record

    def get_success_message(self, result: ApiToken) -> str:
        return _("The token “%(name)s” is revoked.") % {"name": result.name}

    def get_success_url(self, result: ApiToken) -> str:
        return reverse("bodies:tokens")


# --- the public directory -----------------------------------------------------------------------------------


class DirectoryListView(FilteredListMixin, ListView):
    """Public: the bodies ICR has approved (and suspended ones, marked), with their scopes. An invalid filter
    (a country, kind or activity not offered) answers 400 with its message and no bodies."""

    template_name = "bodies/directory_list.html"
    context_object_name = "bodies"
    paginate_by = 25
    filter_class = DirectoryFilterForm

    def get_filter_kwargs(self) -> dict[str, Any]:
        codes = (
            directory_list().prefetch_related(None).order_by().values_list("country", flat=True).distinct()
        )
        countries = sorted(((code, countries_registry.name(code)) for code in codes), key=lambda c: str(c[1]))
        return {"countries": countries}

    def get_queryset(self) -> QuerySet[Body]:
        return self.filtered(directory_list())

    def filter_queryset(self, queryset: QuerySet[Any], list_filter: Any) -> QuerySet[Any]:
        data = list_filter.cleaned_data
        if data.get("country"):
            queryset = queryset.filter(country=data["country"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("activity"):
            queryset = queryset.filter(activities=data["activity"])
        return queryset


class DirectoryDetailView(DetailView):
    """Public: one approved or suspended body; any other (or unknown) id is a 404."""

    template_name = "bodies/directory_detail.html"
    context_object_name = "listed_body"

    def get_object(self, queryset: QuerySet[Body] | None = None) -> Body:
        return get_visible_or_404(directory_list(), pk=self.kwargs["pk"])
