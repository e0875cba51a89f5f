"""Input and output shapes of the accounts API: the caller (`/me/`) and API tokens."""

from __future__ import annotations

from django.utils.functional import lazy
from djangorestframework_camel_case.util import camelize
from rest_framework import serializers

from accounts.models import ApiToken
from bodies.models.tenants import Body, Role
from core.api.resources import token_resources
from core.api.serializers import BodyRefSerializer, UserRefSerializer, VisibleRelatedField


def _scopes_help() -> str:
    """Names the resources as the JSON spells them (camelCase), read from the routed API views."""
    names = (camelize({resource.name: None}) for resource in token_resources())
    return "resource → read | write; resources: " + ", ".join(next(iter(name)) for name in names)


_SCOPES_HELP = lazy(_scopes_help, str)()


class ApiTokenOutput(serializers.ModelSerializer):
    """A token as its body's administrators see it: never its secret or hash, only the public prefix."""

    id = serializers.UUIDField(source="uuid", read_only=True)
    body = BodyRefSerializer(read_only=True, allow_null=True, help_text="null for a registry token")
    created_by = UserRefSerializer(read_only=True)
    scopes = serializers.DictField(child=serializers.CharField(), read_only=True, help_text=_SCOPES_HELP)
    created_at = serializers.DateTimeField(source="created", read_only=True)
    expires_at = serializers.DateTimeField(source="expiry_date", read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "body",
            "for_registry",
            "scopes",
            "created_by",
            "created_at",
            "expires_at",
            "revoked",
            "lapsed_at",
            "last_used_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "lapsed_at": {
                "help_text": "When the token stopped working because its creator lost `manage_api_tokens` on "
                "the body (membership ended or suspended, administrator role removed); null while it stands. "
                "A lapsed token never works again: create a new one."
            }
        }


class ApiTokenCreatedOutput(ApiTokenOutput):
    key = serializers.CharField(read_only=True, help_text="the secret, shown only in this response")

    class Meta(ApiTokenOutput.Meta):
        fields = [*ApiTokenOutput.Meta.fields, "key"]
        read_only_fields = fields


class ApiTokenCreateInput(serializers.Serializer):
    body = VisibleRelatedField(queryset=Body.objects.all(), pk_field=serializers.UUIDField())
    name = serializers.CharField(allow_blank=True, help_text="the integration that will use the token")
    scopes = serializers.DictField(child=serializers.CharField(), help_text=_SCOPES_HELP)
    expires_at = serializers.DateTimeField()


class MeMembershipOutput(serializers.Serializer):
    body = BodyRefSerializer()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))


class MeTokenOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField()
    body = BodyRefSerializer(allow_null=True, help_text="null for a registry token")
    for_registry = serializers.BooleanField(help_text="acts for the registry: every body")
    scopes = serializers.DictField(child=serializers.CharField(), help_text=_SCOPES_HELP)
    expires_at = serializers.DateTimeField(source="expiry_date", allow_null=True)


class MeOutput(serializers.Serializer):
    """The caller. With a bearer token: the person who created it, limited to the token's body and scopes (a
    registry token: every body, no memberships)."""

    id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    language = serializers.CharField()
    is_registry_staff = serializers.BooleanField()
    memberships = MeMembershipOutput(many=True)
    token = MeTokenOutput(allow_null=True)
