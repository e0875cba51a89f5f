"""Base classes for portal views: login, an active body, and querysets scoped to it. No view can forget."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from core.permissions import has_body_perm
from core.tenancy import get_visible_or_404


class PortalMixin(LoginRequiredMixin):
    """A logged-in person working for their active body (`self.body`, `self.membership`).

    People with no active membership are sent to apply; registry staff without one go to the back office.
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
            return redirect("bodies:apply")
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
