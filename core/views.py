"""Portal pages of the platform shell: the public landing page, the dashboard, the body switcher, the
language picker and a body's audit trail. Views parse input, call one selector or service, and render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.services import user_set_language
from core.errors import ValidationError
from core.models import AuditEvent
from core.panels import render_panels
from core.portal import BodyScopedMixin, PortalMixin

from .forms import AuditTrailFilterForm, LanguageForm


def safe_next(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    """`candidate` when it is a local URL of this site, else `fallback` (no open redirects)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


class HomeView(TemplateView):
    """The public landing page; people who are logged in go straight to their dashboard."""

    template_name = "core/home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect("core:dashboard")
        return super().get(request, *args, **kwargs)


class DashboardView(PortalMixin, TemplateView):
    """The active body at a glance: the panels each app declares (`core.panels`), in their order."""

    template_name = "core/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["panels"] = render_panels(self.request, self.body)  # type: ignore[arg-type]
        return context


class SwitchBodyView(LoginRequiredMixin, View):
    """POST body_id: work for another of one's bodies. Not a member → 404, like any record of another body."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.active.switch(request.POST.get("body_id", "")):  # type: ignore[attr-defined]
            raise Http404
        messages.success(request, _("You are now working for %(body)s.") % {"body": request.active.body})  # type: ignore[attr-defined]
        return redirect(self._back(request))

    def _back(self, request: HttpRequest) -> str:
        """Back to the page the switch was made from, unless it shows one record (of the body just left)."""
        dashboard = reverse("core:dashboard")
        target = safe_next(request, request.POST.get("next"), dashboard)
        try:
            match = resolve(target.split("?", 1)[0])
        except Resolver404:
            return dashboard
        return dashboard if match.kwargs else target


class SetLanguageView(View):
    """The language picker: remembered on the account for people who are logged in, in a cookie for others."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LanguageForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(_("Unknown language."))
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            try:
                user_set_language(user=request.user, language=language)  # type: ignore[arg-type]
            except ValidationError:
                return HttpResponseBadRequest(_("Unknown language."))
        translation.activate(language)
        fallback = reverse("core:dashboard") if request.user.is_authenticated else reverse("core:home")
        response = HttpResponseRedirect(safe_next(request, form.cleaned_data.get("next"), fallback))
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response


class AuditTrailView(BodyScopedMixin, ListView):
    """The active body's audit trail, newest first, with each event's before → after values."""

    model = AuditEvent
    required_perm = "view_audit_trail"
    paginate_by = 50
    template_name = "core/auditevent_list.html"
    context_object_name = "events"

    def get_queryset(self) -> QuerySet[AuditEvent]:
        queryset = super().get_queryset().order_by("-created_at", "-sequence")
        self.filter_form = AuditTrailFilterForm(self.request.GET or None)
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data.get("action"):
                queryset = queryset.filter(action__startswith=data["action"].strip())
            if data.get("date_from"):
                queryset = queryset.filter(created_at__date__gte=data["date_from"])
            if data.get("date_to"):
                queryset = queryset.filter(created_at__date__lte=data["date_to"])
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for event in context["events"]:
            event.changes = audit_changes(event.before, event.after)
        context["filter_form"] = self.filter_form
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context


def audit_changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for every field an event mentions, in a stable order."""
    keys = sorted(set(before or {}) | set(after or {}))
    return [(key, (before or {}).get(key), (after or {}).get(key)) for key in keys]
