"""The portal's client pages: the body's clients (searched and filtered), a client with its sites and projects,
the ICR projects, and the bulk import of clients and sites. Every member of the body reads them; the body's
client managers (`manage_clients`) keep them, always through the services."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from core.exports import CSV_CONTENT_TYPE, csv_lines
from core.portal import (
    BodyScopedMixin,
    FilteredListMixin,
    PortalMixin,
    ServiceActionMixin,
    ServiceActionView,
    ServiceFormMixin,
)
from imports.models import ImportBatch
from imports.views import ImportPreviewMixin, ImportUploadMixin

from . import forms as client_forms
from .importing import (
    CLIENT_IMPORT,
    COLUMNS,
    IMPORT_TEMPLATE_EXAMPLE,
    ImportPreview,
    client_import_apply,
    client_import_preview,
)
from .models import Client, ClientUser, Project, Site
from .permissions import MANAGE_CLIENTS, can_manage_clients
from .selectors import client_search, client_user_list, project_list, project_search
from .services import (
    client_create,
    client_update,
    client_user_invite,
    client_user_resend,
    client_user_revoke,
    project_create,
    project_update,
    site_create,
    site_update,
)

#: rows of an import file shown on its preview page (every row with an error is always shown)
PREVIEW_ROWS = 500


class ObjectMixin(BodyScopedMixin):
    """A page about one record of the active body, in `self.object`: another body's record is a 404 before
    any permission or method check."""

    def check_object_access(self) -> None:
        self.object = self.get_object()


class ManageNavMixin:
    """Whether the person keeps the body's clients (the buttons to add and edit)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["can_manage_clients"] = can_manage_clients(
            self.request.user,  # type: ignore[attr-defined]
            self.body,  # type: ignore[attr-defined]
        )
        return context


# --- clients ------------------------------------------------------------------------------------------------


class ClientListView(ManageNavMixin, PortalMixin, FilteredListMixin, ListView):
    """The active body's clients, searched by name or registration number and filtered by country and kind."""

    template_name = "clients/client_list.html"
    context_object_name = "clients"
    paginate_by = 50
    filter_class = client_forms.ClientSearchForm

    def get_queryset(self) -> QuerySet[Client]:
        queryset = (
            Client.objects.for_body(self.body)  # type: ignore[arg-type]
            .annotate(site_count=Count("sites"))
            .order_by("legal_name", "id")
        )
        return self.filtered(queryset)

    def filter_queryset(self, queryset: QuerySet[Any], list_filter: Any) -> QuerySet[Any]:
        data = list_filter.cleaned_data
        queryset = client_search(queryset, data["q"])
        if data["country"]:
            queryset = queryset.filter(country=data["country"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        return queryset


class ClientDetailView(ManageNavMixin, ObjectMixin, DetailView):
    """One client of the body: its record, its sites (the central function first) and its projects."""

    model = Client
    template_name = "clients/client_detail.html"
    context_object_name = "client"

    def scoped_queryset(self) -> QuerySet[Client]:
        return Client.objects.prefetch_related("sectors")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        client = self.object
        context["sites"] = Site.objects.for_body(self.body).filter(client=client)  # type: ignore[arg-type]
        context["projects"] = (
            Project.objects.for_body(self.body)  # type: ignore[arg-type]
            .filter(Q(proponent=client) | Q(consultant_client=client))
            .select_related("sector", "proponent", "consultant_client")
        )
        return context


class ClientCreateView(PortalMixin, ServiceFormMixin, FormView):
    required_perm = MANAGE_CLIENTS
    form_class = client_forms.ClientForm
    template_name = "clients/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Add a client")
        context["cancel_url"] = reverse("clients:list")
        return context

    def perform(self, form: client_forms.ClientForm) -> Client:
        fields, sectors = form.service_fields()
        return client_create(body=self.body, actor=self.request.user, fields=fields, sectors=sectors)

    def get_success_message(self, result: Client) -> str:
        return _("%(name)s is added to the clients.") % {"name": result}

    def get_success_url(self, result: Any = None) -> str:
        return reverse("clients:detail", args=[result.pk])


class ClientEditView(ObjectMixin, ServiceFormMixin, FormView):
    model = Client
    required_perm = MANAGE_CLIENTS
    form_class = client_forms.ClientForm
    template_name = "clients/form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(name)s") % {"name": self.object}
        context["client"] = self.object
        context["cancel_url"] = reverse("clients:detail", args=[self.object.pk])
        return context

    def perform(self, form: client_forms.ClientForm) -> Client:
        fields, sectors = form.service_fields()
        return client_update(client=self.object, actor=self.request.user, fields=fields, sectors=sectors)

    def get_success_message(self, result: Client) -> str:
        return _("The client's details are saved.")

    def get_success_url(self, result: Any = None) -> str:
        return reverse("clients:detail", args=[self.object.pk])


