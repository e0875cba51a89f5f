"""Clients API v1: a body's clients, the sites under a client, and its ICR projects.

Each view parses its input, calls one service or selector and serializes the result; the rules are the
services'. Tenancy comes from `TenantViewSet`: another body's client, site or project answers 404. Every
active member of a body reads its clients and projects; the body's administrators (`manage_clients`) write
them. Token scope resources: `clients` (clients and their sites) and `projects`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from clients.models import Client, ClientUser, Project, Site
from clients.selectors import client_list, client_user_list, project_list, site_list
from clients.services import (
    client_create,
    client_update,
    client_user_invite,
    client_user_resend,
    client_user_revoke,
    project_create,
    project_update,
    site_create,
    site_delete,
    site_update,
)
from core.api.m2m import attach_m2m_ids
from core.api.schema import errors, nested_list_schema
from core.api.views import NestedViewSetMixin, TenantViewSet, create_action, transition_action

from .filters import ClientFilter, ProjectFilter
from .serializers import (
    ClientCreateInput,
    ClientOutput,
    ClientUpdateInput,
    ClientUserInviteInput,
    ClientUserOutput,
    ClientUserRevokeInput,
    ProjectCreateInput,
    ProjectOutput,
    ProjectUpdateInput,
    SiteInput,
    SiteOutput,
)

CLIENTS = ["clients"]
PROJECTS = ["projects"]
WRITE = "Needs the body's `manage_clients` permission (its administrators)."


@extend_schema_view(
    list=extend_schema(
        summary="List clients",
        tags=CLIENTS,
        description="The clients of the caller's bodies (a token: its body), by legal name; registry staff see "
        "every body's. The same organisation may be a client of two bodies: each keeps its own record.",
        responses={200: ClientOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One client", tags=CLIENTS, responses={200: ClientOutput, **errors(401, 403, 404)}
    ),
)
class ClientViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Client.objects.all()
    serializer_class = ClientOutput
    resource = "clients"
    resource_label = _("Clients")
    envelope_key = "clients"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ClientFilter

    def base_queryset(self) -> QuerySet[Client]:
        # the page's sectors are attached below from the through table alone (no prefetch of whole rows)
        return client_list().prefetch_related(None)

    def paginate_queryset(self, queryset: QuerySet[Client]) -> list[Client] | None:
        page = super().paginate_queryset(queryset)
        attach_m2m_ids(page or [], "sectors")  # one query, no instance per related row
        return page

    create = create_action(
        client_create,
        on="collection",
        input=ClientCreateInput,
        output=ClientOutput,
        summary="Add a client",
        tags=CLIENTS,
        description=f"{WRITE} A registration number is unique among the body's clients.",
    )
    partial_update = transition_action(
        client_update,
        route=False,
        input=ClientUpdateInput,
        partial=True,
        output=ClientOutput,
        conflict=False,
        summary="Change a client",
        tags=CLIENTS,
        description=f"{WRITE} `sectors`, when given, replaces the current ones.",
    )


class ClientSiteMixin(NestedViewSetMixin):
    """The sites under `clients/{clientId}/sites/`: 404 unless the caller can see that client."""

    resource = "clients"
    parent_model = Client
    parent_url_kwarg = "client_id"
    parent_field = "client"
    parent_related = ("body",)


@nested_list_schema(
    "The client's sites", tags=CLIENTS, description="Every active member of the client's body."
)
class ClientSiteViewSet(ClientSiteMixin, viewsets.GenericViewSet):
    queryset = Site.objects.all()
    serializer_class = SiteOutput
    envelope_key = "sites"

    def base_queryset(self) -> QuerySet[Site]:
        return site_list()

    create = create_action(
        site_create,
        input=SiteInput,
        output=SiteOutput,
        summary="Add a site to a client",
        tags=CLIENTS,
        description=f"{WRITE} A client has at most one central function.",
    )

    @extend_schema(
        summary="One site of a client", tags=CLIENTS, responses={200: SiteOutput, **errors(401, 403, 404)}
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(SiteOutput(self.get_object()).data)

    partial_update = transition_action(
        site_update,
        route=False,
        input=SiteInput,
        partial=True,
        output=SiteOutput,
        conflict=False,
        summary="Change a site",
        tags=CLIENTS,
        description=WRITE,
    )

    @extend_schema(
        summary="Remove a site",
        tags=CLIENTS,
        description=WRITE,
        request=None,
        responses={204: None, **errors(401, 403, 404)},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        site_delete(site=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="List ICR projects",
        tags=PROJECTS,
        description="The projects of the caller's bodies (a token: its body), by name; registry staff see every "
        "body's.",
        responses={200: ProjectOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One ICR project", tags=PROJECTS, responses={200: ProjectOutput, **errors(401, 403, 404)}
    ),
)
class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Project.objects.all()
    serializer_class = ProjectOutput
    resource = "projects"
    resource_label = _("Projects")
    envelope_key = "projects"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProjectFilter

    def base_queryset(self) -> QuerySet[Project]:
        return project_list()

    create = create_action(
        project_create,
        on="collection",
        input=ProjectCreateInput,
        output=ProjectOutput,
        summary="Add an ICR project",
        tags=PROJECTS,
        description=f"{WRITE} The sector is a GHG sectoral scope; the proponent and a consultant client are "
        "clients of the same body; the consultant is a client or a name, not both; a period ends on or after "
        "its start.",
    )
    partial_update = transition_action(
        project_update,
        route=False,
        input=ProjectUpdateInput,
        partial=True,
        output=ProjectOutput,
        conflict=False,
        summary="Change an ICR project",
        tags=PROJECTS,
        description=WRITE,
    )


# --- client users: people at a client who read its records in the client view --------------------------------


@nested_list_schema(
    "The client's users",
    tags=CLIENTS,
    description="Invited, active and revoked, by name; every active member of the client's body reads them. "
    "Client users themselves read nothing here.",
)
class ClientUserNestedViewSet(ClientSiteMixin, viewsets.GenericViewSet):
    queryset = ClientUser.objects.all()
    serializer_class = ClientUserOutput
    envelope_key = "client_users"

    def base_queryset(self) -> QuerySet[ClientUser]:
        return client_user_list()

    create = create_action(
        client_user_invite,
        input=ClientUserInviteInput,
        output=ClientUserOutput,
        summary="Invite a person at a client",
        tags=CLIENTS,
        description=f"{WRITE} The person gets an email with a one-time link to the client view, valid for "
        "`CLIENT_INVITATION_MAX_AGE_DAYS`; one open invitation or access per email address and client.",
    )


class ClientUserViewSet(TenantViewSet):
    """Actions on one client user (`client-users/{id}/...`)."""

    queryset = ClientUser.objects.all()
    serializer_class = ClientUserOutput
    resource = "clients"
    envelope_key = "client_users"

    def base_queryset(self) -> QuerySet[ClientUser]:
        return client_user_list()

    resend = transition_action(
        client_user_resend,
        output=ClientUserOutput,
        summary="Send a new invitation link",
        tags=CLIENTS,
        description=f"{WRITE} Only an open invitation; the previous link stops working.",
    )
    revoke = transition_action(
        client_user_revoke,
        input=ClientUserRevokeInput,
        output=ClientUserOutput,
        summary="Revoke a client user's access",
        tags=CLIENTS,
        description=f"{WRITE} The access (or the open invitation) ends at once; the reason is optional.",
    )
