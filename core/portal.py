"""Base classes for portal views: login, an active body, and querysets scoped to it. No view can forget.

And the three shapes every portal page of a capability takes, written once:

- `ServiceFormMixin` (a form page): `perform(form)` calls one service; its `ValidationError` lands on the form
  (field errors on their fields, the rest on top), `TransitionNotAllowed` is a message and a redirect, and
  `PermissionDenied` answers 403.
- `ServiceActionMixin` / `ServiceActionView` (a POST button on one record): the record is resolved through the
  scoped queryset first (another body's is a 404), `act(record, form)` calls one service, and the answer is a
  redirect with a message.
- `HtmxPartialMixin` / `is_htmx` (a page whose filter or form swaps a fragment in place): the partial for an
  htmx request, the full page otherwise (and on a history restore), with `Vary: HX-Request`.
- `FilteredListMixin` (a list with GET filters): an invalid filter answers 400 with its messages and no rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers
from django.views import View

from core.errors import TransitionNotAllowed, ValidationError
from core.forms import add_service_errors
from core.landing import landing_for
from core.permissions import has_body_perm
from core.tenancy import get_visible_or_404


class PortalMixin(LoginRequiredMixin):
    """A logged-in person working for their active body (`self.body`, `self.membership`).

    People with no active membership go where a capability declares (`core.landing`), else to apply;
    registry staff without one go to the back office.
    `required_perm` (a Body object permission codename) is checked against the active body.
    """

    required_perm: str | None = None
    needs_body = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        active = request.active  # type: ignore[attr-defined]
        self.membership = active.membership
        self.body = active.body
        if self.needs_body and self.body is None:
            if request.user.is_staff:
                return redirect("admin:index")
            # a capability may have a place for them (`core.landing`: a client user's client view)
            return redirect(landing_for(request.user) or "bodies:apply")
        # another body's record answers 404 before a permission or method check could answer 403/405
        self.check_object_access()
        if not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def check_object_access(self) -> None:
        """Hook: views about one record resolve it here (404 when it is missing or another body's)."""

    def has_permission(self) -> bool:
        """Hook: the page's rule, asked once the record is found; by default `required_perm` on the body.

        Override it with the app's rule (`<app>.permissions.can_...`) when the answer depends on the record.
        """
        if self.required_perm is None or self.body is None:
            return True
        return has_body_perm(self.request.user, self.body, self.required_perm)  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["body"] = self.body
        context["membership"] = self.membership
        return context


class BodyScopedMixin(PortalMixin):
    """List/detail/update views over a tenant model, always filtered to the active body."""

    model: Any

    def scoped_queryset(self) -> QuerySet[Any]:
        """Override to add select_related/prefetch_related; the body filter is applied on top."""
        return self.model.objects.all()

    def get_queryset(self) -> QuerySet[Any]:
        if self.body is None:
            raise Http404
        # a model whose rows are granted one by one (core.tenancy.ObjectGrants) shows the person's rows only
        return self.scoped_queryset().for_body(self.body).granted_to(self.request.user)  # type: ignore[attr-defined]

    #: the URL keyword that names the record, and the field it matches
    object_kwarg = "pk"
    object_field = "pk"

    def check_object_access(self) -> None:
        if self.object_kwarg in self.kwargs:
            self.get_object()

    def get_object(self, queryset: QuerySet[Any] | None = None) -> Any:
        if queryset is None and "_scoped_object" in self.__dict__:
            return self.__dict__["_scoped_object"]
        found = get_visible_or_404(
            queryset if queryset is not None else self.get_queryset(),
            **{self.object_field: self.kwargs[self.object_kwarg]},
        )
        if queryset is None:
            self.__dict__["_scoped_object"] = found
        return found


# --- htmx partials ------------------------------------------------------------------------------------------


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that swaps a fragment (a history restore wants the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


class HtmxPartialMixin:
    """Renders `partial_template_name` for an htmx request and the full page otherwise; the answer varies by
    the `HX-Request` header so no cache serves one for the other."""

    partial_template_name: str

    def get_template_names(self) -> list[str]:
        if is_htmx(self.request):  # type: ignore[attr-defined]
            return [self.partial_template_name]
        return super().get_template_names()  # type: ignore[misc,no-any-return]

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)  # type: ignore[misc]
        patch_vary_headers(response, ["HX-Request"])
        return response  # type: ignore[no-any-return]


# --- list filters -------------------------------------------------------------------------------------------


class FilteredListMixin:
    """A list page (a `ListView`) narrowed by GET filters held in a form or a django-filter `FilterSet`.

    A valid filter narrows the rows (`filter_queryset(queryset, filter)`: a FilterSet filters itself, a plain
    form's view overrides it with its `cleaned_data`); an invalid one is never silently ignored: the page is
    rendered with the filter's errors (`templates/portal/partials/_filter_errors.html`), no rows, and status
    400. The filter is in the context as `filter_context_name`, with `filter_invalid` and `filter_query` (the
    query string without the page, for pagination and export links).
    """

    filter_class: type[Any]
    filter_context_name = "filter_form"

    def get_filter_kwargs(self) -> dict[str, Any]:
        """Hook: extra keyword arguments of the filter (choices read from the rows, a queryset...)."""
        return {}

    def get_filter(self) -> Any:
        if "_list_filter" not in self.__dict__:
            data = self.request.GET.copy()  # type: ignore[attr-defined]
            data.pop("page", None)
            self.__dict__["_list_filter"] = self.filter_class(data or None, **self.get_filter_kwargs())
        return self.__dict__["_list_filter"]

    @property
    def filter_invalid(self) -> bool:
        list_filter = self.get_filter()
        return bool(list_filter.is_bound and not list_filter.is_valid())

    def filter_queryset(self, queryset: QuerySet[Any], list_filter: Any) -> QuerySet[Any]:
        """Narrow the rows by a valid filter: a FilterSet applies its own filters; a form's view overrides."""
        if hasattr(list_filter, "filter_queryset"):
            return list_filter.filter_queryset(queryset)  # type: ignore[no-any-return]
        raise NotImplementedError("a list filtered by a form narrows its rows in filter_queryset()")

    def filtered(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The rows the filter keeps: none when it is invalid, all when there is none."""
        if self.filter_invalid:
            return queryset.none()
        list_filter = self.get_filter()
        if not list_filter.is_bound:
            return queryset
        return self.filter_queryset(queryset, list_filter)

    def get_queryset(self) -> QuerySet[Any]:
        """The view's rows (`model` / `queryset`) filtered; a view with its own selector returns
        `self.filtered(selector(...))` instead."""
        return self.filtered(super().get_queryset())  # type: ignore[misc]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context[self.filter_context_name] = self.get_filter()
        context["filter_invalid"] = self.filter_invalid
        query = self.request.GET.copy()  # type: ignore[attr-defined]
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context  # type: ignore[no-any-return]

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        if self.filter_invalid:
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)  # type: ignore[misc,no-any-return]


# --- calling a service from a form or a button --------------------------------------------------------------


def form_add_service_errors(
    form: forms.BaseForm, exc: ValidationError, rename: Mapping[str, str] | None = None
) -> None:
    """A service's `ValidationError` onto a form: `rename` maps the service's field names to the form's
    (`{"expires_at": "expires_on"}`); errors on fields the form does not have go on top."""
    if rename and hasattr(exc, "error_dict"):
        exc = ValidationError({rename.get(name, name): errors for name, errors in exc.error_dict.items()})
    add_service_errors(form, exc)


class ServiceFormMixin:
    """A form page that calls one service (for a `FormView`).

    Subclasses implement `perform(form)` (call the service, return what it made) and name where to go:
    `success_message` / `get_success_message(result)`, `get_success_url(result)`, and for a refused
    transition `get_refused_url()` (this page again, by default). `service_error_fields` renames the
    service's field names to the form's. Override `form_done(form, result)` for an answer other than a redirect.
    """

    success_message: Any = ""
    service_error_fields: Mapping[str, str] = {}

    def perform(self, form: Any) -> Any:
        raise NotImplementedError

    def get_success_message(self, result: Any) -> str:
        return str(self.success_message)

    def get_success_url(self, result: Any = None) -> str:  # type: ignore[override]
        return super().get_success_url()  # type: ignore[misc,no-any-return]

    def get_refused_url(self) -> str:
        return self.request.get_full_path()  # type: ignore[attr-defined,no-any-return]

    def form_done(self, form: Any, result: Any) -> HttpResponse:
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)  # type: ignore[attr-defined]
        return redirect(self.get_success_url(result))

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            result = self.perform(form)
        except ValidationError as exc:
            form_add_service_errors(form, exc, self.service_error_fields)
            return self.form_invalid(form)  # type: ignore[attr-defined,no-any-return]
        except TransitionNotAllowed as exc:
            messages.error(self.request, exc.message)  # type: ignore[attr-defined]
            return redirect(self.get_refused_url())
        return self.form_done(form, result)


class ServiceActionMixin:
    """A POST button on one record of the active body (mix into a `BodyScopedMixin` view).

    The record is resolved through the scoped queryset before anything else (`PortalMixin` asks for it before
    the permission, so another body's record is a 404), then `act(record, form)` calls one service. An
    optional `form_class` is validated first; its errors and the service's `ValidationError` go to
    `form_invalid(form)` (by default a message each and back to the record; a detail page may re-render itself
    with the form at 400). `TransitionNotAllowed` is a message (`refused_level`) and a redirect.
    """

    http_method_names = ["post"]
    form_class: type[forms.BaseForm] | None = None
    success_message: Any = ""
    refused_level = messages.ERROR
    service_error_fields: Mapping[str, str] = {}

    def act(self, record: Any, form: Any) -> Any:
        raise NotImplementedError

    def get_success_message(self, result: Any) -> str:
        return str(self.success_message)

    def get_success_url(self, result: Any) -> str:
        raise NotImplementedError

    def get_refused_url(self) -> str:
        return self.get_success_url(self.get_object())  # type: ignore[attr-defined]

    def form_invalid(self, form: forms.BaseForm) -> HttpResponse:
        for error in form.non_field_errors():
            messages.error(self.request, error)  # type: ignore[attr-defined]
        for field in form.errors:
            if field != forms.forms.NON_FIELD_ERRORS:
                for error in form.errors[field]:
                    messages.error(self.request, error)  # type: ignore[attr-defined]
        return redirect(self.get_refused_url())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_object()  # type: ignore[attr-defined]
        form = self.form_class(request.POST, request.FILES) if self.form_class is not None else None
        if form is not None and not form.is_valid():
            return self.form_invalid(form)
        try:
            result = self.act(record, form)
        except ValidationError as exc:
            if form is None:
                for error in exc.messages:
                    messages.error(request, error)
                return redirect(self.get_refused_url())
            form_add_service_errors(form, exc, self.service_error_fields)
            return self.form_invalid(form)
        except TransitionNotAllowed as exc:
            messages.add_message(request, self.refused_level, exc.message)
            return redirect(self.get_refused_url())
        message = self.get_success_message(result)
        if message:
            messages.success(request, message)
        return redirect(self.get_success_url(result))


class ServiceActionView(ServiceActionMixin, BodyScopedMixin, View):
    """A POST-only action on one record of the active body (see `ServiceActionMixin`)."""