# --- sites --------------------------------------------------------------------------------------------------


class SiteCreateView(ObjectMixin, ServiceFormMixin, FormView):
    """A new site of a client of the active body."""

    model = Client
    required_perm = MANAGE_CLIENTS
    form_class = client_forms.SiteForm
    template_name = "clients/form.html"
    success_message = gettext_lazy("The site is added.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Add a site of %(name)s") % {"name": self.object}
        context["client"] = self.object
        context["cancel_url"] = reverse("clients:detail", args=[self.object.pk])
        return context

    def perform(self, form: client_forms.SiteForm) -> Site:
        return site_create(client=self.object, actor=self.request.user, fields=dict(form.cleaned_data))

    def get_success_url(self, result: Any = None) -> str:
        return reverse("clients:detail", args=[self.object.pk])


class SiteEditView(ObjectMixin, ServiceFormMixin, FormView):
    model = Site
    required_perm = MANAGE_CLIENTS
    form_class = client_forms.SiteForm
    template_name = "clients/form.html"
    success_message = gettext_lazy("The site is saved.")

    def scoped_queryset(self) -> QuerySet[Site]:
        return Site.objects.select_related("client")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit the site %(name)s") % {"name": self.object.name}
        context["client"] = self.object.client
        context["cancel_url"] = reverse("clients:detail", args=[self.object.client_id])
        return context

    def perform(self, form: client_forms.SiteForm) -> Site:
        return site_update(site=self.object, actor=self.request.user, fields=dict(form.cleaned_data))

    def get_success_url(self, result: Any = None) -> str:
        return reverse("clients:detail", args=[self.object.client_id])


# --- projects -----------------------------------------------------------------------------------------------


class ProjectListView(ManageNavMixin, PortalMixin, FilteredListMixin, ListView):
    """The active body's ICR projects with their proponent, scope and crediting period; searched by name or
    registry number."""

    template_name = "clients/project_list.html"
    context_object_name = "projects"
    paginate_by = 50
    filter_class = client_forms.ProjectSearchForm

    def get_queryset(self) -> QuerySet[Project]:
        return self.filtered(project_list().filter(body=self.body))

    def filter_queryset(self, queryset: QuerySet[Any], list_filter: Any) -> QuerySet[Any]:
        return project_search(queryset, list_filter.cleaned_data["q"])


class ProjectDetailView(ManageNavMixin, ObjectMixin, DetailView):
    model = Project
    template_name = "clients/project_detail.html"
    context_object_name = "project"

    def scoped_queryset(self) -> QuerySet[Project]:
        return Project.objects.select_related("sector", "proponent", "consultant_client")


class ProjectFormMixin:
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["body"] = self.body  # type: ignore[attr-defined]
        return kwargs  # type: ignore[no-any-return]


