"""Back-office columns and filters that read labels, not codes (`core.labels` for the admin).

Django's admin shows a choice field's label by itself, but not the items of a list field
(`ArrayField(CharField(choices))`, e.g. a membership's roles) nor codes declared in a registry (a notice,
deadline, document or import kind). These helpers cover both, once for every admin:

    roles_label = choices_column("roles", _("roles"), Role.choices)   # list_display / readonly_fields
    list_filter = (registry_kind_filter(KINDS), ...)             # "kind" offered and shown by its label
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .labels import choice_label, field_label
from .registry import Registry


def choices_column(
    field_name: str, description: Any = None, choices: Any = None
) -> Callable[[Any, Model], str]:
    """An admin column (a method of the ModelAdmin or inline) showing a field's label(s): a list of codes
    becomes their labels joined ("Body administrator, Lead auditor"). `choices` for a field that does not
    declare them itself (a JSON list of roles)."""

    @admin.display(description=description or field_name.replace("_", " "), ordering=field_name)
    def column(model_admin: Any, obj: Model) -> str:
        if choices is not None:
            return choice_label(choices, getattr(obj, field_name))
        return field_label(obj, field_name)

    return column


def _entry_label(entry: Any, key: str) -> str:
    label = getattr(entry, "label", None)
    return str(label) if label is not None else key


def registry_kind_filter(
    *registries: Registry[Any], title: Any = None, parameter_name: str = "kind"
) -> type[admin.SimpleListFilter]:
    """A list filter on a code field holding keys of one or more registries, each choice named by the label
    its declaration gives (sorted by label)."""

    class KindFilter(admin.SimpleListFilter):
        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            labels: dict[str, str] = {}
            for registry in registries:
                for entry in registry.entries.values():
                    key = registry.key(entry)
                    labels.setdefault(key, _entry_label(entry, key))
            return sorted(labels.items(), key=lambda item: item[1].casefold())

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            value = self.value()
            return queryset.filter(**{str(self.parameter_name): value}) if value else queryset

    KindFilter.title = title or _("kind")
    KindFilter.parameter_name = parameter_name
    KindFilter.__name__ = KindFilter.__qualname__ = f"{parameter_name.title()}Filter"
    return KindFilter
