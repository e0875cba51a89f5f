"""The client view: what a person at a client reads of the records a body keeps about it (its profile, sites and
projects), and the page an invitation link opens.

Access is `clients.permissions.client_ids_for_user`, always: a client's pages answer 404 to everyone who does
not read that client as an active client user (the body's own people included: they have the body portal),
and the body's internal notes are never shown. The pages have their own narrow navigation
(`templates/clients/client_view/base.html`): nothing of a body's portal.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.models import User
from core.errors import ValidationError

from .error_codes import ClientsErrorCode
from .forms import InvitationAccountForm
from .models import Project
from .selectors import client_view_clients, client_view_projects, client_view_sites
from .services import client_user_accept, client_user_accept_new_account, invitation_state

#: the session flag that shows "Client view" in the user menu of a body member who is also a client user
SESSION_FLAG = "client_view"


class ClientViewMixin(LoginRequiredMixin):
    """A page of the client view about one client (`self.client`): 404 unless the person reads it."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.client = get_object_or_404(client_view_clients(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["client"] = self.client
        return context


class HomeView(LoginRequiredMixin, TemplateView):
    """The clients this person reads (usually one); a person who reads none goes to their dashboard."""

    template_name = "clients/client_view/home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.clients = list(client_view_clients(request.user))
        if not self.clients:
            return redirect("core:dashboard")
        request.session[SESSION_FLAG] = True
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["clients"] = self.clients
        return context


class ClientProfileView(ClientViewMixin, TemplateView):
    """The client's record as the body keeps it: names, country, contacts, sectors, personnel (not the body's
    notes)."""

    template_name = "clients/client_view/client.html"


class SitesView(ClientViewMixin, ListView):
    template_name = "clients/client_view/sites.html"
    context_object_name = "sites"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Any]:
        return client_view_sites(self.request.user, self.client)


class ProjectsView(ClientViewMixin, ListView):
    """The ICR projects the client proposes, with their scope and periods."""

    template_name = "clients/client_view/projects.html"
    context_object_name = "projects"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Project]:
        return client_view_projects(self.request.user, self.client)


class ProjectView(LoginRequiredMixin, TemplateView):
    """One project of a client the person reads (404 otherwise)."""

    template_name = "clients/client_view/project.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project = get_object_or_404(client_view_projects(self.request.user), pk=kwargs["pk"])
        context["project"] = project
        context["client"] = project.proponent
        return context


# --- the invitation link -------------------------------------------------------------------------------------


class InvitationView(View):
    """The emailed link. Open: a person without an account sets their name and password; one with an account
    logs in as the invited address and accepts. Unknown (404), expired, used or revoked (410): said plainly."""

    template_name = "clients/client_view/invitation.html"

    def _render(
        self,
        request: HttpRequest,
        token: str,
        *,
        form: InvitationAccountForm | None = None,
        errors: Any = (),
        status: int = 200,
    ) -> HttpResponse:
        state = invitation_state(token)
        context: dict[str, Any] = {"token": token, "state": state, "errors": list(errors)}
        if not state.is_open:
            status = 404 if state.code == ClientsErrorCode.INVITATION_UNKNOWN else 410
            return render(request, self.template_name, context, status=status)
        invitation = state.client_user
        assert invitation is not None
        context["invitation"] = invitation
        if request.user.is_authenticated:
            context["same_account"] = request.user.email.lower() == invitation.email.lower()  # type: ignore[union-attr]
        else:
            context["has_account"] = User.objects.filter(email__iexact=invitation.email).exists()
            context["login_url"] = f"{reverse('accounts:login')}?{urlencode({'next': request.path})}"
            context["form"] = form or InvitationAccountForm(initial={"full_name": invitation.full_name})
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self._render(request, token)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        form = None
        try:
            if request.user.is_authenticated:
                client_user = client_user_accept(token=token, user=request.user)  # type: ignore[arg-type]
            else:
                form = InvitationAccountForm(request.POST)
                if not form.is_valid():
                    return self._render(request, token, form=form, status=400)
                client_user = client_user_accept_new_account(
                    token=token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password"],
                )
                login(request, client_user.user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
        except ValidationError as exc:
            if form is not None and hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                return self._render(request, token, form=form, status=400)
            return self._render(request, token, form=form, errors=exc.messages, status=400)
        request.session[SESSION_FLAG] = True
        return redirect("clients:client-view-client", pk=client_user.client_id)