class ProjectCreateView(ProjectFormMixin, PortalMixin, ServiceFormMixin, FormView):
    required_perm = MANAGE_CLIENTS
    form_class = client_forms.ProjectForm
    template_name = "clients/form.html"
    success_message = gettext_lazy("The project is added.")

    def get_initial(self) -> dict[str, Any]:
        """`?proponent=<client id>` (from a client's page) chooses the proponent."""
        return {"proponent": self.request.GET.get("proponent")} if self.request.GET.get("proponent") else {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Add a project")
        context["cancel_url"] = reverse("clients:projects")
        return context

    def perform(self, form: client_forms.ProjectForm) -> Project:
        return project_create(body=self.body, actor=self.request.user, fields=dict(form.cleaned_data))

    def get_success_url(self, result: Any = None) -> str:
        return reverse("clients:project-detail", args=[result.pk])


class ProjectEditView(ProjectFormMixin, ObjectMixin, ServiceFormMixin, FormView):
    model = Project
    required_perm = MANAGE_CLIENTS
    form_class = client_forms.ProjectForm
    template_name = "clients/form.html"
    success_message = gettext_lazy("The project is saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(name)s") % {"name": self.object.name}
        context["project"] = self.object
        context["cancel_url"] = reverse("clients:project-detail", args=[self.object.pk])
        return context

    def perform(self, form: client_forms.ProjectForm) -> Project:
        return project_update(project=self.object, actor=self.request.user, fields=dict(form.cleaned_data))

    def get_success_url(self, result: Any = None) -> str:
        return reverse("clients:project-detail", args=[self.object.pk])


# --- bulk import of clients and sites -----------------------------------------------------------------------


class ImportView(ImportUploadMixin, PortalMixin, ServiceFormMixin, FormView):
    """Upload a CSV or XLSX of clients and sites; nothing is written before the preview is applied."""

    required_perm = MANAGE_CLIENTS
    form_class = client_forms.ClientImportUploadForm
    template_name = "clients/import_upload.html"
    import_kind = CLIENT_IMPORT
    columns = COLUMNS
    url_namespace = "clients"

    def perform(self, form: client_forms.ClientImportUploadForm) -> ImportPreview:
        return client_import_preview(
            body=self.body, actor=self.request.user, upload=form.cleaned_data["file"]
        )


class ImportPreviewView(ImportPreviewMixin, ObjectMixin, DetailView):
    """Every row of an uploaded file with its errors; "Apply" only when all is well (applying checks again)."""

    required_perm = MANAGE_CLIENTS
    template_name = "clients/import_preview.html"
    import_kind = CLIENT_IMPORT
    columns = COLUMNS
    preview_rows = PREVIEW_ROWS


class ImportApplyView(ServiceActionMixin, ObjectMixin, View):
    """POST: writes every row of a valid preview in one transaction, or nothing."""

    model = ImportBatch
    required_perm = MANAGE_CLIENTS

    def scoped_queryset(self) -> QuerySet[ImportBatch]:
        return ImportBatch.objects.filter(kind=CLIENT_IMPORT).select_related("body")

    def act(self, record: ImportBatch, form: Any) -> ImportPreview:
        return client_import_apply(batch=record, actor=self.request.user)

    def get_success_message(self, result: ImportPreview) -> str:
        rows = len(result.rows)
        clients = len({row.parsed["key"] for row in result.rows})
        return ngettext(
            "The file is imported: %(rows)s row, %(clients)s client.",
            "The file is imported: %(rows)s rows, %(clients)s clients.",
            rows,
        ) % {"rows": rows, "clients": clients}

    def get_success_url(self, result: ImportPreview | ImportBatch) -> str:
        batch = result.batch if isinstance(result, ImportPreview) else result
        return reverse("clients:import-preview", args=[batch.pk])  # type: ignore[union-attr]


class ImportTemplateView(PortalMixin, View):
    """A CSV with the import's header row and one example line."""

    required_perm = MANAGE_CLIENTS
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        body = "".join(csv_lines(list(COLUMNS), [list(IMPORT_TEMPLATE_EXAMPLE)]))
        response = HttpResponse(body, content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="clients-import-template.csv"'
        return response


# --- client users (body side): who at a client reads its records in the client view ------------------------


class ClientUsersView(ManageNavMixin, ObjectMixin, DetailView):
    """A client's users: invited, active and revoked, with their dates; the client managers invite, re-send
    and revoke here."""

    model = Client
    template_name = "clients/client_users.html"
    context_object_name = "client"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["client_users"] = client_user_list().filter(client=self.object)
        context["invite_form"] = client_forms.ClientUserInviteForm()
        context["revoke_form"] = client_forms.ClientUserRevokeForm()
        context["now"] = timezone.now()
        return context


class ClientUserInviteView(ObjectMixin, ServiceFormMixin, FormView):
    """Invite a person at the client (name, email): they get a one-time link by email."""

    model = Client
    required_perm = MANAGE_CLIENTS
    form_class = client_forms.ClientUserInviteForm
    template_name = "clients/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Invite a person at %(name)s") % {"name": self.object}
        context["client"] = self.object
        context["cancel_url"] = reverse("clients:users", args=[self.object.pk])
        return context

    def perform(self, form: client_forms.ClientUserInviteForm) -> ClientUser:
        return client_user_invite(
            client=self.object,
            actor=self.request.user,
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
        )

    def get_success_message(self, result: ClientUser) -> str:
        return _("An invitation is on its way to %(email)s.") % {"email": result.email}

    def get_success_url(self, result: Any = None) -> str:
        return reverse("clients:users", args=[self.object.pk])


class ClientUserActionView(ServiceActionView):
    model = ClientUser
    required_perm = MANAGE_CLIENTS

    def scoped_queryset(self) -> QuerySet[ClientUser]:
        return ClientUser.objects.select_related("client", "body")

    def get_success_url(self, result: Any) -> str:
        return reverse("clients:users", args=[result.client_id])


class ClientUserResendView(ClientUserActionView):
    """POST: a new invitation link (the old one stops working)."""

    def act(self, record: ClientUser, form: Any) -> ClientUser:
        return client_user_resend(client_user=record, actor=self.request.user)

    def get_success_message(self, result: ClientUser) -> str:
        return _("A new invitation is on its way to %(email)s; the previous link no longer works.") % {
            "email": result.email
        }


class ClientUserRevokeView(ClientUserActionView):
    """POST (reason optional): the person's access ends at once."""

    form_class = client_forms.ClientUserRevokeForm

    def act(self, record: ClientUser, form: Any) -> ClientUser:
        return client_user_revoke(
            client_user=record, actor=self.request.user, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, result: ClientUser) -> str:
        return _("%(name)s no longer has access to the client view.") % {"name": result.full_name}
