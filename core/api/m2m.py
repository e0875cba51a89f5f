"""Many-to-many keys for list endpoints without building a model instance per related row.

`attach_m2m_ids(page, "activities", "sectors")` reads the through tables once per relation and stores the keys
on each instance; `M2MIdsField` serializes them (and falls back to one query for a single object).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import CodeRefSerializer, SectorRefSerializer
from reference.models import Sector

_CACHE = "_m2m_ids"


def attach_m2m_ids(instances: Sequence[Any], *names: str) -> None:
    if not instances:
        return
    model = type(instances[0])
    keys = [instance.pk for instance in instances]
    for name in names:
        field = model._meta.get_field(name)
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = field.remote_field.through.objects.filter(**{f"{source}_id__in": keys}).values_list(
            f"{source}_id", f"{target}_id"
        )
        found: dict[Any, list[Any]] = defaultdict(list)
        for owner, related in rows:
            found[owner].append(related)
        for instance in instances:
            instance.__dict__.setdefault(_CACHE, {})[name] = sorted(found.get(instance.pk, []))


class M2MIdsField(serializers.Field):
    """Read-only list of the related keys of a many-to-many field."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        return instance

    def to_representation(self, instance: Any) -> list[Any]:
        name = str(self.source or self.field_name)
        cached = instance.__dict__.get(_CACHE, {}).get(name)
        if cached is not None:
            return cached
        return sorted(getattr(instance, name).values_list("pk", flat=True))


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class M2MCodesField(M2MIdsField):
    """Keys that are codes (strings)."""


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class M2MIntIdsField(M2MIdsField):
    """Keys that are integers."""


def _refs(
    field: M2MIdsField, model: Any, serializer: type[serializers.Serializer], keys: list[Any]
) -> list[Any]:
    """The related rows as `serializer` shows them: every row of the (small) reference table read once per
    response and each one serialized once, kept on the root serializer; a key missing from the cache (a row
    added meanwhile) reads the table again."""
    attribute = f"_icr_refs_{model._meta.label_lower}"
    cache: dict[Any, Any] | None = getattr(field.root, attribute, None)
    if cache is None or any(key not in cache for key in keys):
        cache = {key: dict(serializer(row).data) for key, row in model.objects.in_bulk().items()}
        setattr(field.root, attribute, cache)
    return [dict(cache[key]) for key in keys]


@extend_schema_field(SectorRefSerializer(many=True))
class M2MSectorRefsField(M2MIdsField):
    """Read-only sectors of a many-to-many field, each as the reference endpoint names it (`scheme`, `code`,
    `name`, `version`): the keys attached by `attach_m2m_ids` (or one query for a single object), the sectors
    themselves read once per response (reference data: a few dozen rows), so a list stays flat."""

    def to_representation(self, instance: Any) -> list[Any]:
        ids = super().to_representation(instance)
        return _refs(self, Sector, SectorRefSerializer, ids) if ids else []


@extend_schema_field(CodeRefSerializer(many=True))
class M2MCodeRefsField(M2MIdsField):
    """Read-only activities or standards of a many-to-many field, each as the reference endpoints name it
    (`code`, `name`): the codes attached by `attach_m2m_ids` (or one query for a single object), the rows read
    once per response (reference data), so a list stays flat. `model` is the related model."""

    def __init__(self, *, model: Any, **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def to_representation(self, instance: Any) -> list[Any]:
        codes = super().to_representation(instance)
        return _refs(self, self.model, CodeRefSerializer, codes) if codes else []
