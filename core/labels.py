"""Human labels of stored codes (choices), written once for pages, the admin, PDFs, emails and exports.

Codes stay in the API; everywhere a person reads, a code is shown through `choice_label` (one code or a list
of codes against any choices) or `field_label` (a model instance's field, a list field of choices included,
which Django's `get_FOO_display` does not cover).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db import models


def choices_map(choices: Any) -> dict[str, Any]:
    """code → label of a TextChoices class, a list of pairs (grouped ones too) or a mapping."""
    if isinstance(choices, type) and issubclass(choices, models.Choices):
        choices = choices.choices
    if isinstance(choices, Mapping):
        return {str(key): value for key, value in choices.items()}
    labels: dict[str, Any] = {}
    for value, label in choices or ():
        if isinstance(label, list | tuple):  # a named group of choices
            labels.update({str(v): lbl for v, lbl in label})
        else:
            labels[str(value)] = label
    return labels


def choice_label(choices: Any, value: Any, separator: str = ", ") -> str:
    """The label of `value` in `choices`; a list of codes becomes its labels joined; an unknown code stays."""
    if value is None or value == "":
        return ""
    labels = choices_map(choices)
    if isinstance(value, Iterable) and not isinstance(value, str):
        return separator.join(str(labels.get(str(item), item)) for item in value)
    return str(labels.get(str(value), value))


def field_choices(model: Any, field_name: str) -> Any:
    """The choices of a model field, or of its items when it is a list field (`ArrayField(CharField(choices))`)."""
    field = model._meta.get_field(field_name)
    base_field = getattr(field, "base_field", None)
    return field.choices or (base_field.choices if base_field is not None else None) or ()


def field_label(instance: models.Model, field_name: str, separator: str = ", ") -> str:
    """The label of an instance's field value (`membership` + "roles" → "Body administrator, Auditor")."""
    return choice_label(field_choices(instance, field_name), getattr(instance, field_name), separator)


class RegistryChoices:
    """The entries of a registry (deadline, notice, document or import kinds) as choices, `(key, label)` pairs
    read at each use, so kinds declared later are included: `declare_audit_record(..., choices={"kind":
    RegistryChoices(KINDS)})`, `choice_label(RegistryChoices(KINDS), code)`."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for entry in self.registry.entries.values():
            key = self.registry.key(entry)
            yield key, registry_label(self.registry, key)

    def __bool__(self) -> bool:
        return True


def registry_label(registry: Any, code: str) -> str:
    """The label a registry's entry declares for its code (a deadline or document kind); the code when none."""
    entry = registry.find(code)
    label = getattr(entry, "label", None) if entry is not None else None
    return str(label) if label is not None else code
