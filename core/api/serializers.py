"""Serializer fields shared by every app's API, and the serializers of the platform's own endpoints."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty

from core.api.views import request_token
from core.models import AuditEvent
from reference.models import Activity, Sector, Standard

# --- inputs -------------------------------------------------------------------------------------------------


# The input of a service that takes a record's plain values as `fields=` and some values as arguments of their
# own (`own_arguments`: the related records, the many-to-many lists), e.g. `accreditation_create(body=...,
# fields={...}, scope_sectors=[...])`. An own argument left out is None in a PATCH (unchanged) and an empty
# list otherwise. (No docstring: drf-spectacular would print it as every subclass's description.)
class ServiceFieldsInput(serializers.Serializer):
    own_arguments: tuple[str, ...] = ()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        fields = dict(super().validate(attrs))
        own = {name: fields.pop(name, None if self.partial else ()) for name in self.own_arguments}
        return {"fields": fields, **own}


# --- input fields -------------------------------------------------------------------------------------------


class PkListField(serializers.ListField):
    """A list of primary keys (activity codes, sector ids, ...) resolved to objects in one query.

    Unknown keys are a field error naming them; duplicates are dropped, the order is kept.
    """

    default_error_messages = {"unknown": _("Unknown value(s): {values}.")}

    def __init__(self, *, queryset: QuerySet[Any], **kwargs: Any) -> None:
        self.queryset = queryset
        kwargs.setdefault("child", serializers.CharField())
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[Model]:
        keys = list(dict.fromkeys(super().to_internal_value(data)))
        found = {str(obj.pk): obj for obj in self.queryset.filter(pk__in=keys)}
        missing = [str(key) for key in keys if str(key) not in found]
        if missing:
            self.fail("unknown", values=", ".join(missing))
        return [found[str(key)] for key in keys]

    def to_representation(self, value: Any) -> list[Any]:
        return [obj.pk for obj in value.all()]


def implied_body(request: Any) -> Any:
    """The body a body's bearer token acts for (None for a session or a registry token)."""
    token = request_token(request) if request is not None else None
    if token is None or token.for_registry:
        return None
    return token.body


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of a tenant record the caller can see; anything else is the field error "Not found."

    The caller's queryset (`visible_to(user, token)`) is applied here, so a record of another tenant is
    indistinguishable from a missing one. A body (`queryset=Body...`) left out (or null) by a body's bearer token
    is that token's body: the token acts for one body, so it need not name it (another body is "Not found.").
    """

    default_error_messages = {
        "does_not_exist": _("Not found."),
        "incorrect_type": _("Not found."),
    }

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context["request"]
        return super().get_queryset().visible_to(request.user, request_token(request))

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if (data is empty or data is None) and not getattr(self.root, "partial", False):
            from bodies.models.tenants import Body

            if self.queryset is not None and self.queryset.model is Body:
                body = implied_body(self.context.get("request"))
                if body is not None:
                    return True, body
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except DjangoValidationError:  # a malformed UUID fails inside the lookup
            self.fail("does_not_exist", pk_value=data)


# --- output serializers -------------------------------------------------------------------------------------


class BodyRefSerializer(serializers.Serializer):
    """A body named in another record."""

    id = serializers.UUIDField()
    legal_name = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    """A person named in another record."""

    id = serializers.UUIDField()
    full_name = serializers.CharField()


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = ["code", "name"]


class StandardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Standard
        fields = ["code", "name", "kind", "sector_scheme"]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "scheme", "code", "name", "version", "is_current"]


class AuditEventSerializer(serializers.ModelSerializer):
    """One event of the audit trail. `before`/`after` are the recorded values, keys as recorded."""

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "body",
            "sequence",
            "actor",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "request_id",
            "created_at",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields
