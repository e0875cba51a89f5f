"""Serializer fields shared by every app's API, and the serializers of the platform's own endpoints."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from core.api.filters import parse_sector_param
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


# --- activities and standards: addressed by code, as the reference endpoints show them -----------------------


class CodeRefSerializer(serializers.Serializer):
    """An activity or a standard as `GET /reference/activities/` and `/reference/standards/` show it: its `code`
    names it; `name` is for people."""

    code = serializers.CharField(help_text="e.g. verification (an activity) or iso-14064-3 (a standard)")
    name = serializers.CharField(read_only=True)


def _code_of(data: Any) -> Any:
    """A code sent as itself ("verification") or as the object an answer holds ({"code": "verification"})."""
    if isinstance(data, dict):
        return data.get("code")
    return data


@extend_schema_field(CodeRefSerializer)
class CodeRefField(serializers.PrimaryKeyRelatedField):
    """An activity or a standard in a request: its code (`"iso-14064-3"`, or `{"code": "iso-14064-3"}` as an
    answer shows it); answered as `{"code", "name"}`."""

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value(_code_of(data))

    def to_representation(self, value: Any) -> dict[str, Any]:
        return dict(CodeRefSerializer(value).data)


@extend_schema_field(CodeRefSerializer(many=True))
class CodeRefListField(serializers.ListField):
    """Activities or standards in a request, each a code (or `{"code"}`), resolved in one query; unknown codes are
    a field error naming them, duplicates are dropped, the order kept. Answered as `[{"code", "name"}]`."""

    default_error_messages = {"unknown": _("Unknown value(s): {values}.")}

    def __init__(self, *, queryset: QuerySet[Any], **kwargs: Any) -> None:
        self.queryset = queryset
        kwargs["child"] = serializers.CharField()
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[Model]:
        if isinstance(data, str | dict) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        keys = list(dict.fromkeys(super().to_internal_value([_code_of(item) for item in data])))
        found = {str(obj.pk): obj for obj in self.queryset.filter(pk__in=keys)}
        missing = [str(key) for key in keys if str(key) not in found]
        if missing:
            self.fail("unknown", values=", ".join(missing))
        return [found[str(key)] for key in keys]

    def to_representation(self, value: Any) -> list[dict[str, Any]]:
        rows = value.all() if hasattr(value, "all") else value
        return [dict(CodeRefSerializer(row).data) for row in rows]


# --- sectors: addressed by scheme and code, as the reference endpoint shows them ------------------------------


class SectorRefSerializer(serializers.Serializer):
    """A sector as `GET /reference/sectors/` shows it: its `scheme` and `code` name it (with `version`, the list
    version; left out in a request: the current one); `name` is for people."""

    scheme = serializers.ChoiceField(choices=Sector.Scheme.choices)
    code = serializers.CharField(help_text="e.g. 28 (IAF) or 1 (GHG sectoral scope)")
    name = serializers.CharField(read_only=True)
    version = serializers.CharField(
        required=False, help_text="the list version; the current one when left out"
    )


SectorKey = tuple[str, str, str | None]


def resolve_sectors(keys: list[SectorKey]) -> dict[SectorKey, Sector]:
    """The sectors named by (scheme, code, version or None for the current list), in one query."""
    if not keys:
        return {}
    condition = Q()
    for scheme, code, version in keys:
        condition |= Q(
            scheme=scheme, code=code, **({"version": version} if version else {"is_current": True})
        )
    found: dict[SectorKey, Sector] = {}
    for sector in Sector.objects.filter(condition):
        for key in ((sector.scheme, sector.code, sector.version), (sector.scheme, sector.code, None)):
            if key in keys and (key[2] is not None or sector.is_current):
                found[key] = sector
    return found


def _label(key: SectorKey) -> str:
    scheme, code, version = key
    return f"{scheme}:{code}" + (f" ({version})" if version else "")


@extend_schema_field(SectorRefSerializer)
class SectorField(serializers.Field):
    """A sector in a request body: `{"scheme": "iaf", "code": "28"}` (`version` optional; in a multipart form
    `iaf:28`); answers the same object."""

    default_error_messages = {
        # str.format: the braces are doubled
        "invalid": _('Name the sector by its scheme and code, e.g. {{"scheme": "iaf", "code": "28"}}.'),
        "unknown": _("Unknown sector: {values}."),
    }

    def key(self, data: Any) -> SectorKey:
        # a form (multipart) cannot nest objects: `scheme:code` there, as in a query
        if isinstance(data, str):
            parsed = parse_sector_param(data)
            if parsed is None:
                self.fail("invalid")
            return parsed  # type: ignore[return-value]
        if not isinstance(data, dict):
            self.fail("invalid")
        scheme, code, version = data.get("scheme"), data.get("code"), data.get("version")
        if scheme not in Sector.Scheme.values or not isinstance(code, str | int) or str(code).strip() == "":
            self.fail("invalid")
        if version is not None and not isinstance(version, str):
            self.fail("invalid")
        return (str(scheme), str(code).strip(), version or None)

    def to_internal_value(self, data: Any) -> Sector:
        key = self.key(data)
        found = resolve_sectors([key])
        if key not in found:
            self.fail("unknown", values=_label(key))
        return found[key]

    def to_representation(self, value: Sector) -> dict[str, Any]:
        return dict(SectorRefSerializer(value).data)


@extend_schema_field(SectorRefSerializer(many=True))
class SectorListField(serializers.ListField):
    """Sectors in a request body, each `{"scheme", "code"}`, resolved in one query; duplicates dropped."""

    default_error_messages = {"unknown": _("Not in the sector list: {values}.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs["child"] = SectorField()
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[Sector]:
        if isinstance(data, str | dict) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        errors: dict[int, Any] = {}
        keys: list[SectorKey] = []
        for index, item in enumerate(data):
            try:
                keys.append(self.child.key(item))  # type: ignore[attr-defined]
            except serializers.ValidationError as exc:
                errors[index] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        keys = list(dict.fromkeys(keys))
        found = resolve_sectors(keys)
        missing = [_label(key) for key in keys if key not in found]
        if missing:
            self.fail("unknown", values=", ".join(missing))
        return [found[key] for key in keys]

    def to_representation(self, value: Any) -> list[dict[str, Any]]:
        rows = value.all() if hasattr(value, "all") else value
        return [dict(SectorRefSerializer(sector).data) for sector in rows]


class SectorParamField(serializers.CharField):
    """A sector in a query parameter: `scheme:code`, e.g. `iaf:28` or `ghg:1` (the current list)."""

    default_error_messages = {
        "invalid": _("Name the sector as scheme:code, e.g. iaf:28 or ghg:1."),
        "unknown": _("Unknown sector: {values}."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "sector as scheme:code, e.g. iaf:28 or ghg:1")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Sector:
        key = parse_sector_param(str(super().to_internal_value(data)))
        if key is None:
            self.fail("invalid")
        found = resolve_sectors([key])
        if key not in found:
            self.fail("unknown", values=_label(key))
        return found[key]


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
