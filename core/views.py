"""Portal pages of the platform shell: the public landing page, the dashboard, the body switcher, the
language picker and a body's audit trail. Views parse input, call one selector or service, and render."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import InterfaceError, OperationalError
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect
from django.template import loader
from django.urls import Resolver404, resolve, reverse
from django.utils import formats, timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import ListView, TemplateView

from accounts.services import user_set_language
from core.audit import audit_verify_chain
from core.audit_history import history_entries, portal_linker
from core.errors import ValidationError
from core.exports import CSV_CONTENT_TYPE, csv_lines
from core.filters import AuditEventFilter, trail_people
from core.models import AuditEvent
from core.panels import render_panels
from core.permissions import is_registry_staff
from core.portal import BodyScopedMixin, PortalMixin

from .forms import LanguageForm

logger = logging.getLogger(__name__)


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


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Remembers the chosen language in the language cookie, with the cookie settings Django reads it with."""
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
        set_language_cookie(response, language)
        return response


class AuditTrailView(BodyScopedMixin, ListView):
    """The active body's audit trail as a history, newest first: who, what (the action's sentence), which
    record (linked when the reader may open it), and the fields that changed with readable values. Filters
    by person, kind of record, action and dates (an invalid value is a form error, 400); registry staff also
    see whether the body's hash chain holds. A page costs the same few queries whatever its events."""

    model = AuditEvent
    required_perm = "view_audit_trail"
    paginate_by = 50
    template_name = "core/auditevent_list.html"
    context_object_name = "events"

    def scoped_queryset(self) -> QuerySet[AuditEvent]:
        return AuditEvent.objects.all()

    def get_filterset(self) -> AuditEventFilter:
        if not hasattr(self, "filterset"):
            events = super().get_queryset()
            self.filterset = AuditEventFilter(
                self.request.GET or None,
                queryset=events.select_related("actor").order_by("-created_at", "-sequence"),
                people=trail_people(events),
            )
        return self.filterset

    @property
    def filter_invalid(self) -> bool:
        filterset = self.get_filterset()
        return filterset.is_bound and not filterset.is_valid()

    def get_queryset(self) -> QuerySet[AuditEvent]:
        if self.filter_invalid:
            return AuditEvent.objects.none()
        return self.get_filterset().qs  # type: ignore[no-any-return]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["entries"] = history_entries(list(context["events"]), linker=portal_linker(user, self.body))
        context["filter"] = self.get_filterset()
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        if is_registry_staff(user):  # type: ignore[arg-type]
            context["chain"] = audit_verify_chain(str(self.body.pk))  # type: ignore[union-attr]
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        if self.filter_invalid:
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class AuditTrailExportView(AuditTrailView):
    """The filtered history as a CSV file (all of it, streamed in batches of a constant few queries each)."""

    batch_size = 500

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:  # type: ignore[override]
        if self.filter_invalid:
            self.object_list = AuditEvent.objects.none()
            return self.render_to_response(self.get_context_data())
        events = self.get_filterset().qs
        language, zone = translation.get_language(), timezone.get_current_timezone()
        header = [_("When"), _("Who"), _("What"), _("Kind of record"), _("Record"), _("Changes")]

        def rows() -> Iterator[list[str]]:
            with translation.override(language), timezone.override(zone):
                for batch in _batches(events.iterator(chunk_size=self.batch_size), self.batch_size):
                    for entry in history_entries(batch):
                        yield [
                            formats.date_format(
                                timezone.localtime(entry.event.created_at), "SHORT_DATETIME_FORMAT"
                            ),
                            entry.who,
                            entry.what,
                            entry.record_kind,
                            entry.record,
                            "; ".join(
                                f"{change.label}: {change.before or '—'} → {change.after or '—'}"
                                for change in entry.changes
                            ),
                        ]

        response = StreamingHttpResponse(
            csv_lines([str(h) for h in header], rows()), content_type=CSV_CONTENT_TYPE
        )
        filename = f"audit-trail-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _batches(items: Iterator[AuditEvent], size: int) -> Iterator[list[AuditEvent]]:
    batch: list[AuditEvent] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- error pages ------------------------------------------------------------------------------------------
# Branded, in the person's language, each with a way back. 400 and 500 render without the request's context
# (no context processor, no database): the request may be malformed, the database may be what failed.


def _back(request: HttpRequest) -> str:
    """The page the person came from, when it is one of this site's."""
    try:
        referer = safe_next(request, request.headers.get("referer"), "")
    except Exception:  # a malformed host must not break the error page itself
        return ""
    if not referer:
        return ""
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _error_page(
    request: HttpRequest, template_name: str, status: int, *, with_request: bool, **context: Any
) -> HttpResponse:
    try:
        template = loader.get_template(template_name)
        if with_request:
            content = template.render({"back_url": _back(request), **context}, request)
        else:
            content = template.render(context)
    except Exception:  # the last resort must answer whatever failed
        logger.exception("The %s error page could not be rendered.", status)
        content = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
    return HttpResponse(content, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "400.html", 400, with_request=False)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "403.html", 403, with_request=True)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path_info.startswith("/api/"):  # no route matched (a malformed id, an unknown collection)
        from core.api.exceptions import api_not_found

        return api_not_found()  # the API's JSON error shape, never the portal's page
    return _error_page(request, "404.html", 404, with_request=True)


def _database_unavailable(exc: BaseException | None) -> bool:
    """The request failed because PostgreSQL could not be reached or dropped the connection (restarting)."""
    return isinstance(exc, (OperationalError, InterfaceError)) or isinstance(
        getattr(exc, "__cause__", None), (OperationalError, InterfaceError)
    )


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with `Retry-After` when the database is unavailable (a restart, a connection refused): the
    person is told to try again shortly, an API client gets `{"code": "service_unavailable"}`. Django calls
    this while handling the exception, so `sys.exc_info()` names it."""
    if not _database_unavailable(sys.exc_info()[1]):
        return _error_page(request, "500.html", 500, with_request=False)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "code": "service_unavailable",
                "message": _("The service is briefly unavailable. Try again in a minute."),
                "fieldErrors": {},
            },
            status=503,
        )
    else:
        response = _error_page(request, "503.html", 503, with_request=False)
    response["Retry-After"] = str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token (open too long, signed out meanwhile, cookies blocked)."""
    return _error_page(
        request, "403_csrf.html", 403, with_request=True, no_cookie=reason == REASON_NO_CSRF_COOKIE
    )
