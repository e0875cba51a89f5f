"""Input and output shapes of the clients API. Inputs parse types and formats only; the services hold the
rules (same body, GHG sector, periods, one central function, unique numbers)."""

from __future__ import annotations

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from bodies.models.tenants import Body
from clients.models import Client, ClientKind, ClientUser, Project, Site
from clients.services import CLIENT_FIELDS, PROJECT_FIELDS, SITE_FIELDS
from core.api.m2m import M2MSectorRefsField
from core.api.serializers import (
    SectorField,
    SectorListField,
    SectorRefSerializer,
    ServiceFieldsInput,
    VisibleRelatedField,
)

# --- clients ------------------------------------------------------------------------------------------------


class ClientOutput(serializers.ModelSerializer):
    """A client as the body's people see it; `sectors` named by `scheme` and `code` as in /reference/sectors/."""

    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    country = CountryField(read_only=True)
    sectors = M2MSectorRefsField()

    class Meta:
        model = Client
        fields = ["id", "body", *CLIENT_FIELDS, "sectors", "created_at", "updated_at"]
        read_only_fields = fields


class ClientUpdateInput(ServiceFieldsInput):
    """A client's record (create: the required fields; PATCH: any subset). Lengths and the rest of the model's
    rules are checked by the service."""

    own_arguments = ("sectors",)

    legal_name = serializers.CharField()
    short_name = serializers.CharField(required=False, allow_blank=True)
    country = CountryField()
    registration_number = serializers.CharField(
        required=False, allow_blank=True, help_text="unique among the body's clients when given"
    )
    address = serializers.CharField(required=False, allow_blank=True)
    contact_name = serializers.CharField()
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(required=False, allow_blank=True)
    effective_personnel = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    kind = serializers.ChoiceField(choices=ClientKind.choices, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    sectors = SectorListField(
        required=False, help_text='[{"scheme", "code"}] as in /reference/sectors/; replaces the current ones'
    )


class ClientCreateInput(ClientUpdateInput):
    own_arguments = ("body", *ClientUpdateInput.own_arguments)

    body = VisibleRelatedField(
        queryset=Body.objects.all(),
        pk_field=serializers.UUIDField(),
        help_text="the body the client is of; a body's token may leave it out",
    )


# --- sites --------------------------------------------------------------------------------------------------


class SiteOutput(serializers.ModelSerializer):
    client = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    country = CountryField(read_only=True)

    class Meta:
        model = Site
        fields = ["id", "client", *SITE_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields


class SiteInput(ServiceFieldsInput):
    name = serializers.CharField()
    address = serializers.CharField(required=False, allow_blank=True)
    country = CountryField()
    activities = serializers.CharField(required=False, allow_blank=True)
    effective_personnel = serializers.IntegerField(min_value=0)
    is_central_function = serializers.BooleanField(
        required=False, help_text="at most one site of a client is its central function"
    )


# --- projects -----------------------------------------------------------------------------------------------


class ClientRefOutput(serializers.ModelSerializer):
    class Meta:
        model = Client
        fields = ["id", "legal_name"]
        read_only_fields = fields


class ProjectOutput(serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    country = CountryField(read_only=True)
    sector = SectorRefSerializer(read_only=True)
    proponent = ClientRefOutput(read_only=True)
    consultant_client = ClientRefOutput(read_only=True, allow_null=True)

    class Meta:
        model = Project
        fields = ["id", "body", *PROJECT_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields


class ProjectUpdateInput(ServiceFieldsInput):
    """A project (create: the required fields; PATCH: any subset). The proponent and a consultant that is a
    client are ids from /clients/ of the project's body; the consultant is a client or a name, not both."""

    registry_project_id = serializers.CharField(required=False, allow_blank=True)
    registry_number = serializers.CharField(help_text="unique among the body's projects")
    name = serializers.CharField()
    methodology = serializers.CharField()
    sector = SectorField(
        help_text='a GHG sectoral scope, {"scheme": "ghg", "code"} as in /reference/sectors/'
    )
    country = CountryField()
    proponent = VisibleRelatedField(queryset=Client.objects.all(), pk_field=serializers.UUIDField())
    consultant_client = VisibleRelatedField(
        queryset=Client.objects.all(), pk_field=serializers.UUIDField(), required=False, allow_null=True
    )
    consultant_name = serializers.CharField(required=False, allow_blank=True)
    crediting_period_start = serializers.DateField(required=False, allow_null=True)
    crediting_period_end = serializers.DateField(required=False, allow_null=True)
    monitoring_period_start = serializers.DateField(required=False, allow_null=True)
    monitoring_period_end = serializers.DateField(required=False, allow_null=True)


class ProjectCreateInput(ProjectUpdateInput):
    own_arguments = ("body",)

    body = VisibleRelatedField(
        queryset=Body.objects.all(),
        pk_field=serializers.UUIDField(),
        help_text="the body the project is of; a body's token may leave it out",
    )


# --- client users -------------------------------------------------------------------------------------------


class ClientUserOutput(serializers.ModelSerializer):
    """A person at a client with access to its client view (never the invitation's token or its hash)."""

    client = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    user = serializers.PrimaryKeyRelatedField(read_only=True)
    invited_by = serializers.PrimaryKeyRelatedField(read_only=True)
    expires_at = serializers.DateTimeField(
        read_only=True, help_text="the invitation link's last valid moment"
    )

    class Meta:
        model = ClientUser
        fields = [
            "id",
            "client",
            "email",
            "full_name",
            "status",
            "status_reason",
            "user",
            "invited_at",
            "invited_by",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = fields


class ClientUserInviteInput(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    email = serializers.EmailField()


class ClientUserRevokeInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
