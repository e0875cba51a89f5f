"""The registry's back office for bodies: the approval queue, decisions with reasons, agreements, oversight."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from core.admin import StaffReadOnlyAdmin, StaffReadOnlyInline, TenantAdmin
from core.admin_labels import choices_column
from core.errors import TransitionNotAllowed, ValidationError
from core.forms import add_service_errors
from core.tenancy import get_visible_or_404

from . import services
from .models import (
    Accreditation,
    AccreditationVerification,
    Body,
    BodyApplication,
    BodyStatusChange,
    Membership,
    Role,
)

DECISION_CHOICES = [
    ("start_review", _("Start review")),
    ("approve", _("Approve")),
    ("suspend", _("Suspend")),
    ("reinstate", _("Reinstate")),
    ("withdraw", _("Withdraw")),
]


class DecisionForm(forms.Form):
    """One registry decision on one body: only the decisions its current status allows are offered."""

    action = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4, "cols": 70}))

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = set(Body.TRANSITIONS.allowed(body.status))
        self.fields["action"].choices = [(a, label) for a, label in DECISION_CHOICES if a in allowed]


VERIFICATION_CHOICES = [
    ("verify", pgettext_lazy("the registry's decision on an accreditation", "Verify")),
    ("refuse", pgettext_lazy("the registry's decision on an accreditation", "Refuse")),
]


class VerificationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=VERIFICATION_CHOICES, widget=forms.RadioSelect, initial="verify"
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=_("Required when refusing: the body reads it."),
    )


class BulkDecisionForm(forms.Form):
    # "action" is taken by the admin's own action selector on the changelist
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4, "cols": 70}))


class AgreementForm(forms.Form):
    reference = forms.CharField(label=_("Agreement reference"), max_length=60)
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}))


class MembershipInline(StaffReadOnlyInline):
    model = Membership
    fields = ("user", "roles_label", "status", "created_at")
    roles_label = choices_column("roles", _("roles"), Role.choices)


class AccreditationInline(StaffReadOnlyInline):
    model = Accreditation
    fields = (
        "standard",
        "certificate_number",
        "accreditation_body",
        "valid_from",
        "valid_to",
        "status",
        "verification",
    )
    show_change_link = True


class StatusChangeInline(StaffReadOnlyInline):
    model = BodyStatusChange
    fields = ("decided_at", "from_status", "to_status", "reason", "decided_by")


@admin.register(Body)
class BodyAdmin(TenantAdmin):
    list_display = (
        "legal_name",
        "country",
        "kind",
        "status_badge",
        "agreement_signed_on",
        "applied_at",
        "approved_at",
    )
    list_filter = ("status", "kind", "country", "activities")
    search_fields = (
        "legal_name",
        "short_name",
        "registration_number",
        "contact_email",
        "agreement_reference",
    )
    date_hierarchy = "applied_at"
    inlines = (StatusChangeInline, AccreditationInline, MembershipInline)
    #: the registry's own fields, changed only through its decisions (the buttons of `decision_links`)
    approval_fields = (
        "status",
        "status_reason",
        "status_changed_at",
        "agreement_reference",
        "agreement_signed_on",
        "applied_at",
        "approved_at",
    )
    readonly_fields = (*approval_fields, "decision_links")
    fieldsets = (
        (_("ICR approval"), {"fields": ("decision_links", *approval_fields)}),
        # the profile a body administrator keeps, as the service lists it, its contact apart
        (
            _("Profile"),
            {"fields": tuple(f for f in services.BODY_PROFILE_FIELDS if not f.startswith("contact_"))},
        ),
        (
            _("Contact"),
            {"fields": tuple(f for f in services.BODY_PROFILE_FIELDS if f.startswith("contact_"))},
        ),
        (_("Activities and sectors"), {"fields": ("activities", "sectors")}),
    )
    filter_horizontal = ("activities", "sectors")
    actions = ("decide_selected",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # bodies apply through the portal

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a body is withdrawn, never deleted: its records must be kept

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Body) -> str:
        # coloured by class (static/css/admin.css): the Content-Security-Policy allows no style attribute
        return format_html(
            '<strong class="icr-admin-status icr-admin-status-{}">{}</strong>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description=_("decisions"))
    def decision_links(self, obj: Body) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a>',
            reverse("admin:bodies_body_decide", args=[obj.pk]),
            _("Record a decision"),
            reverse("admin:bodies_body_agreement", args=[obj.pk]),
            _("Record the ICR agreement"),
        )

    def save_model(self, request: HttpRequest, obj: Body, form: forms.ModelForm, change: bool) -> None:
        # Profile edits go through the same service as the portal, so they are checked and audited alike.
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.BODY_PROFILE_FIELDS
        }
        self._pending_profile = fields

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        body = form.instance
        m2m = {
            name: form.cleaned_data[name] for name in ("activities", "sectors") if name in form.changed_data
        }
        try:
            services.body_update_profile(
                body=Body.objects.get(pk=body.pk),
                actor=request.user,
                fields=self._pending_profile,
                activities=m2m.get("activities"),
                sectors=m2m.get("sectors"),
            )
        except (ValidationError, TransitionNotAllowed) as exc:
            messages.error(
                request, str(getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [])))
            )

    def get_urls(self) -> list[Any]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<uuid:pk>/decide/", self.admin_site.admin_view(self.decide_view), name=f"{prefix}_decide"),
            path(
                "<uuid:pk>/agreement/",
                self.admin_site.admin_view(self.agreement_view),
                name=f"{prefix}_agreement",
            ),
            *super().get_urls(),
        ]

    def _body_or_404(self, request: HttpRequest, pk: Any) -> Body:
        return get_visible_or_404(self.get_queryset(request), pk=pk)

    def decide_view(self, request: HttpRequest, pk: Any) -> HttpResponse:
        body = self._body_or_404(request, pk)
        if not request.user.is_registry_staff:  # type: ignore[attr-defined]
            raise PermissionDenied
        form = DecisionForm(request.POST or None, body=body)
        if request.method == "POST" and form.is_valid():
            service = services.BODY_DECISIONS[form.cleaned_data["action"]]
            try:
                service(body=body, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionNotAllowed as exc:
                form.add_error("action", exc.message)
            else:
                self.message_user(request, _("Decision recorded for %(body)s.") % {"body": body})
                return HttpResponseRedirect(reverse("admin:bodies_body_change", args=[body.pk]))
        allowed = Body.TRANSITIONS.targets(body.status)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record a decision: %(body)s") % {"body": body},
            "body": body,
            "form": form,
            "allowed": [Body.Status(s).label for s in allowed],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/bodies/body/decide.html", context)

    def agreement_view(self, request: HttpRequest, pk: Any) -> HttpResponse:
        body = self._body_or_404(request, pk)
        if not request.user.is_registry_staff:  # type: ignore[attr-defined]
            raise PermissionDenied
        initial = {
            "reference": body.agreement_reference,
            "signed_on": body.agreement_signed_on or timezone.localdate(),
        }
        form = AgreementForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.body_record_agreement(
                    body=body,
                    actor=request.user,
                    reference=form.cleaned_data["reference"],
                    signed_on=form.cleaned_data["signed_on"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self.message_user(request, _("Agreement recorded for %(body)s.") % {"body": body})
                return HttpResponseRedirect(reverse("admin:bodies_body_change", args=[body.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record the ICR agreement: %(body)s") % {"body": body},
            "body": body,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/bodies/body/agreement.html", context)

    @admin.action(description=_("Record a decision for the selected bodies"))
    def decide_selected(self, request: HttpRequest, queryset: QuerySet[Body]) -> HttpResponse | None:
        form = BulkDecisionForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            service = services.BODY_DECISIONS[form.cleaned_data["decision"]]
            done, refused = 0, []
            for body in queryset:
                try:
                    service(body=body, actor=request.user, reason=form.cleaned_data["reason"])
                    done += 1
                except (ValidationError, TransitionNotAllowed, PermissionDenied) as exc:
                    detail = getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [str(exc)]))
                    refused.append(f"{body}: {detail}")
            if done:
                self.message_user(request, _("%(n)s decision(s) recorded.") % {"n": done})
            for line in refused:
                self.message_user(request, line, level=messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record a decision for %(n)s bodies") % {"n": queryset.count()},
            "bodies": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/bodies/body/decide_selected.html", context)


@admin.register(BodyApplication)
class BodyApplicationAdmin(BodyAdmin):
    """The approval queue: applications waiting for the registry, oldest first."""

    list_display = ("legal_name", "country", "kind", "status_badge", "agreement_signed_on", "applied_at")
    list_filter = ("status", "kind", "country")
    ordering = ("applied_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super().get_queryset(request).filter(status__in=[Body.Status.APPLICANT, Body.Status.UNDER_REVIEW])
        )

    def decision_links(self, obj: Body) -> str:
        return super().decision_links(obj)


class VerificationQueueFilter(admin.SimpleListFilter):
    """The verification queue: "Awaiting verification" is what registry staff work through."""

    title = _("verification")
    parameter_name = "verification__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            (AccreditationVerification.PENDING, _("Awaiting verification")),
            (AccreditationVerification.VERIFIED, _("Verified")),
            (AccreditationVerification.REFUSED, _("Refused")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value in AccreditationVerification.values:
            return queryset.filter(verification=value)
        return queryset


@admin.register(Accreditation)
class AccreditationAdmin(StaffReadOnlyAdmin):
    """Every body's accreditations; registry staff verify or refuse each new or changed one against its
    certificate (`verify_view`, through the services)."""

    list_display = (
        "certificate_number",
        "standard",
        "body",
        "accreditation_body",
        "valid_from",
        "valid_to",
        "status",
        "verification",
        "updated_at",
    )
    list_filter = (
        VerificationQueueFilter,
        "status",
        "standard",
        ("accreditation_body", admin.RelatedOnlyFieldListFilter),
        ("body", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "certificate_number",
        "accreditation_body__name",
        "accreditation_body__acronym",
        "body__legal_name",
    )
    list_select_related = ("body", "accreditation_body")
    date_hierarchy = "valid_to"
    fieldsets = (
        (
            _("Verification"),
            {
                "fields": (
                    "verification_links",
                    "verification",
                    "verification_reason",
                    "verified_by",
                    "verified_at",
                    "certificate_link",
                    "iaf_mla",
                )
            },
        ),
        (
            _("Accreditation"),
            {
                "fields": (
                    "body",
                    "accreditation_body",
                    "standard",
                    "programme_name",
                    "certificate_number",
                    "valid_from",
                    "valid_to",
                    "last_onsite_assessment",
                    "status",
                    "status_reason",
                )
            },
        ),
        (_("Scope"), {"fields": ("scope_activities", "scope_standards", "scope_sectors")}),
    )
    readonly_fields = ("verification_links", "certificate_link", "iaf_mla")

    @admin.display(description=_("verification"))
    def verification_links(self, obj: Accreditation) -> str:
        if obj.pk is None or obj.verification != AccreditationVerification.PENDING:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:bodies_accreditation_verify", args=[obj.pk]),
            _("Verify or refuse"),
        )

    @admin.display(description=_("certificate"))
    def certificate_link(self, obj: Accreditation) -> str:
        if not obj.certificate:
            return str(_("No certificate attached"))
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:bodies_accreditation_certificate", args=[obj.pk]),
            pgettext("link", "Open"),
        )

    @admin.display(description=_("IAF MLA signatory for this standard today"), boolean=True)
    def iaf_mla(self, obj: Accreditation) -> bool:
        return obj.iaf_mla_on(timezone.localdate())

    def get_urls(self) -> list[Any]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<uuid:pk>/verify/", self.admin_site.admin_view(self.verify_view), name=f"{prefix}_verify"),
            path(
                "<uuid:pk>/certificate/",
                self.admin_site.admin_view(self.certificate_view),
                name=f"{prefix}_certificate",
            ),
            *super().get_urls(),
        ]

    def _accreditation_or_404(self, request: HttpRequest, pk: Any) -> Accreditation:
        if not request.user.is_registry_staff:  # type: ignore[attr-defined]
            raise PermissionDenied
        return get_visible_or_404(
            self.get_queryset(request).select_related("body", "accreditation_body"), pk=pk
        )

    def certificate_view(self, request: HttpRequest, pk: Any) -> HttpResponse:
        accreditation = self._accreditation_or_404(request, pk)
        if not accreditation.certificate:
            raise Http404
        return FileResponse(
            accreditation.certificate.open("rb"),
            content_type="application/pdf",
            filename=accreditation.certificate.name.rsplit("/", 1)[-1],
        )

    def verify_view(self, request: HttpRequest, pk: Any) -> HttpResponse:
        accreditation = self._accreditation_or_404(request, pk)
        form = VerificationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data["decision"] == "refuse":
                    services.accreditation_refuse(
                        accreditation=accreditation, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                else:
                    services.accreditation_verify(
                        accreditation=accreditation, actor=request.user, reason=form.cleaned_data["reason"]
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionNotAllowed as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request,
                    _("Verification recorded for %(accreditation)s.") % {"accreditation": accreditation},
                )
                return HttpResponseRedirect(
                    reverse("admin:bodies_accreditation_change", args=[accreditation.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Verify the accreditation %(accreditation)s") % {"accreditation": accreditation},
            "accreditation": accreditation,
            "iaf_mla": accreditation.iaf_mla_on(timezone.localdate()),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/bodies/accreditation/verify.html", context)


@admin.register(Membership)
class MembershipAdmin(StaffReadOnlyAdmin):
    """Every body's people (auditors, reviewers, committee members) for registry oversight."""

    list_display = (
        "user",
        "body",
        "roles_label",
        "employment",
        "status",
        "undertaking_signed_on",
        "created_at",
    )
    list_filter = ("status", "employment", ("body", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__email", "user__full_name", "body__legal_name")
    list_select_related = ("user", "body")
    exclude = ("roles",)
    readonly_fields = ("roles_label",)
    roles_label = choices_column("roles", _("roles"), Role.choices)
